import { collectProtections } from './protections.js';
import type { ColumnStorage,
  Collation, CompositeType, DefaultPrivilegeObjects, CheckConstraint, Column, Domain, EnumType, Policy, Routine, Trigger, TriggerEvent, View, Extension, ForeignKey, Identity, Index, IndexKey, Model,
  ReferentialAction, Schema, Sequence, Table, UniqueConstraint,
} from '../model/types.js';
import { completeSequenceOptions, identityDataType } from '../model/sequence-defaults.js';
import { canonicalDefaultPrivileges, canonicalGrants, ROUTINE_DEFAULT_GRANTS, TYPE_DEFAULT_GRANTS } from '../model/grants.js';
import { defaultPrimaryKeyName } from '../model/names.js';
import { canonicalTypeName, displayIdentifier, displayUserType } from '../normalize/type-names.js';
import { sortModel, splitSignature, withoutDefaultArgumentModes } from '../model/canonical.js';
import { toRange, type RawRange } from './range-types.js';
import { defaultedGrantsOf, grantAtoms, grantsOf, type RawGrant } from './raw-grants.js';
export type { RawGrant } from './raw-grants.js';
import { toRules, type RawRule } from './rules.js';
import { toAggregate, type RawAggregate } from './aggregates.js';
import { toConfiguration, toDictionary, type RawTextSearchConfiguration, type RawTextSearchDictionary } from './text-search.js';
import { multirangeOf } from '../model/ranges.js';

