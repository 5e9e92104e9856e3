import { isServerError } from '../db/database.js';
import { describeLockHolders, describeLongTransactions, LOCK_NOT_AVAILABLE } from '../db/lock-holders.js';
import type { PlanStep } from '../plan/types.js';
import { forgetApply, recordUnit, type JournalEntry } from '../state/journal.js';
import { ensureStateSchema } from '../state/store.js';
import type { ApplyResult, RunContext } from './apply.js';
import { buildSettings, RESET_BUILD_SETTINGS } from './build-resources.js';
import { runConcurrentStep, stateAfterFailure } from './concurrent.js';
import { ApplyFailedError, CommitInDoubtError } from './errors.js';
import { parentSnapshot, recordBackups, recordSnapshot, renamesOf } from './record.js';
import { LockWaitExceeded, retryPolicy, withLockRetries } from './retry.js';
import { applySettings, DEFAULT_LOCK_TIMEOUT, resetSettings } from './settings.js';
import { inTransaction, runStatement, runStepStatements, searchPath, type TransactionProgress } from './transaction.js';
import { unitsOf, type Unit } from './units.js';

/** Where the apply is, for the report if it fails: the unit, besides the step, statement and fate of its transaction. */
interface Progress extends TransactionProgress {
  unit: number;
}

/**
 * An online plan, unit by unit: a short transaction that records the start
 * (and, on the first apply, the baseline snapshot), then each unit (its
 * journal row commits with it), then the snapshot. Units the journal says
 * are done are skipped, so applying the plan again after a failure or a
 * crash resumes it. A unit behind a lock is rolled back and retried, so
 * what queues behind the apply waits at most the lock timeout.
 */
export async function runOnline(ctx: RunContext, journal: readonly JournalEntry[]): Promise<ApplyResult> {
  const { db, plan, options, serverVersion } = ctx;
  const units = unitsOf(plan);
  const done = new Set(journal.filter((e) => e.state === 'done' && e.unit > 0).map((e) => e.unit));
  const progress: Progress = { unit: 0, where: 'starting the apply', committing: false };
  const timings: ApplyResult['steps'] = [];
  const policy = retryPolicy(options);
  let baseline: number | undefined;
  await db.exec(applySettings(options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT, serverVersion, 'session'));
  try {
    const parent = await inTransaction(db, progress, plan.id, async () => {
      await ensureStateSchema(db);
      const p = await parentSnapshot(db, plan, ctx.live.model);
      if (journal.length === 0) await recordUnit(db, plan.id, plan.checksum, 0, 'done', []);
      return p;
    });
    if (parent.baseline) baseline = parent.id;
    ctx.live.model = undefined;
    const relations = [...new Set(plan.steps.flatMap((s) => s.locks.map((l) => l.relation)))];
    for (const line of await describeLongTransactions(db, relations)) options.onNotice?.(`the apply may queue behind ${line}`);
    options.onPhase?.('running the steps');
    for (const unit of units) {
      // A transactional unit's row committed with it; a concurrent one is marked done only once its build or drop finished.
      // (One only started is run again: it finishes the work or removes the INVALID index and builds it anew.)
      if (done.has(unit.number)) {
        for (const step of unit.steps) options.onStep?.({ type: 'skipped', step });
        continue;
      }
      progress.unit = unit.number;
      progress.fate = undefined;
      await withLockRetries(() => runUnit(ctx, unit, progress, timings), policy, async (event) => {
        options.onRetry?.(unit.number, { ...event, blockers: await describeLockHolders(db, plan.scope.schemas) });
      });
    }
    progress.unit = units.length + 1;
    progress.where = 'recording the snapshot';
    const snapshot = await inTransaction(db, progress, plan.id, () => recordSnapshot(db, plan, parent.id, options.onPhase));
    return { planId: plan.id, snapshot, steps: timings, ...(done.size > 0 && { resumedAfter: done.size }) };
  } catch (e) {
    throw await failure(ctx, e, progress, units.length, baseline);
  } finally {
    await db.exec(resetSettings(serverVersion)).catch(() => undefined);
  }
}

