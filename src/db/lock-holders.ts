import type { Database } from './database.js';

/**
 * Who holds locks that a command may have waited for: other sessions with
 * a granted lock on a relation in `schemas` (all schemas when omitted),
 * strongest and oldest first, as lines for an error message. Asked after
 * a lock timeout, outside the failed transaction; best effort.
 */
export async function describeLockHolders(db: Database, schemas?: string[]): Promise<string[]> {
  try {
    const rows = await db.query<{ pid: number; application_name: string; state: string | null; query: string | null; xact_age: string | null; locks: string }>(
      `SELECT a.pid, a.application_name, a.state, a.query,
              (pg_catalog.clock_timestamp() - a.xact_start)::text AS xact_age,
              pg_catalog.string_agg(DISTINCT l.mode || ' on ' || pg_catalog.format('%I.%I', n.nspname, c.relname), ', ') AS locks
       FROM pg_catalog.pg_locks l
       JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
       JOIN pg_catalog.pg_class c ON c.oid = l.relation
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.locktype = 'relation'
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
       GROUP BY a.pid, a.application_name, a.state, a.query, a.xact_start
       ORDER BY pg_catalog.bool_or(l.mode = 'AccessExclusiveLock') DESC, a.xact_start NULLS LAST
       LIMIT 5`,
      [schemas ?? null],
    );
    return rows.map((r) => `session ${r.pid} (${r.application_name || 'no application name'}, ${r.state ?? 'unknown state'}`
      + `${r.xact_age ? `, transaction open for ${r.xact_age.replace(/\.\d+$/, '')}` : ''}) holds ${r.locks}`
      + `${r.query ? `; its last statement: ${oneLine(r.query)}` : ''}`);
  } catch {
    return [];
  }
}

const oneLine = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat;
};

/** PostgreSQL's SQLSTATE for "canceling statement due to lock timeout". */
export const LOCK_NOT_AVAILABLE = '55P03';
/** And for statement_timeout (also for a cancel request). */
export const QUERY_CANCELED = '57014';

/**
 * Other sessions whose transaction has been open for at least `olderThan`
 * seconds and that hold or wait for a lock on one of `relations`
 * ("schema.table"): what an online apply will queue behind, named before
 * it starts so that a long wait has a known cause. Best effort.
 */
export async function describeLongTransactions(db: Database, relations: readonly string[], olderThan = 5): Promise<string[]> {
  if (relations.length === 0) return [];
  try {
    const rows = await db.query<{ pid: number; application_name: string; state: string | null; xact_age: string; locks: string; waiting: boolean }>(
      `SELECT a.pid, a.application_name, a.state, (pg_catalog.clock_timestamp() - a.xact_start)::text AS xact_age, pg_catalog.bool_or(NOT l.granted) AS waiting,
              pg_catalog.string_agg(DISTINCT l.mode || ' on ' || pg_catalog.format('%I.%I', n.nspname, c.relname), ', ') AS locks
       FROM pg_catalog.pg_locks l
       JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
       JOIN pg_catalog.pg_class c ON c.oid = l.relation
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE l.pid <> pg_catalog.pg_backend_pid() AND l.locktype = 'relation'
         AND n.nspname || '.' || c.relname = ANY ($1::text[])
         AND a.xact_start < pg_catalog.clock_timestamp() - $2 * interval '1 second'
       GROUP BY a.pid, a.application_name, a.state, a.xact_start
       ORDER BY a.xact_start
       LIMIT 5`,
      [relations, olderThan],
    );
    return rows.map((r) => `session ${r.pid} (${r.application_name || 'no application name'}, ${r.state ?? 'unknown state'}) has had a transaction open for ${r.xact_age.replace(/\.\d+$/, '')} and ${r.waiting ? 'waits for' : 'holds'} ${r.locks}`);
  } catch {
    return [];
  }
}