/** The document shape schemas/schema.json accepts (already validated). */
export interface RawDocument {
  extensions?: Array<string | { name: string; schema?: string; version?: string }>;
  schemas?: Record<string, RawSchema | null>;
  ignore?: string[];
  managedRoles?: string[];
}
export interface RawCollation {
  provider?: Collation['provider']; locale?: string; lcCollate?: string; lcCtype?: string; deterministic?: boolean; rules?: string; comment?: string;
}
export interface RawSchema {
  comment?: string;
  renamedFrom?: string;
  grants?: RawGrant[];
  defaultPrivileges?: Array<{ role?: string; on: DefaultPrivilegeObjects; grants: RawGrant[] }>;
  enums?: Record<string, string[] | RawEnum>;
  collations?: Record<string, RawCollation>;
  composites?: Record<string, { attributes: Record<string, string | { type: string; collation?: string }>; comment?: string; grants?: RawGrant[] }>;
  ranges?: Record<string, RawRange & { grants?: RawGrant[] }>;
  aggregates?: Record<string, RawAggregate>;
  textSearchDictionaries?: Record<string, RawTextSearchDictionary>;
  textSearchConfigurations?: Record<string, RawTextSearchConfiguration>;
  domains?: Record<string, RawDomain>;
  sequences?: Record<string, RawSequence | null>;
  tables?: Record<string, RawTable>;
  views?: Record<string, RawView>;
  functions?: Record<string, RawRoutine>;
  preventDestroy?: boolean;
}
export interface RawRoutine {
  kind?: 'function' | 'procedure'; returns?: string; language: string; body: string; objectFile?: string;
  volatility?: Routine['volatility']; strict?: boolean; securityDefiner?: boolean; parallel?: Routine['parallel'];
  leakproof?: boolean; cost?: Num; rows?: Num; settings?: Record<string, string | number | boolean>; comment?: string;
  grants?: RawGrant[];
}
export interface RawView {
  query: string; materialized?: boolean; withData?: boolean; options?: Record<string, string | number | boolean>;
  indexes?: Record<string, RawIndex>; comment?: string; columnComments?: Record<string, string>; grants?: RawGrant[]; triggers?: Record<string, RawTrigger>;
  rules?: Record<string, RawRule>;
}
export interface RawEnum { values: string[]; comment?: string; grants?: RawGrant[] }
type Num = number | string;
export interface RawDomain {
  type: string; notNull?: boolean; default?: string | number | boolean; collation?: string;
  checks?: Record<string, { expression: string }>; comment?: string; grants?: RawGrant[];
}
export interface RawSequenceOptions {
  type?: string; start?: Num; increment?: Num; minValue?: Num; maxValue?: Num; cache?: Num; cycle?: boolean;
}
export interface RawSequence extends RawSequenceOptions {
  unlogged?: boolean;
  ownedBy?: { table: string; column: string };
  comment?: string;
  grants?: RawGrant[];
}
export interface RawColumn {
  type: string; notNull?: boolean; default?: string | number | boolean;
  identity?: 'always' | 'by default' | (RawSequenceOptions & { kind: 'always' | 'by default' });
  generated?: string; collation?: string; comment?: string; renamedFrom?: string; using?: string;
  statistics?: number; storage?: ColumnStorage; compression?: 'pglz' | 'lz4'; options?: Record<string, number | string>;
}
export interface RawIndexKey { column?: string; expression?: string; collation?: string; opclass?: string; order?: 'asc' | 'desc'; nulls?: 'first' | 'last' }
export interface RawIndex {
  columns?: string[]; expressions?: string[]; keys?: RawIndexKey[]; unique?: boolean; method?: string;
  include?: string[]; where?: string; nullsNotDistinct?: boolean; with?: Record<string, string | number | boolean>; comment?: string;
}
export interface RawTrigger {
  timing: Trigger['timing']; events: TriggerEvent[]; updateOf?: string[]; level?: Trigger['level']; function: string;
  arguments?: Array<string | number | boolean>; when?: string; oldTable?: string; newTable?: string;
  constraint?: boolean; deferrable?: boolean; initiallyDeferred?: boolean; enabled?: Trigger['enabled']; comment?: string;
}
export interface RawExclusion { definition: string; comment?: string }
export interface RawPolicy { permissive?: boolean; command?: Policy['command']; roles?: string[]; using?: string; withCheck?: string; comment?: string }
export interface RawTable {
  comment?: string; renamedFrom?: string;
  columns?: Record<string, RawColumn>;
  partitionBy?: string;
  partitionOf?: { schema?: string; table: string; bound: string };
  unlogged?: boolean;
  clusterOn?: string;
  inherits?: Array<string | { schema?: string; table: string }>;
  grants?: RawGrant[];
  primaryKey?: string[] | { name?: string; columns: string[]; include?: string[]; deferrable?: boolean; initiallyDeferred?: boolean; comment?: string };
  unique?: Record<string, { columns: string[]; include?: string[]; nullsNotDistinct?: boolean; deferrable?: boolean; initiallyDeferred?: boolean; comment?: string }>;
  checks?: Record<string, { expression: string; noInherit?: boolean; validated?: boolean; comment?: string }>;
  foreignKeys?: Record<string, {
    columns: string[]; references: { schema?: string; table: string; columns: string[] };
    onDelete?: ReferentialAction; onUpdate?: ReferentialAction; match?: 'simple' | 'full';
    deferrable?: boolean; initiallyDeferred?: boolean; validated?: boolean; comment?: string;
  }>;
  indexes?: Record<string, RawIndex>;
  triggers?: Record<string, RawTrigger>;
  rules?: Record<string, RawRule>;
  exclusions?: Record<string, RawExclusion>;
  rowLevelSecurity?: boolean;
  forceRowLevelSecurity?: boolean;
  policies?: Record<string, RawPolicy>;
}

const text = (v: Num | undefined) => (v === undefined ? undefined : String(v));

/** `range(a)` → `RANGE (a)`, the way pg_get_partkeydef prints the common case; the rest is probed. */
function partitionKey(written: string): string {
  const m = /^\s*(range|list|hash)\s*(\(.*\))\s*$/is.exec(written);
  return m ? `${m[1]!.toUpperCase()} ${m[2]}` : written.trim();
}

/** `FROM (1) TO (10)` → `FOR VALUES FROM (1) TO (10)`; `default` → `DEFAULT`. */
export function partitionBound(written: string): string {
  const bound = written.trim();
  if (/^default$/i.test(bound)) return 'DEFAULT';
  return /^for\s+values\b/i.test(bound) ? bound.replace(/^for\s+values\s*/i, 'FOR VALUES ') : `FOR VALUES ${bound}`;
}

