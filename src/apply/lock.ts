import type { Database } from '../db/database.js';
import { PlanRefusedError } from '../errors.js';

/**
 * One apply at a time per database: a session-level advisory lock on the
 * apply's own connection. A second apply does not queue behind the first
 * (it would then run against a schema its plan never saw): it fails at once
 * and says who holds the lock.
 */
const LOCK_CLASS = 0x5c4e; // arbitrary, fixed: two int4 keys show up as classid/objid in pg_locks
const LOCK_OBJECT = 1;

export async function acquireApplyLock(db: Database): Promise<() => Promise<void>> {
  const [row] = await db.query<{ locked: boolean }>('SELECT pg_catalog.pg_try_advisory_lock($1, $2) AS locked', [LOCK_CLASS, LOCK_OBJECT]);
  if (!row?.locked) {
    const holder = await describeHolder(db);
    throw new PlanRefusedError('locked', `another schemaform apply is running on this database${holder ? ` (${holder})` : ''}; nothing was changed`, {
      hint: 'Wait for it to finish, then plan again: its changes may make this plan stale.',
    });
  }
  return async () => {
    await db.query('SELECT pg_catalog.pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_OBJECT]);
  };
}

async function describeHolder(db: Database): Promise<string | undefined> {
  try {
    const rows = await db.query<{ pid: number; usename: string | null; application_name: string | null; client_addr: string | null; backend_start: Date | string | null }>(
      `SELECT a.pid, a.usename, a.application_name, a.client_addr::text AS client_addr, a.backend_start
       FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted`,
      [LOCK_CLASS, LOCK_OBJECT],
    );
    const h = rows[0];
    if (!h) return undefined;
    const since = h.backend_start ? ` since ${new Date(h.backend_start).toISOString()}` : '';
    return `pid ${h.pid}, user ${h.usename ?? '?'}, ${h.application_name || 'unknown application'}${h.client_addr ? ` from ${h.client_addr}` : ''}${since}`;
  } catch {
    return undefined;
  }
}
