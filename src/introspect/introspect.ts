import type { Database } from '../db/database.js';
import type { ColumnStorage,
  Column, DefaultPrivileges, Extension, RangeType, ForeignKey, Grant, Index, IndexKey, MatchType, Model, ReferentialAction, Policy, Schema, Table, Trigger, TriggerEvent, View,
} from '../model/types.js';
import { emptySchema } from '../model/types.js';
import { CatalogObjects } from './catalog-objects.js';
import { relationText, tableKey } from '../model/names.js';
import { withSharedSnapshot, type Reader } from '../db/shared-snapshot.js';
import { rulesQuery, toRule, type RuleRow } from './rules.js';
import { loadParser } from '../sql/parser.js';
import { aggregatesQuery, toAggregate, type AggregateRow } from './aggregates.js';
import { configurationsQuery, dictionariesQuery, toConfiguration, toDictionary, type ConfigurationRow, type DictionaryRow } from './text-search.js';
import { multirangeOf } from '../model/ranges.js';
import { sortModel, withoutDefaultArgumentModes } from '../model/canonical.js';
import {
  columnsQuery, constraintsQuery, domainsQuery, functionsQuery, policiesQuery, triggersQuery, viewsQuery, enumsQuery, extensionsQuery, indexesQuery, schemasQuery,
  collationsQuery, compositesQuery, rangesQuery, scope, defaultPrivilegesQuery, grantsQuery, sequencesQuery, serverQuery, tablesQuery,
} from './queries.js';
import {
  canonicalDefaultPrivileges, canonicalGrants, grantsBesidesDefault, ROUTINE_DEFAULT_GRANTS, TYPE_DEFAULT_GRANTS, type GrantAtom,
} from '../model/grants.js';

/** The tool's own schema: state and backups. Never part of a diff. */
export const TOOL_SCHEMA = 'schemaform';

export interface ServerInfo {
  versionNum: number;
  /** The role this connection acts as: it owns what a plan creates. */
  currentRole: string;
  database: string;
  systemIdentifier: string;
}

export interface Introspection {
  model: Model;
  /** Planner statistics (reltuples), by tableKey; -1 when never analysed. */
  rowEstimates: Map<string, number>;
  /** Every catalog object the model holds, so what it does not hold can be listed (see unmanaged.ts). */
  read: CatalogObjects;
}

export interface IntrospectOptions {
  /** Schemas to read; undefined reads every user schema except the tool's own. */
  schemas?: string[];
  /** Where the largest queries go (see catalogLanes); all on `db` without. */
  lanes?: Lanes;
}

export async function serverInfo(db: Database): Promise<ServerInfo> {
  const [row] = await db.query<{ version_num: number; current_role: string; database: string; system_identifier: string }>(serverQuery);
  return { versionNum: Number(row!.version_num), currentRole: row!.current_role, database: row!.database, systemIdentifier: row!.system_identifier };
}

/** How many more connections a full catalog read may use: one for each of its two largest queries (see withSharedSnapshot). */
export const CATALOG_READERS = 2;

/** `read` with the catalog's lanes: `db` and CATALOG_READERS more connections in one snapshot (see withSharedSnapshot). */
export function withCatalogLanes<T>(db: Database, read: (lanes: Lanes) => Promise<T>): Promise<T> {
  return withSharedSnapshot(db, CATALOG_READERS, (readers) => read(catalogLanes(db, readers)));
}

/** Expressions and types print as they read with only public on the path. */
const SEARCH_PATH = `SELECT pg_catalog.set_config('search_path', 'public', false)`;

/** The connection for the nth large query of a catalog read. */
export type Lanes = (n: number) => Promise<Database>;

/**
 * The nth reader in the snapshot, or `db` when there is none or it could not
 * join: lane 1 takes the columns (and a plan's catalog scan), lane 2 the
 * constraints, `db` the rest. A reader gets the search_path before its first
 * query.
 */
function catalogLanes(db: Database, readers: Reader[]): Lanes {
  const ready = readers.map((r) => r.then(async (reader) => {
    if (!reader) return db;
    await reader.query(SEARCH_PATH);
    return reader;
  }));
  return (n) => ready[n - 1] ?? Promise.resolve(db);
}

/**
 * Once every lane's connection is ready and what was issued on it when it
 * became ready has been sent (a pipelining connection sends a query when
 * it is issued): before a caller holds the event loop for long.
 */