/**
 * Turn a validated document into the model. Pure: no database, no files.
 * Omitted options become the values PostgreSQL would pick, so that a file
 * and the catalog it produced compare equal.
 */
export function documentToModel(doc: RawDocument): Model {
  const userTypes = collectUserTypes(doc);
  const functionSchemas = new Map<string, Set<string>>();
  for (const [schema, raw] of Object.entries(doc.schemas ?? {})) {
    functionSchemas.set(schema, new Set(Object.keys(raw?.functions ?? {}).map((k) => splitSignature(k).name)));
  }
  const resolve = (schema: string, name: string) =>
    userTypes.has(`${schema}\u0000${name}`) ? displayUserType(schema, name) : undefined;

  // Thousands of columns share a few dozen type spellings.
  const spelled = new Map<string, string>();
  const typeName = (written: string, schema: string) => {
    const key = `${schema}\u0000${written}`;
    let name = spelled.get(key);
    if (name === undefined) spelled.set(key, (name = canonicalTypeName(written, schema, resolve)));
    return name;
  };

  const schemas: Schema[] = Object.entries(doc.schemas ?? {}).map(([schemaName, raw]) => ({
    name: schemaName,
    ...(raw?.comment !== undefined && { comment: raw.comment }),
    ...(raw?.renamedFrom !== undefined && { renamedFrom: raw.renamedFrom }),
    ...(raw?.grants !== undefined && { grants: canonicalGrants(grantAtoms(raw.grants, 'schema')) ?? [] }),
    ...(raw?.defaultPrivileges !== undefined && {
      defaultPrivileges: canonicalDefaultPrivileges(raw.defaultPrivileges.map((d) => ({
        ...(d.role !== undefined && { role: d.role }), on: d.on, grants: grantsOf(d.grants).grants ?? [],
      }))),
    }),
    enums: Object.entries(raw?.enums ?? {}).map(([name, def]) => toEnum(name, def)),
    ...(raw?.composites && Object.keys(raw.composites).length > 0 && {
      composites: Object.entries(raw.composites).map(([name, t]): CompositeType => ({
        name,
        attributes: Object.entries(t.attributes).map(([field, def]) => {
          const { type, collation } = typeof def === 'string' ? { type: def, collation: undefined } : def;
          return { name: field, type: typeName(type, schemaName), ...(collation !== undefined && { collation }) };
        }),
        ...(t.comment !== undefined && { comment: t.comment }),
        ...defaultedGrantsOf(t.grants, 'type', TYPE_DEFAULT_GRANTS),
      })),
    }),
    ...(raw?.ranges && Object.keys(raw.ranges).length > 0 && {
      ranges: Object.entries(raw.ranges).map(([name, r]) => toRange(name, r, (t) => typeName(t, schemaName), defaultedGrantsOf(r.grants, 'type', TYPE_DEFAULT_GRANTS))),
    }),
    ...(raw?.aggregates && Object.keys(raw.aggregates).length > 0 && {
      aggregates: Object.entries(raw.aggregates).map(([signature, a]) => toAggregate(signature, a, (t) => typeName(t, schemaName))),
    }),
    ...(raw?.textSearchDictionaries && Object.keys(raw.textSearchDictionaries).length > 0 && {
      textSearchDictionaries: Object.entries(raw.textSearchDictionaries).map(([name, d]) => toDictionary(name, d)),
    }),
    ...(raw?.textSearchConfigurations && Object.keys(raw.textSearchConfigurations).length > 0 && {
      textSearchConfigurations: Object.entries(raw.textSearchConfigurations).map(([name, c]) => toConfiguration(name, c)),
    }),
    ...(raw?.collations && Object.keys(raw.collations).length > 0 && {
      collations: Object.entries(raw.collations).map(([name, c]): Collation => ({
        name, provider: c.provider ?? 'libc',
        ...(c.locale !== undefined && { locale: c.locale }),
        ...(c.lcCollate !== undefined && { lcCollate: c.lcCollate }),
        ...(c.lcCtype !== undefined && { lcCtype: c.lcCtype }),
        deterministic: c.deterministic ?? true,
        ...(c.rules !== undefined && { rules: c.rules }),
        ...(c.comment !== undefined && { comment: c.comment }),
      })),
    }),
    domains: Object.entries(raw?.domains ?? {}).map(([name, def]) => toDomain(name, def, (t) => typeName(t, schemaName))),
    sequences: Object.entries(raw?.sequences ?? {}).map(([name, def]) => toSequence(name, def ?? {})),
    tables: Object.entries(raw?.tables ?? {}).map(([name, def]) =>
      toTable(name, def, (t) => typeName(t, schemaName), schemaName, (f) => qualifyFunction(f, schemaName, functionSchemas))),
    views: Object.entries(raw?.views ?? {}).map(([name, def]) => toView(name, def, (f) => qualifyFunction(f, schemaName, functionSchemas))),
    functions: Object.entries(raw?.functions ?? {}).map(([signature, def]) => toRoutine(signature, def)),
  }));
  const preventDestroy = collectProtections(doc);
  return sortModel({
    extensions: (doc.extensions ?? []).map(toExtension), schemas, ...(preventDestroy.length && { preventDestroy }),
    ...(doc.ignore && { ignore: doc.ignore }), ...(doc.managedRoles && { managedRoles: [...new Set(doc.managedRoles)] }),
  });
}

