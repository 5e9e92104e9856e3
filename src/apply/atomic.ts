import { isServerError } from '../db/database.js';
import { describeLockHolders, LOCK_NOT_AVAILABLE } from '../db/lock-holders.js';
import { parseDuration } from '../duration.js';
import { quoteIdent } from '../sql/quote.js';
import { ensureStateSchema } from '../state/store.js';
import type { ApplyResult, RunContext } from './apply.js';
import { ApplyFailedError, CommitInDoubtError } from './errors.js';
import { parentSnapshot, recordSnapshot } from './record.js';
import { DEFAULT_RETRY_BUDGET, LockWaitExceeded, withLockRetries } from './retry.js';
import { applySettings, DEFAULT_LOCK_TIMEOUT } from './settings.js';
import { statementsOf } from './statements.js';
import { beginWithId, rollBack } from './transaction.js';

/**
 * An atomic plan: every step, the backups they take and the new snapshot
 * in one transaction. A lock not available within the lock timeout rolls
 * it all back and tries again after a pause, within the retry budget.
 */
export async function runAtomic(ctx: RunContext): Promise<ApplyResult> {
  const { db, plan, options } = ctx;
  const budgetMs = parseDuration(options.retryBudget ?? DEFAULT_RETRY_BUDGET, 'retry budget');
  try {
    return await withLockRetries(() => attempt(ctx), { budgetMs }, async (event) => {
      options.onRetry?.(1, { ...event, blockers: await describeLockHolders(db, plan.scope.schemas) });
    });
  } catch (e) {
    if (!(e instanceof LockWaitExceeded)) throw e;
    throw new ApplyFailedError(e.where, e.statement, e.cause, 'rolled-back', await describeLockHolders(db, plan.scope.schemas));
  }
}

async function attempt({ db, plan, live, serverVersion, options }: RunContext): Promise<ApplyResult> {
  const timings: ApplyResult['steps'] = [];
  const progress: { where: string; statement?: string } = { where: 'starting the apply' };
  let xid: string | undefined;
  try {
    xid = await beginWithId(db);
    await db.exec(applySettings(options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT, serverVersion, 'transaction'));
    await ensureStateSchema(db);
    const parent = await parentSnapshot(db, plan, live.model);
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
    progress.where = 'recording the snapshot';
    const snapshot = await recordSnapshot(db, plan, parent.id, options.onPhase);
    progress.where = 'committing';
    await db.exec('COMMIT');
    return { planId: plan.id, snapshot, steps: timings };
  } catch (e) {
    const error = e as Error & { code?: string };
    // A server error at COMMIT (a deferred check, say) rolled it back; a lost connection leaves it in doubt.
    if (progress.where === 'committing' && !isServerError(error)) throw new CommitInDoubtError(plan.id, error);
    const outcome = await rollBack(db, xid);
    // Rolled back behind a lock: the caller retries while the budget lasts, and reports it if not.
    if (outcome === 'rolled-back' && isServerError(error) && error.code === LOCK_NOT_AVAILABLE) throw new LockWaitExceeded(progress.where, progress.statement, error);
    throw new ApplyFailedError(progress.where, progress.statement, error, outcome);
  }
}
