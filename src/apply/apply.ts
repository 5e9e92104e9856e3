import type { Database } from '../db/database.js';
import { PlanRefusedError } from '../errors.js';
import { serverInfo } from '../introspect/introspect.js';
import { hasDataLoss } from '../plan/build.js';
import { describeDigestChanges, fingerprint, objectDigests } from '../model/objects.js';
import type { Model } from '../model/types.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { snapshotOfPlan, type Snapshot } from '../state/store.js';
import { forgetApply, partialApplies, readJournal } from '../state/journal.js';
import { refuseUnsafeStatements } from './statements.js';
import { readInScope } from '../workflow/scope.js';
import { acquireApplyLock } from './lock.js';
import { runAtomic } from './atomic.js';
import { runOnline } from './online-run.js';
import { briefMs } from './settings.js';
import { buildResources, type BuildResources } from './build-resources.js';
import { refuseIfDiverged } from './resume.js';
import type { RetryEvent } from './retry.js';

export { ApplyFailedError, CommitInDoubtError, type Outcome } from './errors.js';
export { DEFAULT_BRIEF_TIMEOUT, DEFAULT_LOCK_TIMEOUT } from './settings.js';
export { DEFAULT_RETRY_BUDGET } from './retry.js';
export { DEFAULT_BUILD_MEMORY, DEFAULT_BUILD_WORKERS } from './build-resources.js';

export interface ApplyOptions {
  allowDestructive?: boolean;
  /** How long one statement may wait for a lock before it is retried (PostgreSQL interval). */
  lockTimeout?: string;
  /** How long, in all, a unit that meets a lock it cannot take in time is retried (0: not at all). */
  retryBudget?: string;
  /** How long a step meant to change only the catalog may run while it blocks writes (DEFAULT_BRIEF_TIMEOUT). */
  briefTimeout?: string;
  /** maintenance_work_mem of a concurrent index build: 'auto' (the default, from the table's size), 'server', or a size such as '2GB'. */
  buildMemory?: string;
  /** Parallel workers of a concurrent index build: 'server' (the default) or a number (0: none). */
  buildWorkers?: string;
  onStep?: (event: StepEvent) => void;
  /** Called as the apply moves on: checking the plan, running its steps, reading the result, recording the snapshot. */
  onPhase?: (phase: string) => void;
  /** Something the person applying should know before or while it runs (a long transaction it may queue behind). */
  onNotice?: (message: string) => void;
  /** A unit met a lock it could not take within the lock timeout and is tried again after a pause. */
  onRetry?: (unit: number, event: RetryEvent & { blockers: string[] }) => void;
}

export type StepEvent =
  | { type: 'start'; step: PlanStep }
  | { type: 'done'; step: PlanStep; ms: number }
  /** Resuming: the journal says the step's unit committed before. */
  | { type: 'skipped'; step: PlanStep };

export interface ApplyResult {
  planId: string;
  snapshot: Snapshot;
  steps: Array<{ index: number; description: string; ms: number }>;
  /** Units an earlier, interrupted apply of this plan had committed, now skipped. */
  resumedAfter?: number;
}

/** What the runners share: the plan, the live model planned from (until recorded as a baseline), the server and the caller's options. */
export interface RunContext {
  db: Database;
  plan: ExecutablePlan;
  live: { model?: Model };
  serverVersion: number;
  options: ApplyOptions;
  /** options.briefTimeout in milliseconds, read once before anything runs. */
  briefMs: number;
  /** options.buildMemory and buildWorkers, read once before anything runs. */
  build: BuildResources;
}

/**
 * Execute a plan exactly as it was written, or refuse before changing
 * anything. An atomic plan commits all its steps, the backups they need and
 * the new snapshot together or not at all. An online plan commits unit by
 * unit, recording each in the apply journal; one stopped part-way (failure,
 * crash, lost connection) is resumed by applying the same plan again.
 */
export async function applyPlan(db: Database, plan: ExecutablePlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const brief = briefMs(options);
  const build = buildResources(options);
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
    const journal = await readJournal(db, plan.id);
    const ctx: RunContext = { db, plan, live: {}, serverVersion: server.versionNum, options, briefMs: brief, build };
    if (journal.entries.some((e) => e.unit === 0 && e.state === 'abandoned')) {
      throw new PlanRefusedError('stale', `this plan was applied part-way and then rolled back (${journal.entries[0]!.finishedAt}); nothing was changed`, {
        hint: 'Run `schema plan` again to plan from the current state.',
      });
    }
    if (journal.entries.length) {
      options.onPhase?.('checking the partial apply before resuming it');
      await refuseIfDiverged(db, plan, journal);
      return await runOnline(ctx, journal.entries);
    }
    await refuseIfPartial(db, plan);
    ctx.live.model = await refuseIfStale(db, plan);
    return plan.execution === 'atomic' ? await runAtomic(ctx) : await runOnline(ctx, []);
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

/**
 * Another plan stopped part-way: it is finished (or rolled back, by the
 * rollback plan made for it) first. One that stopped before committing
 * anything is forgotten.
 */
async function refuseIfPartial(db: Database, plan: ExecutablePlan) {
  for (const partial of await partialApplies(db)) {
    if (partial.planId === plan.abandons) continue;
    if (partial.unitsRecorded === 0) {
      await forgetApply(db, partial.planId);
      continue;
    }
    throw new PlanRefusedError('stale', `plan ${partial.planId} was applied part-way (${partial.unitsDone} unit(s) committed, started ${partial.startedAt}) and not finished; refusing to apply another plan over it. Nothing was changed.`, {
      hint: `Apply ${partial.planId} again to finish it (it resumes where it stopped), or run \`schema rollback\`; \`schema state show\` lists its units.`,
    });
  }
}

/** The live schema, or a refusal naming what changed since the plan was made. */
async function refuseIfStale(db: Database, plan: ExecutablePlan): Promise<Model> {
  const live = await readInScope(db, plan.scope);
  if (fingerprint(live) === plan.source.fingerprint) return live;
  const drift = describeDigestChanges(plan.source.objects, objectDigests(live));
  throw new PlanRefusedError('stale', 'the database changed since this plan was made; refusing to apply a stale plan. Nothing was changed.', {
    details: drift.slice(0, 20).map((d) => `since planning: ${d}`).concat(drift.length > 20 ? [`... and ${drift.length - 20} more`] : []),
    hint: 'Run `schema plan` again to plan from the current state.',
  });
}