function collectUserTypes(doc: RawDocument): Set<string> {
  const out = new Set<string>();
  for (const [schema, raw] of Object.entries(doc.schemas ?? {})) {
    for (const name of Object.keys(raw?.enums ?? {})) out.add(`${schema}\u0000${name}`);
    for (const name of Object.keys(raw?.domains ?? {})) out.add(`${schema}\u0000${name}`);
    for (const name of Object.keys(raw?.composites ?? {})) out.add(`${schema}\u0000${name}`);
    for (const [name, r] of Object.entries(raw?.ranges ?? {})) out.add(`${schema}\u0000${name}`).add(`${schema}\u0000${multirangeOf({ name, ...r })}`);
  }
  return out;
}

function toExtension(raw: string | { name: string; schema?: string; version?: string; comment?: string }): Extension {
  return typeof raw === 'string' ? { name: raw } : { ...raw };
}

function toEnum(name: string, def: string[] | RawEnum): EnumType {
  return Array.isArray(def)
    ? { name, values: [...def] }
    : { name, values: [...def.values], ...(def.comment !== undefined && { comment: def.comment }), ...defaultedGrantsOf(def.grants, 'type', TYPE_DEFAULT_GRANTS) };
}

/** Defaults as CREATE FUNCTION picks them, so that a short file compares equal to the catalog. */
function toRoutine(signature: string, raw: RawRoutine): Routine {
  const written = splitSignature(signature);
  const kind = raw.kind ?? 'function';
  const language = raw.language.toLowerCase();
  const returns = kind === 'function' ? (raw.returns ?? 'void') : undefined;
  const returnsSet = /^(setof|table)\b/i.test(returns ?? '');
  return {
    name: written.name,
    kind,
    arguments: withoutDefaultArgumentModes(written.arguments),
    ...(returns !== undefined && { returns }),
    language,
    body: raw.body,
    ...(raw.objectFile !== undefined && { objectFile: raw.objectFile }),
    volatility: raw.volatility ?? 'volatile',
    strict: raw.strict ?? false,
    securityDefiner: raw.securityDefiner ?? false,
    parallel: raw.parallel ?? 'unsafe',
    leakproof: raw.leakproof ?? false,
    cost: text(raw.cost) ?? (language === 'c' || language === 'internal' ? '1' : '100'),
    rows: text(raw.rows) ?? (returnsSet ? '1000' : '0'),
    ...(raw.settings !== undefined && Object.keys(raw.settings).length > 0 && {
      settings: Object.fromEntries(Object.entries(raw.settings).map(([k, v]) => [k.toLowerCase(), String(v)])),
    }),
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...defaultedGrantsOf(raw.grants, 'routine', ROUTINE_DEFAULT_GRANTS),
  };
}

