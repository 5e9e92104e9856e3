import { describeLockHolders } from '../db/lock-holders.js';
import { ensureStateSchema } from '../state/store.js';
import type { ApplyResult, RunContext } from './apply.js';
import { ApplyFailedError, CommitInDoubtError } from './errors.js';
import { parentSnapshot, recordSnapshot } from './record.js';
import { LockWaitExceeded, retryPolicy, withLockRetries } from './retry.js';
import { applySettings, DEFAULT_LOCK_TIMEOUT } from './settings.js';
import { inTransaction, runStepStatements, type TransactionProgress } from './transaction.js';

/**
 * An atomic plan: every step, the backups they take and the new snapshot
 * in one transaction. A lock not available within the lock timeout rolls
 * it all back and tries again after a pause, within the retry budget.
 */
export async function runAtomic(ctx: RunContext): Promise<ApplyResult> {
  const { db, plan, options } = ctx;
  try {
    return await withLockRetries(() => attempt(ctx), retryPolicy(options), async (event) => {
      options.onRetry?.(1, { ...event, blockers: await describeLockHolders(db, plan.scope.schemas) });
    });
  } catch (e) {
    if (!(e instanceof LockWaitExceeded)) throw e;
    throw new ApplyFailedError(e.where, e.statement, e.cause, 'rolled-back', await describeLockHolders(db, plan.scope.schemas));
  }
}

async function attempt({ db, plan, live, serverVersion, options, briefMs }: RunContext): Promise<ApplyResult> {
  const timings: ApplyResult['steps'] = [];
  const progress: TransactionProgress = { where: 'starting the apply', committing: false };
  try {
    return await inTransaction(db, progress, plan.id, async () => {
      await db.exec(applySettings(options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT, serverVersion, 'transaction'));
      await ensureStateSchema(db);
      const parent = await parentSnapshot(db, plan, live.model);
      options.onPhase?.('running the steps');
      for (const step of plan.steps) {
        options.onStep?.({ type: 'start', step });
        const started = performance.now();
        progress.where = `step ${step.index} (${step.description})`;
        await runStepStatements(db, step, progress, briefMs);
        const ms = performance.now() - started;
        timings.push({ index: step.index, description: step.description, ms });
        options.onStep?.({ type: 'done', step, ms });
      }
      progress.where = 'recording the snapshot';
      const snapshot = await recordSnapshot(db, plan, parent.id, options.onPhase);
      progress.where = 'committing';
      return { planId: plan.id, snapshot, steps: timings };
    });
  } catch (e) {
    // Rolled back behind a lock: the caller retries while the budget lasts, and reports it if not.
    if (e instanceof LockWaitExceeded || e instanceof CommitInDoubtError) throw e;
    throw new ApplyFailedError(progress.where, progress.statement, e as Error, progress.fate ?? 'rolled-back');
  }
}
