import type { Database } from '../db/database.js';

/** What became of a transaction that failed, as PostgreSQL reports it by the transaction's id. */
export type TransactionFate = 'rolled-back' | 'not-committed' | 'committed';

/**
 * Roll back and check, by the transaction's id, what PostgreSQL says became
 * of it, so that the message after a failure is a fact and not a hope.
 */
export async function rollBack(db: Database, xid: string | undefined): Promise<TransactionFate> {
  try {
    await db.exec('ROLLBACK');
    if (xid === undefined) return 'rolled-back';
    const [row] = await db.query<{ status: string | null }>('SELECT pg_catalog.txid_status($1::bigint) AS status', [xid]);
    return row?.status === 'committed' ? 'committed' : 'rolled-back';
  } catch {
    return 'not-committed';
  }
}

export async function beginWithId(db: Database): Promise<string> {
  await db.exec('BEGIN');
  const [{ xid }] = await db.query<{ xid: string }>('SELECT pg_catalog.txid_current()::text AS xid') as [{ xid: string }];
  return xid;
}