function toView(name: string, raw: RawView, qualify: (f: string) => string): View {
  const materialized = raw.materialized ?? false;
  return {
    name,
    query: viewQuery(raw.query),
    materialized,
    ...(materialized && { withData: raw.withData ?? true }),
    ...(raw.options !== undefined && Object.keys(raw.options).length > 0 && {
      options: Object.fromEntries(Object.entries(raw.options).map(([k, v]) => [k.toLowerCase(), String(v)])),
    }),
    indexes: Object.entries(raw.indexes ?? {}).map(([n, i]) => toIndex(n, i)),
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...(raw.columnComments && Object.keys(raw.columnComments).length > 0 && {
      columnComments: Object.fromEntries(Object.entries(raw.columnComments).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    }),
    ...grantsOf(raw.grants),
    ...(raw.triggers && Object.keys(raw.triggers).length > 0 && { triggers: Object.entries(raw.triggers).map(([n, t]) => toTrigger(n, t, qualify)) }),
    ...toRules(raw.rules),
  };
}

function toDomain(name: string, raw: RawDomain, canonicalType: (t: string) => string): Domain {
  return {
    name,
    type: canonicalType(raw.type),
    notNull: raw.notNull ?? false,
    ...(raw.default !== undefined && { default: String(raw.default) }),
    ...(raw.collation !== undefined && { collation: raw.collation }),
    checks: Object.entries(raw.checks ?? {}).map(([n, c]) => ({ name: n, expression: c.expression })),
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...defaultedGrantsOf(raw.grants, 'type', TYPE_DEFAULT_GRANTS),
  };
}

function sequenceOptions(raw: RawSequenceOptions, dataType?: string) {
  return completeSequenceOptions({
    dataType: raw.type ?? dataType, start: text(raw.start), increment: text(raw.increment),
    minValue: text(raw.minValue), maxValue: text(raw.maxValue), cache: text(raw.cache), cycle: raw.cycle,
  });
}

function toSequence(name: string, raw: RawSequence): Sequence {
  return {
    name,
    ...sequenceOptions(raw),
    ...(raw.unlogged && { unlogged: true }),
    ...(raw.ownedBy && { ownedBy: { ...raw.ownedBy } }),
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...grantsOf(raw.grants),
  };
}

function toColumn(name: string, raw: RawColumn, canonicalType: (t: string) => string): Column {
  const type = canonicalType(raw.type);
  const column: Column = { name, type, notNull: raw.notNull ?? false };
  if (raw.default !== undefined) column.default = String(raw.default);
  if (raw.identity !== undefined) {
    const options = typeof raw.identity === 'string' ? {} : raw.identity;
    const kind = typeof raw.identity === 'string' ? raw.identity : raw.identity.kind;
    const identity: Identity = { kind, ...sequenceOptions(options, identityDataType(type)) };
    column.identity = identity;
    // An identity column is NOT NULL whether or not the file says so.
    column.notNull = true;
  }
  if (raw.generated !== undefined) column.generated = raw.generated;
  if (raw.collation !== undefined) column.collation = raw.collation;
  if (raw.statistics !== undefined && raw.statistics !== -1) column.statistics = raw.statistics;
  if (raw.storage !== undefined) column.storage = raw.storage;
  if (raw.compression !== undefined) column.compression = raw.compression;
  if (raw.options !== undefined && Object.keys(raw.options).length) column.options = Object.fromEntries(Object.entries(raw.options).map(([k, v]) => [k.toLowerCase(), String(v)]));
  if (raw.comment !== undefined) column.comment = raw.comment;
  if (raw.renamedFrom !== undefined) column.renamedFrom = raw.renamedFrom;
  if (raw.using !== undefined) column.using = raw.using;
  return column;
}

function toIndexKeys(raw: RawIndex): IndexKey[] {
  if (raw.keys) {
    return raw.keys.map((k) => {
      const descending = k.order === 'desc';
      const key: IndexKey = k.column !== undefined ? { column: k.column, descending } : { expression: k.expression!, descending };
      if (k.collation !== undefined) key.collation = k.collation;
      if (k.opclass !== undefined) key.opclass = k.opclass;
      // Only record NULLS placement when it differs from the direction's default.
      if (k.nulls !== undefined && (k.nulls === 'first') !== descending) key.nullsFirst = k.nulls === 'first';
      return key;
    });
  }
  return [
    ...(raw.columns ?? []).map((column) => ({ column, descending: false })),
    ...(raw.expressions ?? []).map((expression) => ({ expression, descending: false })),
  ];
}

function toIndex(name: string, raw: RawIndex): Index {
  return {
    name,
    unique: raw.unique ?? false,
    method: raw.method ?? 'btree',
    keys: toIndexKeys(raw),
    include: raw.include ?? [],
    ...(raw.where !== undefined && { where: raw.where }),
    nullsNotDistinct: raw.nullsNotDistinct ?? false,
    ...(raw.with !== undefined && Object.keys(raw.with).length > 0 && {
      // Kept in the order written: it is the order the catalog keeps.
      with: Object.fromEntries(Object.entries(raw.with).map(([k, v]) => [k.toLowerCase(), String(v)])),
    }),
    ...(raw.comment !== undefined && { comment: raw.comment }),
  };
}

/**
 * A trigger's function as the catalog shows it: schema-qualified. An
 * unqualified name resolves as the search path would: the table's schema
 * first, then public.
 */
/** A view's query as the file means it: one trailing semicolon is allowed. */
export const viewQuery = (written: string) => written.trim().replace(/;$/, '').trim();

/** A trigger function written with its schema is taken as written (and so checked as SQL); otherwise it is quoted. */
export const isSchemaQualified = (name: string) => /^("[^"]+"|[^."]+)\./.test(name);

