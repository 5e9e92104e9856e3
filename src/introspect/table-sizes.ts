import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { tableKey } from '../model/names.js';

/**
 * On-disk size of the existing tables the changes act on (with indexes and
 * TOAST: pg_total_relation_size), by tableKey, for the hazards'
 * sentences and severities. Asked only for those tables: the size of a
 * table is a stat() of its files, too many to ask for all of them. Each
 * (schema, name) pair is looked up through pg_class's name index rather than
 * matched against every relation's joined name.
 */
export async function tableSizes(db: Database, changes: readonly Change[]): Promise<Map<string, number>> {
  const tables = new Map<string, { schema: string; table: string }>();
  for (const c of changes) {
    const at = c.kind === 'drop-table' || c.kind === 'restore-table' ? { schema: c.schema, table: c.table.name }
      : 'table' in c && typeof c.table === 'string' ? { schema: c.schema, table: c.table } : undefined;
    if (at) tables.set(tableKey(at.schema, at.table), at);
  }
  if (tables.size === 0) return new Map();
  const wanted = [...tables.values()];
  const rows = await db.query<{ schema: string; name: string; bytes: string }>(
    `SELECT t.schema, t.name, pg_catalog.pg_total_relation_size(c.oid)::text AS bytes
     FROM unnest($1::text[], $2::text[]) AS t(schema, name)
     JOIN pg_catalog.pg_namespace n ON n.nspname = t.schema
     JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.name
     WHERE c.relkind IN ('r', 'p', 'm')`, [wanted.map((t) => t.schema), wanted.map((t) => t.table)]);
  return new Map(rows.map((r) => [tableKey(r.schema, r.name), Number(r.bytes)]));
}