export async function lanesIssued(lanes: Lanes): Promise<void> {
  await Promise.all(Array.from({ length: CATALOG_READERS }, (_, i) => lanes(i + 1)));
  // The queries are issued by reactions to the same promises, registered
  // earlier; one more turn of the event loop lets every such reaction run.
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Read the live schema into the model with a fixed number of catalog
 * queries. Expressions and types come back as PostgreSQL prints them with
 * search_path = public, the canonical form the rest of the tool compares.
 */
export async function introspect(db: Database, options: IntrospectOptions = {}, server?: ServerInfo): Promise<Introspection> {
  const info = server ?? (await serverInfo(db));
  const params = [options.schemas ?? null, TOOL_SCHEMA];
  const lane = options.lanes ?? catalogLanes(db, []);
  // All issued at once: on a pipelining connection they reach the server
  // together and it works through them while this process does other work
  // (parsing the schema file). They run in the order issued, so the
  // search_path is set before any of them. The two largest go to the
  // other connections in the snapshot, when there are any.
  const [, schemaRows, extensionRows, enumRows, domainRows, sequenceRows, tableRows, columnRows, constraintRows, indexRows, viewRows, triggerRows, policyRows, functionRows, grantRows, collationRows, compositeRows, defaultPrivilegeRows, rangeRows, dictionaryRows, configurationRows, aggregateRows, ruleRows] = await Promise.all([
    db.query(SEARCH_PATH),
    db.query<{ name: string; comment: string | null; acl: AclRow[] | null }>(schemasQuery, params),
    db.query<{ oid: number; name: string; schema: string; version: string; comment: string | null; default_comment: string | null }>(extensionsQuery),
    db.query<EnumRow>(enumsQuery, params),
    db.query<DomainRow>(domainsQuery, params),
    db.query<SequenceRow>(sequencesQuery, params),
    db.query<TableRow>(tablesQuery(info.versionNum), params),
    lane(1).then((c) => c.query<ColumnRow>(columnsQuery(info.versionNum), params)),
    lane(2).then((c) => c.query<ConstraintRow>(constraintsQuery(info.versionNum), params)),
    db.query<IndexRow>(indexesQuery(info.versionNum), params),
    db.query<ViewRow>(viewsQuery, params),
    db.query<TriggerRow>(triggersQuery, params),
    db.query<PolicyRow>(policiesQuery, params),
    db.query<FunctionRow>(functionsQuery(info.versionNum), params),
    db.query<GrantRow>(grantsQuery, params),
    db.query<CollationRow>(collationsQuery(info.versionNum), params),
    db.query<CompositeRow>(compositesQuery, params),
    db.query<{ oid: number; schema: string; role: string; on: DefaultPrivileges['on']; acl: AclRow[] | null }>(defaultPrivilegesQuery, params),
    db.query<RangeRow>(rangesQuery(info.versionNum), params),
    db.query<DictionaryRow>(dictionariesQuery(scope), params),
    db.query<ConfigurationRow>(configurationsQuery(scope), params),
    db.query<AggregateRow>(aggregatesQuery(scope), params),
    db.query<RuleRow>(rulesQuery(scope), params),
  ]);
  // A rule's commands are read out of its printed definition by PostgreSQL's scanner.
  if (ruleRows.length) await loadParser();
  const read = new CatalogObjects();
  const readAll = (catalog: string, rows: Array<{ oid: number }>) => { for (const r of rows) read.add(catalog, Number(r.oid)); };
  readAll('pg_extension', extensionRows);
  readAll('pg_default_acl', defaultPrivilegeRows);
  readAll('pg_collation', collationRows);
  readAll('pg_type', [...enumRows, ...domainRows, ...compositeRows, ...rangeRows]);
  readAll('pg_constraint', domainRows.flatMap((r) => r.checks ?? []));
  readAll('pg_class', [...sequenceRows, ...tableRows, ...viewRows, ...indexRows]);
  readAll('pg_constraint', constraintRows);
  readAll('pg_trigger', triggerRows);
  readAll('pg_policy', policyRows);
  readAll('pg_proc', [...functionRows, ...aggregateRows]);
  readAll('pg_ts_dict', dictionaryRows);
  readAll('pg_ts_config', configurationRows);
  readAll('pg_rewrite', ruleRows);

  const schemas = new Map<string, Schema>();
  for (const r of schemaRows) {
    const s = emptySchema(r.name);
    if (r.comment !== null) s.comment = r.comment;
    // No ACL is the owner alone: a new schema grants nothing to anyone else.
    s.grants = canonicalGrants(aclAtoms(r.acl ?? [])) ?? [];
    schemas.set(r.name, s);
  }
  for (const r of defaultPrivilegeRows) {
    const schema = schemas.get(r.schema);
    if (schema) (schema.defaultPrivileges ??= []).push({ role: r.role, on: r.on, grants: canonicalGrants(aclAtoms(r.acl ?? [])) ?? [] });
  }
  for (const s of schemas.values()) if (s.defaultPrivileges) s.defaultPrivileges = canonicalDefaultPrivileges(s.defaultPrivileges);
  const schemaOf = (name: string) => schemas.get(name);

  for (const r of collationRows) {
    const schema = schemaOf(r.schema);
    if (!schema) continue;
    const provider = r.provider === 'i' ? 'icu' : r.provider === 'b' ? 'builtin' : 'libc';
    (schema.collations ??= []).push({
      name: r.name, provider,
      ...(provider === 'libc'
        ? (r.lc_collate === r.lc_ctype ? { locale: r.lc_collate ?? '' } : { lcCollate: r.lc_collate ?? '', lcCtype: r.lc_ctype ?? '' })
        : r.locale !== null ? { locale: r.locale } : {}),
      deterministic: r.deterministic,
      ...(r.rules !== null && { rules: r.rules }),
      ...(r.comment !== null && { comment: r.comment }),
    });
  }
  for (const r of compositeRows) {
    const schema = schemaOf(r.schema);
    if (!schema) continue;
    (schema.composites ??= []).push({
      name: r.name,
      attributes: (r.attributes ?? []).map((a) => ({ name: a.name, type: a.type, ...(a.collation !== null && { collation: a.collation }) })),
      ...(r.comment !== null && { comment: r.comment }),
      ...typeGrants(r.acl),
    });
  }
  // Kinds a schema lists only when it has some.
  const addTo = <K extends OptionalKind, R extends { schema: string }>(key: K, rows: R[], make: (r: R) => NonNullable<Schema[K]>[number]) => {
    for (const r of rows) {
      const schema = schemaOf(r.schema);
      if (schema) ((schema[key] ??= []) as Array<NonNullable<Schema[K]>[number]>).push(make(r));
    }
  };
  addTo('aggregates', aggregateRows, toAggregate);
  addTo('textSearchDictionaries', dictionaryRows, toDictionary);
  addTo('textSearchConfigurations', configurationRows, toConfiguration);
  addTo('ranges', rangeRows, toRange);
  for (const r of enumRows) {
    schemaOf(r.schema)?.enums.push({ name: r.name, values: r.values ?? [], ...(r.comment !== null && { comment: r.comment }), ...typeGrants(r.acl) });
  }
  for (const r of domainRows) {
    schemaOf(r.schema)?.domains.push({
      name: r.name, type: r.type, notNull: r.not_null,
      ...(r.default !== null && { default: r.default }),
      ...(r.collation !== null && { collation: r.collation }),
      checks: (r.checks ?? []).map((c) => ({ name: c.name, expression: c.expression })),
      ...(r.comment !== null && { comment: r.comment }),
      ...typeGrants(r.acl),
    });
  }
  for (const r of sequenceRows) {
    schemaOf(r.schema)?.sequences.push({
      name: r.name, dataType: r.data_type, start: r.start, increment: r.increment, minValue: r.min_value,
      maxValue: r.max_value, cache: r.cache, cycle: r.cycle, ...(r.unlogged && { unlogged: true }),
      ...(r.owned_table !== null && r.owned_column !== null && { ownedBy: { table: r.owned_table, column: r.owned_column } }),
      ...(r.comment !== null && { comment: r.comment }),
    });
  }

  const tables = new Map<string, Table>();
  const rowEstimates = new Map<string, number>();
  for (const r of tableRows) {
    const table: Table = {
      name: r.name, columns: [], uniques: [], checks: [], foreignKeys: [], exclusions: [], indexes: [], triggers: [], policies: [],
      ...(r.rls && { rowLevelSecurity: true }), ...(r.force_rls && { forceRowLevelSecurity: true }),
      ...(r.unlogged && { unlogged: true }),
      ...(r.cluster_on !== null && { clusterOn: r.cluster_on }),
      ...(r.partition_by !== null && { partitionBy: r.partition_by }),
      ...(r.parent_table !== null && { partitionOf: { schema: r.parent_schema!, table: r.parent_table, bound: r.partition_bound!, ...(r.detach_pending && { detachPending: true as const }) } }),
      ...(r.inherits !== null && r.inherits.length > 0 && { inherits: r.inherits }),
    };
    if (r.comment !== null) table.comment = r.comment;
    schemaOf(r.schema)?.tables.push(table);
    tables.set(key(r.schema, r.name), table);
    rowEstimates.set(tableKey(r.schema, r.name), Number(r.row_estimate));
  }
  for (const r of columnRows) tables.get(key(r.schema, r.table_name))?.columns.push(toColumn(r));
  for (const r of policyRows) {
    tables.get(key(r.schema, r.table_name))?.policies.push({
      name: r.name, permissive: r.permissive, command: policyCommands[r.command] ?? 'all', roles: r.roles ?? ['public'],
      ...(r.using !== null && { using: r.using }), ...(r.with_check !== null && { withCheck: r.with_check }),
      ...(r.comment !== null && { comment: r.comment }),
    });
  }
  for (const r of constraintRows) addConstraint(tables.get(key(r.schema, r.table_name)), r);
  for (const r of functionRows) {
    const grants = r.acl === null ? undefined : grantsBesidesDefault(aclAtoms(r.acl), ROUTINE_DEFAULT_GRANTS);
    schemaOf(r.schema)?.functions.push({
      name: r.name, kind: r.kind === 'p' ? 'procedure' : 'function', arguments: withoutDefaultArgumentModes(r.arguments),
      ...(r.returns !== null && { returns: r.returns }),
      language: r.language, body: r.body, ...(r.object_file !== null && { objectFile: r.object_file }), volatility: volatilities[r.volatility] ?? 'volatile', strict: r.strict,
      securityDefiner: r.security_definer, parallel: parallels[r.parallel] ?? 'unsafe', leakproof: r.leakproof,
      cost: r.cost, rows: r.rows,
      // Setting names are case-insensitive; the catalog keeps the server's spelling (TimeZone).
      ...(r.settings !== null && r.settings.length > 0 && {
        settings: Object.fromEntries(Object.entries(storageOptions(r.settings)).map(([k, v]) => [k.toLowerCase(), v])),
      }),
      ...(r.comment !== null && { comment: r.comment }),
      ...(grants && { grants }),
    });
  }
  const views = new Map<string, View>();
  for (const r of viewRows) {
    const view: View = {
      name: r.name, query: viewQueryText(r.query), materialized: r.materialized, indexes: [],
      ...(r.materialized && { withData: r.populated }),
      ...(r.options !== null && r.options.length > 0 && { options: storageOptions(r.options) }),
      ...(r.comment !== null && { comment: r.comment }),
      ...(r.column_comments !== null && { columnComments: r.column_comments }),
      dependsOn: (r.depends_on ?? []).map(([schema, name]) => relationText(schema, name)).sort(),
    };
    schemaOf(r.schema)?.views.push(view);
    views.set(key(r.schema, r.name), view);
  }
  for (const r of indexRows) (tables.get(key(r.schema, r.table_name)) ?? views.get(key(r.schema, r.table_name)))?.indexes.push(toIndex(r));
  for (const r of ruleRows) {
    const owner = tables.get(key(r.schema, r.table_name)) ?? views.get(key(r.schema, r.table_name));
    if (owner) (owner.rules ??= []).push(toRule(r));
  }
  for (const r of triggerRows) {
    const table = tables.get(key(r.schema, r.table_name));
    const view = views.get(key(r.schema, r.table_name));
    if (table) table.triggers.push(toTrigger(r));
    else if (view) (view.triggers ??= []).push(toTrigger(r));
  }

  // Tables, views and sequences share one namespace per schema.
  const grantAtoms = new Map<string, GrantAtom[]>();
  for (const r of grantRows) {
    const atoms = grantAtoms.get(key(r.schema, r.name)) ?? [];
    atoms.push({ to: r.grantee, privilege: r.privilege, ...(r.column_name !== null && { column: r.column_name }), withGrantOption: r.grantable });
    grantAtoms.set(key(r.schema, r.name), atoms);
  }
  const sequences = new Map<string, { grants?: Grant[] }>();
  for (const s of schemas.values()) for (const q of s.sequences) sequences.set(key(s.name, q.name), q);
  for (const [k, atoms] of grantAtoms) {
    const owner = tables.get(k) ?? views.get(k) ?? sequences.get(k);
    const grants = canonicalGrants(atoms);
    if (owner && grants) owner.grants = grants;
  }

  const extensions: Extension[] = extensionRows.map((r) => ({
    name: r.name, schema: r.schema, version: r.version,
    ...(r.comment !== null && { comment: r.comment }), ...(r.default_comment !== null && { defaultComment: r.default_comment }),
  }));
  return { model: sortModel({ extensions, schemas: [...schemas.values()] }), rowEstimates, read };
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

type OptionalKind = 'aggregates' | 'textSearchDictionaries' | 'textSearchConfigurations' | 'ranges';

/** The row's object in its catalog (see unmanaged.ts). */
interface CatalogRow { oid: number }
interface AclRow { to: string; privilege: string; grantable: boolean }
const aclAtoms = (acl: AclRow[]): GrantAtom[] => acl.map((a) => ({ to: a.to, privilege: a.privilege, withGrantOption: a.grantable }));

/** A type's USAGE: no ACL, or one that says the same, is the default (everyone). */
function typeGrants(acl: AclRow[] | null): { grants?: Grant[] } {
  const grants = acl === null ? undefined : grantsBesidesDefault(aclAtoms(acl), TYPE_DEFAULT_GRANTS);
  return grants ? { grants } : {};
}

interface EnumRow extends CatalogRow { schema: string; name: string; comment: string | null; values: string[] | null; acl: AclRow[] | null }
interface PolicyRow extends CatalogRow {
  schema: string; table_name: string; name: string; permissive: boolean; command: string; roles: string[] | null;
  using: string | null; with_check: string | null; comment: string | null;
}
const policyCommands: Record<string, Policy['command']> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };
interface TriggerRow extends CatalogRow {
  schema: string; table_name: string; name: string; type: number; update_of: string[] | null; function: string;
  args: string; nargs: number; definition: string; old_table: string | null; new_table: string | null;
  is_constraint: boolean; deferrable: boolean; deferred: boolean; enabled: string; comment: string | null;
}
const enabledStates: Record<string, Trigger['enabled']> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };

