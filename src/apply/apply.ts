import type { Database } from '../db/database.js';
import { PlanRefusedError, SchemaformError } from '../errors.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import { hasDataLoss } from '../plan/build.js';
import { describeDigestChanges, fingerprint, objectDigests } from '../model/objects.js';
import type { Model } from '../model/types.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { toolVersion } from '../paths.js';
import { quoteIdent } from '../sql/quote.js';
import { ensureStateSchema, insertBackup, insertSnapshot, latestSnapshotSummary, type RenameEvent, type Snapshot } from '../state/store.js';
import { restrictToScope } from '../workflow/scope.js';
import { acquireApplyLock } from './lock.js';

export interface ApplyOptions {
  allowDestructive?: boolean;
  /** How long one statement may wait for a lock before the apply gives up (PostgreSQL interval). */
  lockTimeout?: string;
  onStep?: (event: StepEvent) => void;
  /** Called as the apply moves on: checking the plan, running its steps, reading the result, recording the snapshot. */
  onPhase?: (phase: string) => void;
}

export type StepEvent =
  | { type: 'start'; step: PlanStep }
  | { type: 'done'; step: PlanStep; ms: number };

export interface ApplyResult {
  planId: string;
  snapshot: Snapshot;
  steps: Array<{ index: number; description: string; ms: number }>;
}

/** A step failed; the transaction was rolled back and nothing changed. */
export class ApplyFailedError extends SchemaformError {
  constructor(readonly step: PlanStep, readonly statement: string, cause: Error & { detail?: string; hint?: string }) {
    super(`step ${step.index} (${step.description}) failed: ${cause.message}`, {
      cause,
      details: [
        ...(cause.detail ? [`detail: ${cause.detail}`] : []),
        `statement: ${statement}`,
        'Everything was rolled back: the schema, the data and the state are as they were before this apply.',
      ],
      hint: cause.hint ?? 'Fix the data or the schema file, run `schema plan` again and apply the new plan.',
    });
    this.name = 'ApplyFailedError';
  }
}

/**
 * Execute a plan exactly as it was written, or refuse before changing
 * anything. All transactional steps, the backups they need and the new
 * snapshot commit together or not at all.
 */
export async function applyPlan(db: Database, plan: ExecutablePlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const server = await serverInfo(db);
  if (server.systemIdentifier !== plan.target.systemIdentifier || server.database !== plan.target.database) {
    throw new PlanRefusedError('wrong-target', `this plan was made for database "${plan.target.database}" on server ${plan.target.systemIdentifier}, but this is "${server.database}" on server ${server.systemIdentifier}; nothing was changed`, {
      hint: 'Check --database-url / DATABASE_URL, or run `schema plan` against this database.',
    });
  }
  if (hasDataLoss(plan) && !plan.allowDestructive && !options.allowDestructive) {
    const losses = plan.steps.flatMap((s) => s.hazards.filter((h) => h.code === 'data-loss').map((h) => `step ${s.index}: ${h.message}`));
    throw new PlanRefusedError('destructive', 'this plan destroys data; refusing without --allow-destructive. Nothing was changed.', {
      details: losses,
      hint: 'If the loss is intended, run `schema apply PLAN --allow-destructive` (backups are taken first, and `schema rollback` can restore them).',
    });
  }

  const release = await acquireApplyLock(db);
  try {
    options.onPhase?.('checking the plan against the database');
    const live = { model: await refuseIfStale(db, plan) as Model | undefined };
    return await runInTransaction(db, plan, live, options);
  } finally {
    await release().catch(() => undefined);
  }
}

/** The live schema, or a refusal naming what changed since the plan was made. */
async function refuseIfStale(db: Database, plan: ExecutablePlan): Promise<Model> {
  const live = restrictToScope((await introspect(db, { schemas: plan.scope.schemas })).model, plan.scope);
  if (fingerprint(live) === plan.source.fingerprint) return live;
  const drift = describeDigestChanges(plan.source.objects, objectDigests(live));
  throw new PlanRefusedError('stale', 'the database changed since this plan was made; refusing to apply a stale plan. Nothing was changed.', {
    details: drift.slice(0, 20).map((d) => `since planning: ${d}`).concat(drift.length > 20 ? [`... and ${drift.length - 20} more`] : []),
    hint: 'Run `schema plan` again to plan from the current state.',
  });
}

