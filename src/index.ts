/**
 * schemaform as a library: everything the CLI does, without the CLI.
 *
 * ### Examples
 * ```ts
 * import { connectServer, loadSchema, createPlan, applyPlan } from 'schemaform';
 * const db = await connectServer(process.env.DATABASE_URL!);
 * const { model } = await loadSchema('schema.yaml');
 * const plan = await createPlan(db, model);
 * await applyPlan(db, plan);
 * ```
 */
export type * from './model/types.js';
export type { Change, ColumnAspect, ObjectRef } from './diff/changes.js';
export type { Plan, ExecutablePlan, PlanStep, Hazard, HazardCode, Severity, BackupSpec } from './plan/types.js';
export type { Database } from './db/database.js';
export type { Snapshot, SnapshotSummary, BackupRecord } from './state/store.js';

export { SchemaformError, SchemaFileError, PlanRefusedError } from './errors.js';
export { connectServer } from './db/server.js';
export { openEmbedded } from './db/embedded.js';
export { loadSchema } from './yaml/load.js';
export { documentToModel } from './yaml/to-model.js';
export { modelToYaml, writeModelYaml } from './yaml/from-model.js';
export { checkModel } from './validate/semantic.js';
export { introspect, serverInfo } from './introspect/introspect.js';
export { normalizeDesired } from './normalize/probe.js';
export { diffModels } from './diff/diff.js';
export { orderChanges, dependencyGraph } from './graph/graph.js';
export { readDependents } from './introspect/dependents.js';
export { loadParser } from './sql/parser.js';
export { buildPlan, describeChange, hasDataLoss } from './plan/build.js';
export { renderChange } from './plan/render.js';
export { hazardsOf } from './plan/hazards.js';
export { executablePart, readPlanFile, writePlanFile } from './plan/plan-file.js';
export { formatPlanText } from './plan/format-text.js';
export { formatPlanMarkdown } from './plan/format-markdown.js';
export { createPlan } from './workflow/plan.js';
export { detectDrift } from './workflow/drift.js';
export { applyPlan, ApplyFailedError, CommitInDoubtError, type ApplyOptions, type ApplyResult, type Outcome } from './apply/apply.js';
export type { Execution } from './plan/online.js';
export { partialApplies, readJournal, type JournalEntry, type PartialApply } from './state/journal.js';
export { planRollback } from './rollback/rollback.js';
export { listSnapshots, getSnapshot, latestSnapshot } from './state/store.js';
export { fingerprint } from './model/objects.js';
export { quoteIdent, quoteLiteral } from './sql/quote.js';
