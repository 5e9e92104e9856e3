import type { EnumColumnUse } from '../diff/changes.js';
import type { Column, Constraint, Index, IndexKey, Policy, RangeType, SequenceOptions, Table, Trigger } from '../model/types.js';
import { completeSequenceOptions } from '../model/sequence-defaults.js';
import { qualify, quoteIdent, quoteList, quoteLiteral } from '../sql/quote.js';

/**
 * SQL text for the pieces of a definition. Identifiers always go through
 * quoteIdent; types and expressions are SQL the user (or the server) wrote
 * and are inserted as they are.
 */

/** Sequence options that differ from what CREATE SEQUENCE would pick anyway. */
export function sequenceOptionClauses(options: SequenceOptions, includeType: boolean): string[] {
  const defaults = completeSequenceOptions({ dataType: options.dataType, increment: options.increment });
  const clauses: string[] = [];
  if (includeType && options.dataType !== 'bigint') clauses.push(`AS ${options.dataType}`);
  if (options.increment !== '1') clauses.push(`INCREMENT BY ${options.increment}`);
  if (options.minValue !== defaults.minValue) clauses.push(`MINVALUE ${options.minValue}`);
  if (options.maxValue !== defaults.maxValue) clauses.push(`MAXVALUE ${options.maxValue}`);
  const startDefault = options.increment.startsWith('-') ? options.maxValue : options.minValue;
  if (options.start !== startDefault) clauses.push(`START WITH ${options.start}`);
  if (options.cache !== '1') clauses.push(`CACHE ${options.cache}`);
  if (options.cycle) clauses.push('CYCLE');
  return clauses;
}

export function identityClause(column: Column): string {
  const identity = column.identity!;
  const options = sequenceOptionClauses(identity, false);
  return `GENERATED ${identity.kind === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`;
}

export function columnDefinition(column: Column, options: { withNotNull?: boolean } = {}): string {
  const parts = [quoteIdent(column.name), column.type];
  if (column.collation !== undefined) parts.push(`COLLATE ${quoteIdent(column.collation)}`);
  if (column.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`);
  if (column.identity) parts.push(identityClause(column));
  if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`);
  if (column.notNull && options.withNotNull !== false) parts.push('NOT NULL');
  return parts.join(' ');
}

const actionSql = (a: string) => a.toUpperCase();

const including = (columns: readonly string[] | undefined) => (columns?.length ? ` INCLUDE (${quoteList(columns)})` : '');

export function constraintDefinition(c: Constraint): string {
  const head = `CONSTRAINT ${quoteIdent(c.name)}`;
  switch (c.type) {
    case 'primary-key':
      return `${head} PRIMARY KEY (${quoteList(c.columns)})${including(c.include)}${deferral({ deferrable: c.deferrable ?? false, initiallyDeferred: c.initiallyDeferred ?? false })}`;
    case 'unique':
      return `${head} UNIQUE${c.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} (${quoteList(c.columns)})${including(c.include)}${deferral(c)}`;
    case 'check':
      return `${head} CHECK (${c.expression})${c.noInherit ? ' NO INHERIT' : ''}`;
    case 'exclusion':
      return `${head} ${c.definition}`;
    case 'foreign-key': {
      const parts = [
        `${head} FOREIGN KEY (${quoteList(c.columns)}) REFERENCES ${qualify(c.references.schema, c.references.table)} (${quoteList(c.references.columns)})`,
      ];
      if (c.match === 'full') parts.push('MATCH FULL');
      if (c.onUpdate !== 'no action') parts.push(`ON UPDATE ${actionSql(c.onUpdate)}`);
      if (c.onDelete !== 'no action') parts.push(`ON DELETE ${actionSql(c.onDelete)}`);
      return parts.join(' ') + deferral(c);
    }
  }
}

/**
 * A unique or primary key constraint taking over the unique index of its
 * name (built concurrently before): the index already holds every key, so
 * only a brief lock is needed. The index carries columns, INCLUDE and
 * NULLS NOT DISTINCT; the constraint adds only its deferral.
 */
export function constraintUsingIndex(c: Extract<Constraint, { type: 'primary-key' | 'unique' }>): string {
  const deferrable = { deferrable: c.deferrable ?? false, initiallyDeferred: c.initiallyDeferred ?? false };
  return `CONSTRAINT ${quoteIdent(c.name)} ${c.type === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(c.name)}${deferral(deferrable)}`;
}

function deferral(c: { deferrable: boolean; initiallyDeferred: boolean }): string {
  if (!c.deferrable) return '';
  return c.initiallyDeferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE';
}