/** pg_trigger's tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64. */
function toTrigger(r: TriggerRow): Trigger {
  const events: TriggerEvent[] = [];
  if (r.type & 4) events.push('insert');
  if (r.type & 16) events.push('update');
  if (r.type & 8) events.push('delete');
  if (r.type & 32) events.push('truncate');
  // The WHEN condition is only available deparsed inside the whole definition.
  const when = /\sWHEN \(([\s\S]*)\) EXECUTE (?:FUNCTION|PROCEDURE) /.exec(r.definition)?.[1];
  const args = r.nargs === 0 ? [] : r.args.split('\\000').slice(0, r.nargs).map((a) => a.replace(/\\\\/g, '\\'));
  return {
    name: r.name,
    timing: r.type & 64 ? 'instead of' : r.type & 2 ? 'before' : 'after',
    events,
    ...(r.update_of !== null && r.update_of.length > 0 && { updateOf: r.update_of }),
    level: r.type & 1 ? 'row' : 'statement',
    function: r.function,
    arguments: args,
    ...(when !== undefined && { when }),
    ...(r.old_table !== null && { oldTable: r.old_table }),
    ...(r.new_table !== null && { newTable: r.new_table }),
    constraint: r.is_constraint,
    deferrable: r.deferrable,
    initiallyDeferred: r.deferred,
    enabled: enabledStates[r.enabled] ?? 'origin',
    ...(r.comment !== null && { comment: r.comment }),
  };
}

