import { append } from '../arrays.js';
import { mark } from '../profile.js';
import type { Database } from '../db/database.js';
import { diffModels } from '../diff/diff.js';
import { SchemaformError } from '../errors.js';
import { dependencyGraph, orderChanges } from '../graph/graph.js';
import type { LiveDependent } from '../graph/facts.js';
import { introspect, serverInfo, withCatalogLanes } from '../introspect/introspect.js';
import { normalizeDesired } from '../normalize/probe.js';
import { restrictModel } from '../model/objects.js';
import type { Model } from '../model/types.js';
import { withInertBody } from '../normalize/planning-transaction.js';
import { describeChange, searchPathOf } from '../plan/build.js';
import { renderChange, type RenderContext } from '../plan/render.js';
import type { Plan, PlanStep, Rehearsal } from '../plan/types.js';
import { describeObject, objectOf, type ObjectRef } from '../diff/changes.js';
import { foreignKeysWithin, rehearsalModel } from './closure.js';
import { plainForm } from '../plan/online.js';
import { withScratchDatabase, type RehearsalTarget } from './scratch.js';
import { buildInScratch, inert } from './build-model.js';
import { runSteps, type Refusal, type RehearsedStep } from './run-steps.js';
import { RefusedSqlError, type SqlRefusal } from './refusals.js';

/**
 * Run a plan before anyone applies it: in a scratch database, rebuild the
 * live objects the plan touches and everything they depend on, run the
 * plan's steps there in order, and read the result back. A step that fails
 * or a result that differs from the file stops the plan, naming the step.
 *
 * What it cannot see: rows (a NOT NULL the data would refuse), and what
 * routine bodies do. Routines are created with bodies that do nothing and
 * materialized views without rows, so no code from the file runs (the
 * tables are empty: defaults, checks and conversions meet no row); their
 * signatures, and everything that uses them, are rehearsed.
 */
export interface RehearsalInput {
  /** The live schema the plan was made from. */
  live: Model;
  /** The file's model as written, before planning spelled it the way the live database does: a replan starts from it. */
  file: Model;
  /** What in the live database depends on what the plan drops or rewrites (for the order the steps need). */
  dependents?: readonly LiveDependent[];
}

export async function rehearse(target: RehearsalTarget, plan: Plan, { live, file, dependents = [] }: RehearsalInput): Promise<Rehearsal> {
  // With SCHEMAFORM_PROFILE set, the moments the rehearsal reaches (see profile.ts).
  const lap = (phase: string) => mark(`rehearsal: ${phase}`);
  const { model: base, objects } = rehearsalModel(live, plan.steps);
  lap('closure');
  const ctx = { serverVersion: plan.target.serverVersion };
  const outcome = await withScratchDatabase(target, async (db) => {
    lap('created');
    // Privileges are left out, as in the comparison: a shadow server need not have the same roles.
    try {
      await buildInScratch(db, comparable(base), ctx, { routines: 'inert', onRendered: (n) => lap(`rendered setup (${n} statements)`) });
      lap('setup ran');
    } catch (e) {
      return `the live objects the plan touches could not be rebuilt there (${(e as Error).message})`;
    }
    const { refusals, held } = await rehearseSteps(db, plan, live, dependents, ctx);
    lap('steps ran');
    // What a refused step would have made is not there to compare; the rest still is.
    const missing = new Set(held.map((step) => describeObject(step.object)));
    const refs = [...plan.steps.map((s) => s.object), ...objects].filter((ref) => !missing.has(describeObject(ref)));
    const blocked = held.length - refusals.length;
    append(refusals, await converged(db, plan, file, refs, ctx, refusals.length > 0));
    lap('compared');
    if (refusals.length) throw new RefusedSqlError(refusals, blocked);
    return undefined;
  });
  if (!outcome.ok) return { rehearsed: false, reason: outcome.reason };
  if (typeof outcome.value === 'string') return { rehearsed: false, reason: outcome.value };
  return { rehearsed: true, where: target.where };
}


/**
 * The steps in order, as apply runs them, in one transaction (the database
 * is thrown away): what PostgreSQL refused, and the steps that did not run
 * (refused, or needing one that was). A misordered step stops it.
 */