function indexKey(key: IndexKey): string {
  const parts = [key.column !== undefined ? quoteIdent(key.column) : `(${key.expression})`];
  if (key.collation) parts.push(`COLLATE ${key.collation}`);
  if (key.opclass) parts.push(key.opclass);
  if (key.descending) parts.push('DESC');
  if (key.nullsFirst !== undefined) parts.push(key.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST');
  return parts.join(' ');
}

export function indexDefinition(schema: string, table: string, index: Index, options: { concurrently?: boolean } = {}): string {
  const parts = [`CREATE${index.unique ? ' UNIQUE' : ''} INDEX${options.concurrently ? ' CONCURRENTLY' : ''} ${quoteIdent(index.name)} ON ${qualify(schema, table)}`];
  if (index.method !== 'btree') parts.push(`USING ${index.method}`);
  parts.push(`(${index.keys.map(indexKey).join(', ')})`);
  if (index.include.length) parts.push(`INCLUDE (${quoteList(index.include)})`);
  if (index.nullsNotDistinct) parts.push('NULLS NOT DISTINCT');
  if (index.with) parts.push(`WITH (${Object.entries(index.with).map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`).join(', ')})`);
  if (index.where !== undefined) parts.push(`WHERE ${index.where}`);
  return parts.join(' ');
}

/** COMMENT ON CONSTRAINT, when the constraint has a comment. */
export function constraintComment(schema: string, table: string, c: { name: string; comment?: string }): string[] {
  return c.comment === undefined ? [] : [commentOn(`CONSTRAINT ${quoteIdent(c.name)} ON ${qualify(schema, table)}`, c.comment)];
}

export function commentOn(target: string, comment: string | undefined): string {
  return `COMMENT ON ${target} IS ${comment === undefined ? 'NULL' : quoteLiteral(comment)}`;
}

/** CREATE TABLE with columns, primary key, uniques and checks; comments follow. */
export function createTableStatements(schema: string, table: Table, options: { withoutNotNull?: Set<string> } = {}): string[] {
  const lines = [
    ...table.columns.map((c) => columnDefinition(c, { withNotNull: !options.withoutNotNull?.has(c.name) })),
    ...(table.primaryKey ? [constraintDefinition({ type: 'primary-key', ...table.primaryKey })] : []),
    ...table.uniques.map((u) => constraintDefinition({ type: 'unique', ...u })),
    ...table.checks.map((c) => constraintDefinition({ type: 'check', ...c })),
    ...(table.exclusions ?? []).map((x) => constraintDefinition({ type: 'exclusion', ...x })),
  ];
  const name = qualify(schema, table.name);
  const partitionBy = table.partitionBy !== undefined ? ` PARTITION BY ${table.partitionBy}` : '';
  const inherits = table.inherits?.length ? ` INHERITS (${table.inherits.map((p) => qualify(p.schema, p.table)).join(', ')})` : '';
  const create = table.partitionOf
    ? `CREATE TABLE ${name} PARTITION OF ${qualify(table.partitionOf.schema, table.partitionOf.table)}${lines.length ? ` (\n  ${lines.join(',\n  ')}\n)` : ''}\n  ${table.partitionOf.bound}${partitionBy}`
    : `CREATE ${table.unlogged ? 'UNLOGGED ' : ''}TABLE ${name} (\n  ${lines.join(',\n  ')}\n)${inherits}${partitionBy}`;
  return [
    create,
    ...(table.comment !== undefined ? [commentOn(`TABLE ${name}`, table.comment)] : []),
    ...table.columns.filter((c) => c.comment !== undefined).map((c) => commentOn(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment)),
    // A partition's columns are its parent's.
    ...(table.partitionOf ? [] : table.columns.flatMap((c) => columnAttributeStatements(name, undefined, c))),
    ...[...(table.primaryKey ? [table.primaryKey] : []), ...table.uniques, ...table.checks, ...(table.exclusions ?? [])].flatMap((c) => constraintComment(schema, table.name, c)),
  ];
}

/**
 * ALTER COLUMN statements that give a column the statistics target,
 * storage, compression and attribute options `to` has, from those of
 * `from` (a new column: none). Storage left unstated goes back to the
 * type's own (which the live column records), unless the type changes:
 * ALTER TYPE gives the column its new type's storage already.
 */
export function columnAttributeStatements(table: string, from: Column | undefined, to: Column, typeChanged = false): string[] {
  const alter = (action: string) => `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(to.name)} ${action}`;
  const out: string[] = [];
  if (from?.statistics !== to.statistics) out.push(alter(`SET STATISTICS ${to.statistics ?? -1}`));
  const storage = to.storage ?? (typeChanged ? undefined : from?.typeStorage);
  if (storage !== undefined && (from?.storage !== to.storage || (typeChanged && to.storage !== undefined))) out.push(alter(`SET STORAGE ${storage.toUpperCase()}`));
  if (from?.compression !== to.compression) out.push(alter(`SET COMPRESSION ${to.compression ?? 'DEFAULT'}`));
  const was = from?.options ?? {};
  const now = to.options ?? {};
  const set = Object.entries(now).filter(([k, v]) => was[k] !== v);
  const reset = Object.keys(was).filter((k) => !(k in now));
  if (set.length) out.push(alter(`SET (${set.map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`).join(', ')})`));
  if (reset.length) out.push(alter(`RESET (${reset.map(quoteIdent).join(', ')})`));
  return out;
}