interface FunctionRow extends CatalogRow {
  schema: string; name: string; kind: 'f' | 'p'; arguments: string; returns: string | null; language: string; body: string; object_file: string | null;
  volatility: string; strict: boolean; security_definer: boolean; parallel: string; leakproof: boolean; cost: string; rows: string;
  settings: string[] | null; comment: string | null;
  acl: AclRow[] | null;
}
const volatilities: Record<string, 'immutable' | 'stable' | 'volatile'> = { i: 'immutable', s: 'stable', v: 'volatile' };
const parallels: Record<string, 'safe' | 'restricted' | 'unsafe'> = { s: 'safe', r: 'restricted', u: 'unsafe' };
interface ViewRow extends CatalogRow {
  schema: string; name: string; materialized: boolean; populated: boolean; query: string;
  options: string[] | null; comment: string | null; depends_on: Array<[string, string]> | null; column_comments: Record<string, string> | null;
}
interface DomainRow extends CatalogRow {
  schema: string; name: string; type: string; not_null: boolean; default: string | null; collation: string | null;
  comment: string | null; checks: Array<{ oid: number; name: string; expression: string }> | null; acl: AclRow[] | null;
}
interface SequenceRow extends CatalogRow {
  schema: string; name: string; data_type: string; start: string; increment: string; min_value: string;
  max_value: string; cache: string; cycle: boolean; unlogged: boolean; comment: string | null; owned_table: string | null; owned_column: string | null;
}
interface RangeRow extends CatalogRow {
  schema: string; name: string; subtype: string; subtype_opclass: string | null; collation: string | null; canonical: string | null;
  subtype_diff: string | null; multirange: string | null; comment: string | null; acl: AclRow[] | null;
}
function toRange(r: RangeRow): RangeType {
  const range: RangeType = {
    name: r.name, subtype: r.subtype,
    ...(r.subtype_opclass !== null && { subtypeOpclass: r.subtype_opclass }),
    ...(r.collation !== null && { collation: r.collation }),
    ...(r.canonical !== null && { canonical: r.canonical }),
    ...(r.subtype_diff !== null && { subtypeDiff: r.subtype_diff }),
    ...(r.comment !== null && { comment: r.comment }),
    ...typeGrants(r.acl),
  };
  return r.multirange !== null && r.multirange !== multirangeOf(range) ? { ...range, multirange: r.multirange } : range;
}
interface CompositeRow extends CatalogRow {
  schema: string; name: string; comment: string | null; acl: AclRow[] | null;
  attributes: Array<{ name: string; type: string; collation: string | null }> | null;
}
interface CollationRow extends CatalogRow {
  schema: string; name: string; provider: string; lc_collate: string | null; lc_ctype: string | null; locale: string | null;
  rules: string | null; deterministic: boolean; comment: string | null;
}
interface GrantRow { schema: string; name: string; column_name: string | null; grantee: string; privilege: string; grantable: boolean }
interface TableRow extends CatalogRow {
  schema: string; name: string; comment: string | null; row_estimate: number; rls: boolean; force_rls: boolean; unlogged: boolean; cluster_on: string | null;
  partition_by: string | null; parent_schema: string | null; parent_table: string | null; partition_bound: string | null; detach_pending: boolean;
  inherits: Array<{ schema: string; table: string }> | null;
}
interface ColumnRow {
  schema: string; table_name: string; name: string; type: string; not_null: boolean; default: string | null;
  generated: string | null; identity: string; collation: string | null; comment: string | null;
  seq_type: string | null; seq_start: string | null; seq_increment: string | null; seq_min: string | null;
  seq_max: string | null; seq_cache: string | null; seq_cycle: boolean | null;
  statistics: number | null; storage: string | null; type_storage: string; compression: string | null; options: string[] | null;
}
interface ConstraintRow extends CatalogRow {
  schema: string; table_name: string; name: string; type: 'p' | 'u' | 'c' | 'f' | 'x'; columns: string[] | null; include: string[] | null;
  ref_schema: string | null; ref_table: string | null; ref_columns: string[] | null;
  on_update: string; on_delete: string; match: string; deferrable: boolean; deferred: boolean;
  no_inherit: boolean; validated: boolean; expression: string | null; nulls_not_distinct: boolean; comment: string | null;
}
interface IndexRow extends CatalogRow {
  schema: string; table_name: string; name: string; unique: boolean; method: string; where: string | null;
  nulls_not_distinct: boolean; comment: string | null; with_options: string[] | null; invalid: boolean;
  keys: Array<{ column: string | null; expression: string | null; option: number; opclass: string | null; collation: string | null; included: boolean }>;
}

