import { MAX_IDENTIFIER_BYTES, qualify, truncateIdentifier } from '../sql/quote.js';
import { splitQualified } from '../graph/references.js';

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

/**
 * A relation a view reads, as the model records it (View.dependsOn): both
 * names quoted, so that a dot inside a name cannot be taken for the one
 * between them ("c"."a.b" is not "c.a"."b").
 */
export function relationText(schema: string, name: string): string {
  return qualify(schema, name);
}

/**
 * The schema and name of a relationText. Snapshots and plans written before
 * it quoted hold "schema.name" bare: a bare part ends at the first dot, as
 * those were read then.
 */
export function splitRelationText(text: string): [string, string] {
  if (text.startsWith('"')) return splitQualified(text) as [string, string];
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}