const enableClause: Record<Trigger['enabled'], string | undefined> = { origin: 'ENABLE', disabled: 'DISABLE', replica: 'ENABLE REPLICA', always: 'ENABLE ALWAYS' };

/** ALTER TABLE ... ENABLE/DISABLE TRIGGER for a state other than the default, or always when asked. */
export function triggerStateStatement(schema: string, table: string, t: Trigger, force = false): string[] {
  if (t.enabled === 'origin' && !force) return [];
  return [`ALTER TABLE ${qualify(schema, table)} ${enableClause[t.enabled]} TRIGGER ${quoteIdent(t.name)}`];
}

export function createTriggerStatements(schema: string, table: string, t: Trigger): string[] {
  const events = t.events.map((e) => (e === 'update' && t.updateOf ? `UPDATE OF ${quoteList(t.updateOf)}` : e.toUpperCase())).join(' OR ');
  const referencing = t.oldTable || t.newTable
    ? ` REFERENCING${t.oldTable ? ` OLD TABLE AS ${quoteIdent(t.oldTable)}` : ''}${t.newTable ? ` NEW TABLE AS ${quoteIdent(t.newTable)}` : ''}`
    : '';
  const deferral = t.constraint && t.deferrable ? (t.initiallyDeferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE') : '';
  return [
    `CREATE${t.constraint ? ' CONSTRAINT' : ''} TRIGGER ${quoteIdent(t.name)} ${t.timing.toUpperCase()} ${events} ON ${qualify(schema, table)}${deferral}${referencing}` +
      ` FOR EACH ${t.level.toUpperCase()}${t.when !== undefined ? ` WHEN (${t.when})` : ''} EXECUTE FUNCTION ${t.function}(${t.arguments.map(quoteLiteral).join(', ')})`,
    ...triggerStateStatement(schema, table, t),
    ...(t.comment !== undefined ? [commentOn(`TRIGGER ${quoteIdent(t.name)} ON ${qualify(schema, table)}`, t.comment)] : []),
  ];
}

export function createPolicyStatements(schema: string, table: string, p: Policy): string[] {
  const roles = p.roles.map((r) => (r === 'public' ? 'PUBLIC' : quoteIdent(r))).join(', ');
  return [
    `CREATE POLICY ${quoteIdent(p.name)} ON ${qualify(schema, table)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command.toUpperCase()} TO ${roles}` +
      `${p.using !== undefined ? ` USING (${p.using})` : ''}${p.withCheck !== undefined ? ` WITH CHECK (${p.withCheck})` : ''}`,
    ...(p.comment !== undefined ? [commentOn(`POLICY ${quoteIdent(p.name)} ON ${qualify(schema, table)}`, p.comment)] : []),
  ];
}

/** The rows of a column (of an enum, or an array of one) that hold any of `values`: what clearing them touches and backs up. */
export function holdsEnumValues(use: EnumColumnUse, values: string[]): string {
  const c = quoteIdent(use.column);
  const list = textArray(values);
  return isArrayType(use.type) ? `${c}::text[] && ${list}` : `${c}::text = ANY (${list})`;
}

/** UPDATE that takes `values` out of a column: NULL for a scalar, the elements dropped (order kept) for an array. */
export function clearEnumValues(use: EnumColumnUse, values: string[]): string {
  const c = quoteIdent(use.column);
  const list = textArray(values);
  const cleared = isArrayType(use.type)
    ? `ARRAY(SELECT u.v FROM unnest(${c}) WITH ORDINALITY AS u(v, i) WHERE u.v IS NULL OR u.v::text <> ALL (${list}) ORDER BY u.i)`
    : 'NULL';
  return `UPDATE ${qualify(use.schema, use.table)} SET ${c} = ${cleared} WHERE ${holdsEnumValues(use, values)}`;
}

/** Whether a type, as format_type spells it, is an array. */
export const isArrayType = (type: string) => type.endsWith(']');
const textArray = (values: string[]) => `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;

/**
 * CREATE TYPE ... AS RANGE. The subtype, operator class and functions are
 * SQL texts the schema file's check gave the shape of a type name, an
 * operator class and function names; the collation and multirange are names.
 */
export function createRange(schema: string, r: RangeType): string[] {
  const name = qualify(schema, r.name);
  const options = [
    `SUBTYPE = ${r.subtype}`,
    ...(r.subtypeOpclass !== undefined ? [`SUBTYPE_OPCLASS = ${r.subtypeOpclass}`] : []),
    ...(r.collation !== undefined ? [`COLLATION = ${quoteIdent(r.collation)}`] : []),
    ...(r.canonical !== undefined ? [`CANONICAL = ${r.canonical}`] : []),
    ...(r.subtypeDiff !== undefined ? [`SUBTYPE_DIFF = ${r.subtypeDiff}`] : []),
    ...(r.multirange !== undefined ? [`MULTIRANGE_TYPE_NAME = ${qualify(schema, r.multirange)}`] : []),
  ];
  return [`CREATE TYPE ${name} AS RANGE (${options.join(', ')})`, ...(r.comment !== undefined ? [commentOn(`TYPE ${name}`, r.comment)] : [])];
}