function toColumn(r: ColumnRow): Column {
  const column: Column = { name: r.name, type: r.type, notNull: r.not_null };
  if (r.default !== null) column.default = r.default;
  if (r.generated !== null) column.generated = r.generated;
  if (r.identity === 'a' || r.identity === 'd') {
    column.identity = {
      kind: r.identity === 'a' ? 'always' : 'by default',
      dataType: r.seq_type ?? 'bigint', start: r.seq_start ?? '1', increment: r.seq_increment ?? '1',
      minValue: r.seq_min ?? '1', maxValue: r.seq_max ?? '', cache: r.seq_cache ?? '1', cycle: r.seq_cycle ?? false,
    };
  }
  if (r.collation !== null) column.collation = r.collation;
  if (r.statistics !== null) column.statistics = r.statistics;
  if (r.storage !== null) {
    column.storage = STORAGE[r.storage]!;
    column.typeStorage = STORAGE[r.type_storage]!;
  }
  if (r.compression !== null) column.compression = COMPRESSION[r.compression] ?? r.compression;
  if (r.options !== null && r.options.length > 0) column.options = storageOptions(r.options);
  if (r.comment !== null) column.comment = r.comment;
  return column;
}

const actions: Record<string, ReferentialAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const matches: Record<string, MatchType> = { s: 'simple', f: 'full' };