/** `live.model` is let go once the baseline no longer needs it: at thousands of tables it is tens of megabytes. */
async function runInTransaction(db: Database, plan: ExecutablePlan, live: { model?: Model }, options: ApplyOptions): Promise<ApplyResult> {
  const timings: ApplyResult['steps'] = [];
  await db.exec('BEGIN');
  try {
    // Routines are created before the tables they may read (a default or a
    // check may call them), so their bodies cannot be checked against
    // tables yet; as with pg_dump, they are checked when first run.
    await db.exec(`SET LOCAL lock_timeout = ${quoteLiteralSetting(options.lockTimeout ?? '10s')}; SET LOCAL standard_conforming_strings = on; SET LOCAL check_function_bodies = off`);
    await ensureStateSchema(db);
    let parent: { id: number } | undefined = await latestSnapshotSummary(db);
    // The first apply also records where the database started, so that it can be rolled back to.
    parent ??= await insertSnapshot(db, {
      planId: null, kind: 'baseline', parentId: null, fingerprint: plan.source.fingerprint, scope: plan.scope,
      model: live.model!, renames: [], toolVersion,
    });
    live.model = undefined;
    options.onPhase?.('running the steps');
    const backups: Array<{ step: PlanStep }> = [];
    for (const step of plan.steps) {
      if (!step.transactional) continue;
      options.onStep?.({ type: 'start', step });
      const started = performance.now();
      await runStep(db, step);
      if (step.backup) backups.push({ step });
      const ms = performance.now() - started;
      timings.push({ index: step.index, description: step.description, ms });
      options.onStep?.({ type: 'done', step, ms });
    }
    options.onPhase?.('reading the result');
    const after = restrictToScope((await introspect(db, { schemas: plan.scope.schemas })).model, plan.scope);
    options.onPhase?.('recording the snapshot');
    const snapshot = await insertSnapshot(db, {
      planId: plan.id, kind: plan.kind, parentId: parent.id, fingerprint: fingerprint(after), scope: plan.scope,
      model: after, renames: renamesOf(plan), toolVersion,
    });
    for (const { step } of backups) {
      const b = step.backup!;
      await insertBackup(db, {
        relation: b.relation, snapshotId: snapshot.id, planId: plan.id, step: step.index, kind: b.kind,
        schema: b.schema, table: b.table, column: b.column ?? null, columns: b.columns, key: b.key ?? null,
      });
    }
    await db.exec('COMMIT');
    return { planId: plan.id, snapshot, steps: timings };
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function runStep(db: Database, step: PlanStep) {
  const statements = [
    `SET LOCAL search_path TO ${step.searchPath.map(quoteIdent).join(', ')}`,
    ...(step.backup ? [step.backup.sql] : []),
    ...step.sql,
  ];
  for (const statement of statements) {
    try {
      await db.exec(statement);
    } catch (e) {
      throw new ApplyFailedError(step, statement, e as Error);
    }
  }
}

function quoteLiteralSetting(value: string): string {
  if (!/^\d+\s*(ms|s|min|h)?$/.test(value)) throw new SchemaformError(`invalid lock timeout "${value}"`, { hint: 'Use a duration such as 5s, 500ms or 1min.' });
  return `'${value}'`;
}

function renamesOf(plan: ExecutablePlan): RenameEvent[] {
  return plan.steps.flatMap((s): RenameEvent[] => {
    const c = s.change;
    if (c.kind === 'rename-schema') return [{ kind: 'schema', schema: c.to, from: c.from, to: c.to }];
    if (c.kind === 'rename-table') return [{ kind: 'table', schema: c.schema, from: c.from, to: c.to }];
    if (c.kind === 'rename-column') return [{ kind: 'column', schema: c.schema, table: c.table, from: c.from, to: c.to }];
    return [];
  });
}

