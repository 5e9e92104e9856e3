import { quoteLiteral } from '../sql/quote.js';
import type { Database } from './database.js';

/** A connection that reads what the main one reads, or undefined when it could not join (then the main connection does its share). */
export type Reader = Promise<Database | undefined>;

/**
 * Run `read` over `db` and up to `count` more connections to the same
 * database, all in one READ ONLY REPEATABLE READ snapshot (exported by `db`,
 * imported by the others, as `pg_dump --jobs` does): what they read together
 * is one consistent state of the catalog even while someone runs DDL, and
 * the server answers their queries side by side instead of one after
 * another (a 5,000-table catalog is ~1.1 s of server time in one backend).
 *
 * `read` does not wait for the extra connections: it gets them as promises,
 * and one that fails to connect or to join (too many connections, a server
 * that refuses to export snapshots) resolves to undefined. Only for reads:
 * the transaction is committed (read-only, so nothing to keep) when `read`
 * settles, and the extra connections are closed. Each reader waits for
 * locks and statements no longer than `db` would. A connection already in
 * a transaction (a library caller's), or one that cannot tell, reads alone
 * in it, untouched.
 */
export async function withSharedSnapshot<T>(db: Database, count: number, read: (readers: Reader[]) => Promise<T>): Promise<T> {
  const open = db.connectAnother;
  // A caller's own transaction is left alone: its snapshot cannot be shared, nor it be committed here.
  if (!open || count <= 0 || db.inTransaction?.() !== false) return read([]);
  let session: Session;
  try {
    await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    [session] = await db.query<Session>(EXPORT);
  } catch {
    // A server that cannot export a snapshot still reads, on one connection.
    await db.exec('ROLLBACK').catch(() => undefined);
    return read([]);
  }
  const readers: Reader[] = Array.from({ length: count }, () => joinSnapshot(open, session!));
  let failed = true;
  try {
    const result = await read(readers);
    failed = false;
    return result;
  } finally {
    await db.exec('COMMIT').catch(() => undefined);
    await Promise.all(readers.map(async (r) => {
      const reader = await r;
      // After a failure a reader may still be running a query: end it at once.
      if (failed) reader?.abort();
      else await reader?.close().catch(() => undefined);
    }));
  }
}

/** The snapshot, and the main connection's limits on waiting, which every reader keeps too. */
interface Session { snapshot: string; lock_timeout: string; statement_timeout: string }
const EXPORT = `SELECT pg_catalog.pg_export_snapshot() AS snapshot,
  pg_catalog.current_setting('lock_timeout') AS lock_timeout, pg_catalog.current_setting('statement_timeout') AS statement_timeout`;

async function joinSnapshot(open: () => Promise<Database>, session: Session): Promise<Database | undefined> {
  let reader: Database | undefined;
  try {
    reader = await open();
    // Issued together: a pipelining connection sends them in one round trip, in this order (a
    // reader joins while the caller may be about to hold the event loop, see createPlan).
    await Promise.all([
      reader.query(`SELECT pg_catalog.set_config('lock_timeout', $1, false), pg_catalog.set_config('statement_timeout', $2, false)`, [session.lock_timeout, session.statement_timeout]),
      reader.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'),
      // A utility statement takes no parameters: the server's own name for the snapshot, as a literal.
      reader.exec(`SET TRANSACTION SNAPSHOT ${quoteLiteral(session.snapshot)}`),
    ]);
    return reader;
  } catch {
    reader?.abort();
    return undefined;
  }
}