function addConstraint(table: Table | undefined, r: ConstraintRow) {
  if (!table) return;
  const columns = r.columns ?? [];
  const comment = r.comment !== null ? { comment: r.comment } : {};
  switch (r.type) {
    case 'p':
      table.primaryKey = {
        name: r.name, columns, ...(r.include && { include: r.include }), ...comment,
        ...(r.deferrable && { deferrable: true }), ...(r.deferred && { initiallyDeferred: true }),
      };
      break;
    case 'u':
      table.uniques.push({ name: r.name, columns, ...(r.include && { include: r.include }), nullsNotDistinct: r.nulls_not_distinct, deferrable: r.deferrable, initiallyDeferred: r.deferred, ...comment });
      break;
    case 'c':
      table.checks.push({ name: r.name, expression: r.expression ?? '', noInherit: r.no_inherit, ...(!r.validated && { validated: false as const }), ...comment });
      break;
    case 'x':
      table.exclusions.push({ name: r.name, definition: r.expression ?? '', ...comment });
      break;
    case 'f': {
      const fk: ForeignKey = {
        name: r.name, columns,
        references: { schema: r.ref_schema!, table: r.ref_table!, columns: r.ref_columns ?? [] },
        onDelete: actions[r.on_delete] ?? 'no action', onUpdate: actions[r.on_update] ?? 'no action',
        match: matches[r.match] ?? 'simple', deferrable: r.deferrable, initiallyDeferred: r.deferred, ...(!r.validated && { validated: false as const }), ...comment,
      };
      table.foreignKeys.push(fk);
      break;
    }
  }
}