function qualifyFunction(name: string, schema: string, declared: Map<string, Set<string>>): string {
  if (isSchemaQualified(name)) return name;
  const unquoted = name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
  const home = declared.get(schema)?.has(unquoted) || !declared.get('public')?.has(unquoted) ? schema : 'public';
  return `${displayIdentifier(home)}.${displayIdentifier(unquoted)}`;
}

const eventOrder: TriggerEvent[] = ['insert', 'update', 'delete', 'truncate'];

function toTrigger(name: string, raw: RawTrigger, qualify: (f: string) => string): Trigger {
  const constraint = raw.constraint ?? false;
  return {
    name,
    timing: raw.timing,
    events: eventOrder.filter((e) => raw.events.includes(e)),
    ...(raw.updateOf !== undefined && { updateOf: raw.updateOf }),
    level: raw.level ?? (constraint ? 'row' : 'statement'),
    function: qualify(raw.function),
    arguments: (raw.arguments ?? []).map(String),
    ...(raw.when !== undefined && { when: raw.when }),
    ...(raw.oldTable !== undefined && { oldTable: raw.oldTable }),
    ...(raw.newTable !== undefined && { newTable: raw.newTable }),
    constraint,
    deferrable: raw.deferrable ?? raw.initiallyDeferred ?? false,
    initiallyDeferred: raw.initiallyDeferred ?? false,
    enabled: raw.enabled ?? 'origin',
    ...(raw.comment !== undefined && { comment: raw.comment }),
  };
}

