import { isServerError, type Database } from '../db/database.js';
import { PlanRefusedError, SchemaformError } from '../errors.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import { hasDataLoss } from '../plan/build.js';
import { describeDigestChanges, fingerprint, objectDigests } from '../model/objects.js';
import type { Model } from '../model/types.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { toolVersion } from '../paths.js';
import { quoteIdent } from '../sql/quote.js';
import { ensureStateSchema, insertBackup, insertSnapshot, latestSnapshotSummary, snapshotOfPlan, type RenameEvent, type Snapshot } from '../state/store.js';
import { describeLockHolders, LOCK_NOT_AVAILABLE } from '../db/lock-holders.js';
import { refuseUnsafeStatements, statementsOf } from './statements.js';
import { parseDuration } from '../duration.js';
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

/** What became of the apply's transaction when something failed inside it, as checked afterwards. */
export type Outcome = 'rolled-back' | 'not-committed' | 'committed';

const outcomeText: Record<Outcome, string> = {
  'rolled-back': 'Everything was rolled back: the schema, the data and the state are as they were before this apply.',
  'not-committed': 'The connection was lost before COMMIT was sent, so nothing was committed: PostgreSQL rolls back a transaction whose session ends. `schema state list` shows no snapshot for this plan.',
  committed: 'The apply\'s transaction was committed part-way (PostgreSQL reports it committed): the database may be partly changed and no snapshot was recorded. Run `schema drift` and `schema plan` to see where it stands.',
};

/** Something failed inside the apply's transaction; `outcome` says, checked, what became of it. */
export class ApplyFailedError extends SchemaformError {
  constructor(
    readonly where: string, readonly statement: string | undefined, cause: Error & { detail?: string; hint?: string },
    readonly outcome: Outcome, blockers: string[] = [],
  ) {
    super(`${where} failed: ${cause.message}`, {
      cause,
      details: [
        ...(cause.detail ? [`detail: ${cause.detail}`] : []),
        ...(statement ? [`statement: ${statement}`] : []),
        ...blockers.map((b) => `blocked by ${b}`),
        outcomeText[outcome],
      ],
      hint: blockers.length
        ? 'Wait for those sessions to finish (or end them), then apply the same plan again; --lock-timeout sets how long each statement may wait.'
        : outcome === 'not-committed'
          ? 'Once the database is reachable again, apply the same plan again.'
          : cause.hint ?? 'Fix the data or the schema file, run `schema plan` again and apply the new plan.',
    });
    this.name = 'ApplyFailedError';
  }
}