function toIndex(r: IndexRow): Index {
  const keys: IndexKey[] = [];
  const include: string[] = [];
  for (const k of r.keys) {
    if (k.included) {
      include.push(k.column!);
      continue;
    }
    // indoption bit 0: DESC; bit 1: NULLS FIRST.
    const descending = (k.option & 1) !== 0;
    const nullsFirst = (k.option & 2) !== 0;
    const key: IndexKey = k.column !== null ? { column: k.column, descending } : { expression: k.expression!, descending };
    if (k.collation !== null) key.collation = k.collation;
    if (k.opclass !== null) key.opclass = k.opclass;
    if (nullsFirst !== descending) key.nullsFirst = nullsFirst;
    keys.push(key);
  }
  return {
    name: r.name, unique: r.unique, method: r.method, keys, include,
    ...(r.where !== null && { where: r.where }),
    nullsNotDistinct: r.nulls_not_distinct,
    ...(r.with_options !== null && r.with_options.length > 0 && { with: storageOptions(r.with_options) }),
    ...(r.comment !== null && { comment: r.comment }),
    ...(r.invalid && { invalid: true }),
  };
}

/** pg_get_viewdef's text without the framing it adds: a leading space and a final semicolon. */
export function viewQueryText(text: string): string {
  return text.trim().replace(/;$/, '');
}

/** reloptions ("fillfactor=70") as a map, in stored order. */
const STORAGE: Record<string, ColumnStorage> = { p: 'plain', e: 'external', x: 'extended', m: 'main' };
const COMPRESSION: Record<string, string> = { p: 'pglz', l: 'lz4' };

function storageOptions(options: string[]): Record<string, string> {
  return Object.fromEntries(options.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
}
