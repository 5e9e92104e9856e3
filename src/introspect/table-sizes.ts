import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';

/**
 * On-disk size of the existing tables the changes act on (with indexes and
 * TOAST: pg_total_relation_size), "schema.table" → bytes, for the hazards'
 * sentences and severities. Asked only for those tables: the size of a
 * table is a stat() of its files, too many to ask for all of them.
 */
export async function tableSizes(db: Database, changes: readonly Change[]): Promise<Map<string, number>> {
  const names = [...new Set(changes.flatMap((c) => {
    if (c.kind === 'drop-table' || c.kind === 'restore-table') return [`${c.schema}.${c.table.name}`];
    return 'table' in c && typeof c.table === 'string' ? [`${c.schema}.${c.table}`] : [];
  }))];
  if (names.length === 0) return new Map();
  const rows = await db.query<{ name: string; bytes: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, pg_catalog.pg_total_relation_size(c.oid)::text AS bytes
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname || '.' || c.relname = ANY ($1::text[])`, [names]);
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}