/** The connection went while COMMIT was on its way: whether it committed is known only to the server. */
export class CommitInDoubtError extends SchemaformError {
  constructor(planId: string, cause: Error) {
    super(`the connection was lost while the apply was committing (${cause.message}): it may or may not have committed`, {
      cause,
      details: [`If it committed, a snapshot for plan ${planId} was recorded with it; if not, nothing changed.`],
      hint: `Run \`schema state list\`: plan ${planId} is listed there if it committed. \`schema apply\` of the same plan says "already applied" if it did, and applies it if it did not.`,
    });
    this.name = 'CommitInDoubtError';
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

  await refuseUnsafeStatements(plan);

  const release = await acquireApplyLock(db);
  try {
    options.onPhase?.('checking the plan against the database');
    await refuseIfApplied(db, plan);
    const live = { model: await refuseIfStale(db, plan) as Model | undefined };
    return await runInTransaction(db, plan, live, server.versionNum, options);
  } finally {
    await release().catch(() => undefined);
  }
}

async function refuseIfApplied(db: Database, plan: ExecutablePlan) {
  const applied = await snapshotOfPlan(db, plan.id);
  if (applied) {
    throw new PlanRefusedError('applied', `this plan was already applied (snapshot ${applied.id}, ${applied.createdAt}); nothing was changed`, {
      hint: 'Run `schema plan` to plan any further change.',
    });
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
async function runInTransaction(db: Database, plan: ExecutablePlan, live: { model?: Model }, serverVersion: number, options: ApplyOptions): Promise<ApplyResult> {
  const timings: ApplyResult['steps'] = [];
  await db.exec('BEGIN');
  const progress: { where: string; statement?: string } = { where: 'starting the apply' };
  let xid: string | undefined;
  try {
    [{ xid }] = await db.query<{ xid: string }>('SELECT pg_catalog.txid_current()::text AS xid') as [{ xid: string }];
    await db.exec(transactionSettings(options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT, serverVersion));
    await ensureStateSchema(db);
    let parent: { id: number } | undefined = await latestSnapshotSummary(db);
    // The first apply also records where the database started, so that it can be rolled back to.
    parent ??= await insertSnapshot(db, {
      planId: null, kind: 'baseline', parentId: null, fingerprint: plan.source.fingerprint, scope: plan.scope,
      model: live.model!, renames: [], toolVersion,
    });
    live.model = undefined;
    options.onPhase?.('running the steps');
    for (const step of plan.steps) {
      options.onStep?.({ type: 'start', step });
      const started = performance.now();
      progress.where = `step ${step.index} (${step.description})`;
      for (const statement of [`SET LOCAL search_path TO ${step.searchPath.map(quoteIdent).join(', ')}`, ...statementsOf(step)]) {
        progress.statement = statement;
        await db.run(statement);
      }
      progress.statement = undefined;
      const ms = performance.now() - started;
      timings.push({ index: step.index, description: step.description, ms });
      options.onStep?.({ type: 'done', step, ms });
    }
    options.onPhase?.('reading the result');
    progress.where = 'reading the result';
    const after = restrictToScope((await introspect(db, { schemas: plan.scope.schemas })).model, plan.scope);
    options.onPhase?.('recording the snapshot');
    progress.where = 'recording the snapshot';
    const snapshot = await insertSnapshot(db, {
      planId: plan.id, kind: plan.kind, parentId: parent.id, fingerprint: fingerprint(after), scope: plan.scope,
      model: after, renames: renamesOf(plan), toolVersion,
    });
    for (const step of plan.steps) {
      const b = step.backup;
      if (!b) continue;
      await insertBackup(db, {
        relation: b.relation, snapshotId: snapshot.id, planId: plan.id, step: step.index, kind: b.kind,
        schema: b.schema, table: b.table, column: b.column ?? null, columns: b.columns, key: b.key ?? null,
      });
    }
    progress.where = 'committing';
    await db.exec('COMMIT');
    return { planId: plan.id, snapshot, steps: timings };
  } catch (e) {
    const error = e as Error & { code?: string };
    // A server error at COMMIT (a deferred check, say) rolled it back; a lost connection leaves it in doubt.
    if (progress.where === 'committing' && !isServerError(error)) throw new CommitInDoubtError(plan.id, error);
    const outcome = await rollBack(db, xid);
    const blockers = error.code === LOCK_NOT_AVAILABLE && outcome !== 'not-committed' ? await describeLockHolders(db, plan.scope.schemas) : [];
    throw new ApplyFailedError(progress.where, progress.statement, error, outcome, blockers);
  }
}

/**
 * Roll back and check, by the transaction's id, what PostgreSQL says became
 * of it, so that the message after a failure is a fact and not a hope.
 */
async function rollBack(db: Database, xid: string | undefined): Promise<Outcome> {
  try {
    await db.exec('ROLLBACK');
    if (xid === undefined) return 'rolled-back';
    const [row] = await db.query<{ status: string | null }>('SELECT pg_catalog.txid_status($1::bigint) AS status', [xid]);
    return row?.status === 'committed' ? 'committed' : 'rolled-back';
  } catch {
    return 'not-committed';
  }
}


/** How long one statement may wait for a lock: what application statements queued behind it wait at most. */
export const DEFAULT_LOCK_TIMEOUT = '2s';

/**
 * Routines are created before the tables they may read (a default or a
 * check may call them), so their bodies cannot be checked against tables
 * yet; as with pg_dump, they are checked when first run. Statements may
 * run long (an index build is work, not a wait), but waits for locks are
 * bounded; and on PostgreSQL 14+ the server checks every second that the
 * client is still there, so a killed apply does not hold its locks on.
 */
function transactionSettings(lockTimeout: string, serverVersion: number): string {
  return [
    `SET LOCAL lock_timeout = '${parseDuration(lockTimeout, 'lock timeout')}ms'`,
    "SET LOCAL statement_timeout = '0'",
    'SET LOCAL standard_conforming_strings = on',
    'SET LOCAL check_function_bodies = off',
    ...(serverVersion >= 140000 ? ["SET LOCAL client_connection_check_interval = '1s'"] : []),
  ].join('; ');
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