function toTable(name: string, raw: RawTable, canonicalType: (t: string) => string, schema: string, qualify: (f: string) => string): Table {
  const pk = raw.primaryKey;
  const uniques: UniqueConstraint[] = Object.entries(raw.unique ?? {}).map(([n, u]) => ({
    name: n, columns: u.columns, ...(u.include?.length && { include: u.include }), nullsNotDistinct: u.nullsNotDistinct ?? false,
    deferrable: u.deferrable ?? u.initiallyDeferred ?? false, initiallyDeferred: u.initiallyDeferred ?? false,
    ...(u.comment !== undefined && { comment: u.comment }),
  }));
  const checks: CheckConstraint[] = Object.entries(raw.checks ?? {}).map(([n, c]) => ({
    name: n, expression: c.expression, noInherit: c.noInherit ?? false,
    ...(c.validated === false && { validated: false as const }),
    ...(c.comment !== undefined && { comment: c.comment }),
  }));
  const foreignKeys: ForeignKey[] = Object.entries(raw.foreignKeys ?? {}).map(([n, f]) => ({
    name: n,
    columns: f.columns,
    references: { schema: f.references.schema ?? schema, table: f.references.table, columns: f.references.columns },
    onDelete: f.onDelete ?? 'no action',
    onUpdate: f.onUpdate ?? 'no action',
    match: f.match ?? 'simple',
    deferrable: f.deferrable ?? f.initiallyDeferred ?? false,
    initiallyDeferred: f.initiallyDeferred ?? false,
    ...(f.validated === false && { validated: false as const }),
    ...(f.comment !== undefined && { comment: f.comment }),
  }));
  const columns = Object.entries(raw.columns ?? {}).map(([n, c]) => toColumn(n, c, canonicalType));
  // A primary key makes its columns NOT NULL; say so in the model so it matches the catalog.
  const pkColumns = pk === undefined ? [] : Array.isArray(pk) ? pk : pk.columns;
  for (const c of columns) if (pkColumns.includes(c.name)) c.notNull = true;
  return {
    name,
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...(raw.renamedFrom !== undefined && { renamedFrom: raw.renamedFrom }),
    columns,
    ...(pk !== undefined && {
      primaryKey: Array.isArray(pk)
        ? { name: defaultPrimaryKeyName(name), columns: pk }
        : {
          name: pk.name ?? defaultPrimaryKeyName(name), columns: pk.columns,
          ...(pk.include?.length && { include: pk.include }),
          ...((pk.deferrable || pk.initiallyDeferred) && { deferrable: true }),
          ...(pk.initiallyDeferred && { initiallyDeferred: true }),
          ...(pk.comment !== undefined && { comment: pk.comment }),
        },
    }),
    uniques,
    checks,
    foreignKeys,
    indexes: Object.entries(raw.indexes ?? {}).map(([n, i]) => toIndex(n, i)),
    exclusions: Object.entries(raw.exclusions ?? {}).map(([n, x]) => ({ name: n, definition: x.definition.trim(), ...(x.comment !== undefined && { comment: x.comment }) })),
    triggers: Object.entries(raw.triggers ?? {}).map(([n, t]) => toTrigger(n, t, qualify)),
    ...toRules(raw.rules),
    ...(raw.rowLevelSecurity && { rowLevelSecurity: true }),
    ...(raw.forceRowLevelSecurity && { forceRowLevelSecurity: true }),
    ...(raw.unlogged && { unlogged: true }),
    ...(raw.clusterOn !== undefined && { clusterOn: raw.clusterOn }),
    ...(raw.inherits?.length && {
      inherits: raw.inherits.map((ref) => {
        if (typeof ref !== 'string') return { schema: ref.schema ?? schema, table: ref.table };
        const dot = ref.indexOf('.');
        return dot > 0 ? { schema: ref.slice(0, dot), table: ref.slice(dot + 1) } : { schema, table: ref };
      }),
    }),
    ...(raw.partitionBy !== undefined && { partitionBy: partitionKey(raw.partitionBy) }),
    ...(raw.partitionOf !== undefined && {
      partitionOf: { schema: raw.partitionOf.schema ?? schema, table: raw.partitionOf.table, bound: partitionBound(raw.partitionOf.bound) },
    }),
    ...grantsOf(raw.grants),
    policies: Object.entries(raw.policies ?? {}).map(([n, p]) => ({
      name: n,
      permissive: p.permissive ?? true,
      command: p.command ?? 'all',
      // Role names are identifiers: unquoted ones fold to lower case, as in SQL.
      roles: (p.roles ?? ['public']).map((r) => (r.startsWith('"') ? r.slice(1, -1).replaceAll('""', '"') : r.toLowerCase())),
      ...(p.using !== undefined && { using: p.using }),
      ...(p.withCheck !== undefined && { withCheck: p.withCheck }),
      ...(p.comment !== undefined && { comment: p.comment }),
    })),
  };
}