async function rehearseSteps(db: Database, plan: Plan, live: Model, dependents: readonly LiveDependent[], ctx: RenderContext): Promise<{ refusals: SqlRefusal[]; held: PlanStep[] }> {
  // The graph is of the planned changes; the helper steps of their online forms run beside them.
  const main = plan.steps.flatMap((s, i) => (s.helper ? [] : [i]));
  const graph = dependencyGraph(main.map((i) => plan.steps[i]!.change), { live, dependents });
  // The graph's vertices are those steps, in the plan's order (their known cycles are broken already).
  const needs = plan.steps.map(() => [] as number[]);
  if (graph.steps.length === main.length) for (const e of graph.edges) needs[main[e.after]!]!.push(main[e.before]!);
  const steps = plan.steps.map((step, i): RehearsedStep => ({ statements: statementsOf(step, ctx), searchPath: step.searchPath, needs: needs[i]! }));
  await db.exec('BEGIN');
  try {
    const outcome = await runSteps(db, steps);
    const refusal = (r: Refusal): SqlRefusal => {
      const step = plan.steps[r.step]!;
      return { object: step.object, step: { index: step.index, description: step.description }, statement: r.statement, message: r.message, ...(r.position !== undefined && { position: r.position }) };
    };
    const first = outcome.misordered[0];
    if (first) {
      const { step, statement, message } = refusal(first);
      throw new SchemaformError(`rehearsal: step ${step!.index} (${step!.description}) failed in a scratch database: ${message}; no plan was written`, {
        details: [statement.length > 400 ? `${statement.slice(0, 400)}…` : statement, 'it runs once the steps after it have run: the plan\'s order is wrong'],
        hint: 'This is a schemaform bug in ordering: please report it with the plan output.',
      });
    }
    await db.exec('COMMIT');
    return { refusals: outcome.refused.map(refusal), held: [...outcome.refused.map((r) => plan.steps[r.step]!), ...outcome.blocked.map((i) => plan.steps[i]!)] };
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** What the rehearsal runs for a step: no privileges (see comparable), routines inert. */
function statementsOf(step: PlanStep, ctx: RenderContext): readonly string[] {
  if (step.change.kind === 'grant-privileges' || step.change.kind === 'revoke-privileges') return [];
  // One transaction: a concurrent build is rehearsed as the plain one (the tables are empty, the result the same).
  const rehearsed = inert(plainForm(step.change));
  return rehearsed === step.change ? step.sql : renderChange(rehearsed, ctx);
}

/**
 * What a replan against the scratch database, after the steps, would still
 * do for these objects: nothing, or the plan is refused. What is left is
 * tried there; SQL of the file that PostgreSQL refuses once the steps ran
 * (a view naming a column the plan renames) is the file's problem, and
 * returned. Anything else left is a schemaform bug, unless steps were
 * refused (what is left may then follow from them).
 */
async function converged(db: Database, plan: Plan, file: Model, refs: ObjectRef[], ctx: RenderContext, stepsRefused: boolean): Promise<SqlRefusal[]> {
  const server = await serverInfo(db);
  // Over the catalog's lanes: this process has nothing else to do meanwhile.
  const read = await withCatalogLanes(db, (lanes) => introspect(db, { schemas: plan.scope.schemas, lanes }, server));
  const after = comparable(foreignKeysWithin(restrictModel(read.model, refs)));
  // What a plan against the scratch database would now find to do: from the file, spelled by it, as a replan is.
  const wanted = await normalizeDesired(db, comparable(foreignKeysWithin(restrictModel(file, refs))), after, server);
  const left = diffModels(after, wanted, {});
  if (left.length === 0) return [];
  const ordered = orderChanges(left, { live: after });
  await db.exec('BEGIN');
  try {
    const outcome = await runSteps(db, ordered.map((c) => ({ statements: renderChange(inert(c), ctx), searchPath: searchPathOf(c), needs: [] })));
    const refusals = outcome.refused.map(({ step, statement, message, position }): SqlRefusal => ({ object: objectOf(ordered[step]!), statement, message, ...(position !== undefined && { position }) }));
    if (refusals.length || stepsRefused) return refusals;
  } finally {
    await db.exec('ROLLBACK');
  }
  throw new SchemaformError(`rehearsal: after the plan's steps ran in a scratch database, ${left.length} difference(s) from the file remain; no plan was written`, {
    details: left.slice(0, 20).map((c) => `still to do: ${describeChange(c)}`),
    hint: 'A plan that does not reach the file would leave the next plan non-empty. This is a schemaform bug: please report it with the file.',
  });
}

/**
 * What a rehearsal can judge: structure, not privileges (the scratch
 * database has its own defaults, a shadow server its own roles; grant and
 * revoke steps are not run) nor routine bodies (inert).
 */
function comparable(model: Model): Model {
  const bare = <T extends { grants?: unknown }>(x: T): T => ({ ...x, grants: undefined });
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s, grants: undefined, defaultPrivileges: undefined,
      tables: s.tables.map(bare), views: s.views.map((v) => bare({ ...v, ...(v.materialized && { withData: false }) })), sequences: s.sequences.map(bare), enums: s.enums.map(bare),
      domains: s.domains.map(bare), ...(s.composites && { composites: s.composites.map(bare) }), ...(s.ranges && { ranges: s.ranges.map(bare) }),
      functions: s.functions.map((f) => bare(withInertBody(f, 'return nothing'))),
    })),
  };
}