async function runUnit(ctx: RunContext, unit: Unit, progress: Progress, timings: ApplyResult['steps']): Promise<void> {
  const { db, plan, options } = ctx;
  const ran: ApplyResult['steps'] = [];
  const runStep = async (step: PlanStep, body: () => Promise<void>) => {
    options.onStep?.({ type: 'start', step });
    const started = performance.now();
    progress.where = `step ${step.index} (${step.description}), unit ${unit.number}`;
    await body();
    ran.push({ index: step.index, description: step.description, ms: performance.now() - started });
  };
  const steps = unit.steps.map((s) => s.index);
  if (unit.transactional) {
    await inTransaction(db, progress, plan.id, async () => {
      for (const step of unit.steps) await runStep(step, () => runStepStatements(db, step, progress, ctx.briefMs));
      await recordBackups(db, plan, unit.steps, null);
      await recordUnit(db, plan.id, plan.checksum, unit.number, 'done', steps, renamesOf(unit.steps));
    });
  } else {
    const step = unit.steps[0]!;
    await recordUnit(db, plan.id, plan.checksum, unit.number, 'started', steps);
    try {
      await runStep(step, async () => {
        await db.exec(`SET search_path TO ${searchPath(step)}`);
        const settings = step.change.kind === 'create-index' ? await buildSettings(db, step.change.schema, step.change.table, ctx.build) : [];
        for (const set of settings) await db.exec(set);
        try {
          await runConcurrentStep(db, step, (statement) => runStatement(db, statement, progress));
        } finally {
          if (settings.length) await db.exec(RESET_BUILD_SETTINGS).catch(() => undefined);
        }
      });
    } catch (e) {
      // A build that failed left an INVALID index: removed, the table is as it was and the unit can run again.
      // A detach left pending is not as it was, but the unit can run again too (it finishes it).
      const after = isServerError(e) ? await stateAfterFailure(db, step) : 'unknown';
      progress.fate = after === 'undone' ? 'rolled-back' : isServerError(e) ? 'committed' : 'not-committed';
      if (after !== 'unknown' && isServerError(e) && e.code === LOCK_NOT_AVAILABLE) throw new LockWaitExceeded(progress.where, progress.statement, e);
      throw e;
    }
    await recordUnit(db, plan.id, plan.checksum, unit.number, 'done', steps);
  }
  for (const t of ran) {
    timings.push(t);
    options.onStep?.({ type: 'done', step: unit.steps.find((s) => s.index === t.index)!, ms: t.ms });
  }
}

/**
 * The error to report, with what is now true: nothing changed (the first
 * unit failed and was undone: its journal, and a baseline recorded for it,
 * are removed again), or the apply is partial (earlier units committed).
 */
async function failure(ctx: RunContext, e: unknown, progress: Progress, units: number, baseline: number | undefined): Promise<Error> {
  if (e instanceof CommitInDoubtError) return e;
  const { db, plan } = ctx;
  const wait = e instanceof LockWaitExceeded ? e : undefined;
  const cause = (wait?.cause ?? e) as Error & { code?: string };
  const where = wait?.where ?? progress.where;
  const statement = wait ? wait.statement : progress.statement;
  const unitsDone = Math.max(0, Math.min(progress.unit, units + 1) - 1);
  const blockers = cause.code === LOCK_NOT_AVAILABLE && progress.fate !== 'not-committed' ? await describeLockHolders(db, plan.scope.schemas) : [];
  const undone = progress.fate === 'rolled-back';
  if (unitsDone === 0 && undone) {
    await forgetApply(db, plan.id, baseline).catch(() => undefined);
    return new ApplyFailedError(where, statement, cause, 'rolled-back', blockers);
  }
  if (unitsDone === 0 && progress.fate === 'not-committed') return new ApplyFailedError(where, statement, cause, 'not-committed', blockers);
  const stepsDone = plan.steps.filter((s) => s.unit <= unitsDone).length;
  return new ApplyFailedError(where, statement, cause, 'partial', blockers, { unitsDone, units, stepsDone, failedUnit: unitsDone + 1, failedUnitUndone: undone });
}
