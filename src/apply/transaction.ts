import { isServerError, type Database } from '../db/database.js';
import { LOCK_NOT_AVAILABLE, QUERY_CANCELED } from '../db/lock-holders.js';
import { blocksWrites } from '../plan/locks.js';
import { expectedBrief } from '../plan/units.js';
import type { PlanStep } from '../plan/types.js';
import { quoteList } from '../sql/quote.js';
import { CommitInDoubtError } from './errors.js';
import { LockWaitExceeded } from './retry.js';
import { statementsOf } from './statements.js';

/** What became of a transaction that failed, as PostgreSQL reports it by the transaction's id. */
export type TransactionFate = 'rolled-back' | 'not-committed' | 'committed';

/** Where an apply is, for the report if it fails: the step and statement, and what became of the transaction it was in. */
export interface TransactionProgress {
  where: string;
  statement?: string;
  committing: boolean;
  fate?: TransactionFate;
}

/**
 * `body` in a transaction of its own, for atomic and online applies alike.
 * A failure rolls it back and records in `progress`, checked, what became
 * of it; a lock timeout that rolled back is thrown as LockWaitExceeded for
 * the retry loop; a COMMIT whose answer was lost is in doubt.
 */
export async function inTransaction<T>(db: Database, progress: TransactionProgress, planId: string, body: () => Promise<T>): Promise<T> {
  let xid: string | undefined;
  try {
    xid = await beginWithId(db);
    const value = await body();
    progress.committing = true;
    await db.exec('COMMIT');
    progress.committing = false;
    return value;
  } catch (e) {
    // A server error at COMMIT (a deferred check, say) rolled it back; a lost connection leaves it in doubt.
    if (progress.committing && !isServerError(e)) throw new CommitInDoubtError(planId, e as Error);
    progress.committing = false;
    progress.fate = await rollBack(db, xid);
    if (progress.fate === 'rolled-back' && isServerError(e) && e.code === LOCK_NOT_AVAILABLE) throw new LockWaitExceeded(progress.where, progress.statement, e);
    throw e;
  }
}

/** One statement of the plan, recorded in `progress` while it runs. */
export async function runStatement(db: Database, statement: string, progress: TransactionProgress): Promise<void> {
  progress.statement = statement;
  await db.run(statement);
  progress.statement = undefined;
}

/**
 * A transactional step's statements (its backup first) where its names
 * resolve, inside the caller's transaction. A step expected to be brief
 * under a write-blocking lock runs within `briefMs` (statement_timeout):
 * past it, it is stopped and its unit rolled back, instead of holding the
 * table for as long as it takes.
 */
export async function runStepStatements(db: Database, step: PlanStep, progress: TransactionProgress, briefMs: number): Promise<void> {
  const bounded = expectedBrief(step);
  await runStatement(db, `SET LOCAL search_path TO ${searchPath(step)}`, progress);
  if (bounded) await db.exec(`SET LOCAL statement_timeout = '${briefMs}ms'`);
  try {
    for (const statement of statementsOf(step)) await runStatement(db, statement, progress);
  } catch (e) {
    throw bounded && isServerError(e) && e.code === QUERY_CANCELED ? briefTimeoutError(e, step, briefMs) : e;
  }
  if (bounded) await db.exec(`SET LOCAL statement_timeout = '0'`);
}

function briefTimeoutError(e: Error & { code: string; severity: string }, step: PlanStep, briefMs: number) {
  const held = step.locks.filter((l) => blocksWrites(l.mode)).map((l) => `${l.mode} on ${l.relation}`).join(', ');
  return Object.assign(new Error(`${e.message}: the step should only change the catalog, but ran longer than the brief-step timeout (${briefMs}ms) while holding ${held}, so it was stopped`), {
    code: e.code, severity: e.severity,
    hint: 'Find what made it slow (an event trigger, a very large catalog, a lock the statement waited for inside the server), or raise --brief-timeout; then apply the same plan again.',
  });
}

export const searchPath = (step: PlanStep) => quoteList(step.searchPath);

/**
 * Roll back and check, by the transaction's id, what PostgreSQL says became
 * of it, so that the message after a failure is a fact and not a hope.
 */
async function rollBack(db: Database, xid: string | undefined): Promise<TransactionFate> {
  try {
    await db.exec('ROLLBACK');
    if (xid === undefined) return 'rolled-back';
    const [row] = await db.query<{ status: string | null }>('SELECT pg_catalog.txid_status($1::bigint) AS status', [xid]);
    return row?.status === 'committed' ? 'committed' : 'rolled-back';
  } catch {
    return 'not-committed';
  }
}

async function beginWithId(db: Database): Promise<string> {
  await db.exec('BEGIN');
  const [{ xid }] = await db.query<{ xid: string }>('SELECT pg_catalog.txid_current()::text AS xid') as [{ xid: string }];
  return xid;
}
