import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from '../sql/quote.js';

/**
 * The name PostgreSQL gives a primary key by default (makeObjectName clips the
 * table name, not the suffix). We always name constraints explicitly, but
 * matching the server's choice keeps inspected YAML short.
 */
export function defaultPrimaryKeyName(table: string): string {
  const suffix = '_pkey';
  return truncateIdentifier(table, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
}

export function qualifiedName(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * A table's key in a plan's maps (row estimates, sizes, the tables the plan
 * creates). Not "schema.table": "c"."a.b" and "c.a"."b" would share it, and
 * a change to the one be taken for a change to the other.
 */
export function tableKey(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}

/** The relation a step's lock names for a table key ("schema.table", as plans show it). */
export function relationOfKey(key: string): string {
  return key.replace('\u0000', '.');
}
