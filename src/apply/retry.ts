import { parseDuration } from '../duration.js';

export interface RetryPolicy {
  /** How long, in all, the apply may keep retrying one unit that meets a lock it cannot take in time. */
  budgetMs: number;
  /** First pause; each next one doubles, up to maxDelayMs, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  /** Budget left after this pause. */
  remainingMs: number;
  error: Error;
}

/** How long an apply keeps retrying a unit behind a lock by default: longer than an ordinary long transaction. */
export const DEFAULT_RETRY_BUDGET = '3min';

/** The policy an apply's options ask for (`retryBudget`, by default DEFAULT_RETRY_BUDGET). */
export function retryPolicy(options: { retryBudget?: string }): RetryPolicy {
  return { budgetMs: parseDuration(options.retryBudget ?? DEFAULT_RETRY_BUDGET, 'retry budget') };
}

/**
 * Run `attempt` again while it fails only because a lock was not available
 * within lock_timeout: the statements queued behind the apply waited at
 * most that long, and the pause lets them through. Pauses grow
 * exponentially with full jitter (so two appliers, or the apply and a
 * batch job, do not retry in step) until the budget is spent; then the
 * last lock timeout is thrown. Any other error is thrown at once: only a
 * LockWaitExceeded says the unit was undone and may run again (a bare lock
 * timeout whose transaction's fate is not known is not retried).
 */
export async function withLockRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, onRetry?: (e: RetryEvent) => void | Promise<void>): Promise<T> {
  const started = performance.now();
  const base = policy.baseDelayMs ?? 200;
  const max = policy.maxDelayMs ?? 10_000;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof LockWaitExceeded)) throw e;
      const remaining = policy.budgetMs - (performance.now() - started);
      const delay = Math.min(remaining, Math.random() * Math.min(max, base * 2 ** (n - 1)));
      if (remaining <= 0) throw e;
      await onRetry?.({ attempt: n, delayMs: delay, remainingMs: remaining - delay, error: e });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * A unit rolled back (or a concurrent step gave up, leaving nothing behind)
 * because a lock was not available within lock_timeout: safe to run again.
 * It says where, for the report once the budget is spent.
 */
export class LockWaitExceeded extends Error {
  constructor(readonly where: string, readonly statement: string | undefined, override readonly cause: Error) {
    super(cause.message);
    this.name = 'LockWaitExceeded';
  }
}
