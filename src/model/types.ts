/**
 * The schema model: the one representation both the YAML loader and the
 * introspector produce. Everything downstream (differ, planner, state) speaks
 * only this vocabulary, so it must stay plain JSON-serialisable data.
 *
 * Lists are used instead of name-keyed maps where order carries meaning
 * (columns, enum values, index keys); elsewhere lists are kept sorted by name
 * so that two equal schemas serialise identically.
 */

export interface Model {
  extensions: Extension[];
  schemas: Schema[];
  /** Objects a file marks `preventDestroy: true` (protection keys, see yaml/protections.ts): never dropped by a plan. Not a catalog fact: the live model has none. */
  preventDestroy?: string[];
  /** The file's `ignore:` patterns (see model/ignore.ts). */
  ignore?: string[];
  /** The file's `managedRoles:`: only these roles' privileges are granted or revoked. */
  managedRoles?: string[];
}

export interface Extension {
  name: string;
  /** Schema the extension's objects live in; omitted means the server's choice. */
  schema?: string;
  version?: string;
  /** COMMENT ON EXTENSION; in a file, omitted means the comment the extension comes with, "" none. */
  comment?: string;
  /** Live side only: the comment the extension's control file gives it (pg_available_extensions). */
  defaultComment?: string;
}

export interface Schema {
  name: string;
  comment?: string;
  /** Desired side only: the schema's previous name. */
  renamedFrom?: string;
  enums: EnumType[];
  domains: Domain[];
  sequences: Sequence[];
  tables: Table[];
  views: View[];
  functions: Routine[];
  /** User-defined collations (only when the schema has some). */
  collations?: Collation[];
  /** Composite types, CREATE TYPE ... AS (...) (only when the schema has some). */
  composites?: CompositeType[];
  /** Range types, CREATE TYPE ... AS RANGE (only when the schema has some). */
  ranges?: RangeType[];
  /** CREATE AGGREGATE (only when the schema has some). */
  aggregates?: Aggregate[];
  /** CREATE TEXT SEARCH DICTIONARY (only when the schema has some). */
  textSearchDictionaries?: TextSearchDictionary[];
  /** CREATE TEXT SEARCH CONFIGURATION (only when the schema has some). */
  textSearchConfigurations?: TextSearchConfiguration[];
  /**
   * USAGE and CREATE on the schema beyond its owner's. Desired side: only
   * managed when the file sets them (the public schema comes with its own).
   */
  grants?: Grant[];
  /** ALTER DEFAULT PRIVILEGES ... IN SCHEMA: what objects created here later start with. */
  defaultPrivileges?: DefaultPrivileges[];
}

export type DefaultPrivilegeObjects = 'tables' | 'sequences' | 'functions' | 'types';

/** The privileges objects of one kind get when `role` creates them in the schema, beyond the built-in defaults. */
export interface DefaultPrivileges {
  /** The creating role. Desired side: omitted means the role that applies the plan. */
  role?: string;
  on: DefaultPrivilegeObjects;
  grants: Grant[];
}

export interface CompositeType {
  name: string;
  /** In order: a row of this type lists its fields in this order. */
  attributes: Array<{ name: string; type: string; collation?: string }>;
  comment?: string;
  /** USAGE beyond the owner; undefined is PostgreSQL's default (public may use it), [] the owner only. */
  grants?: Grant[];
}

/**
 * CREATE TYPE ... AS RANGE. Nothing of one can be altered but its comment
 * and privileges: a changed one is dropped and created again (which
 * PostgreSQL refuses while a column or routine uses it).
 */
export interface RangeType {
  name: string;
  /** As format_type prints it. */
  subtype: string;
  /** The subtype's b-tree operator class, when not its default one. */
  subtypeOpclass?: string;
  /** When not the subtype's own. */
  collation?: string;
  /** The canonical function (regproc spelling), for discrete ranges. */
  canonical?: string;
  /** The difference function (regproc spelling), e.g. float8mi. */
  subtypeDiff?: string;
  /** PostgreSQL 14+: the multirange type's name, when not the one PostgreSQL derives. */
  multirange?: string;
  comment?: string;
  /** USAGE beyond the owner; undefined is PostgreSQL's default (public may use it), [] the owner only. */
  grants?: Grant[];
}

/**
 * A text search dictionary: a template and its options. The options can
 * change in place; another template means dropping and creating it again.
 */
export interface TextSearchDictionary {
  name: string;
  /** As regproc-style names print with search_path = public: simple, snowball, or schema.name. */
  template: string;
  /** Option → value, as PostgreSQL keeps them (names lower case, values text), e.g. { language: 'english' }. */
  options: Record<string, string>;
  comment?: string;
}

/**
 * A text search configuration: its parser and, for each token type it maps,
 * the dictionaries tried in order. Mappings change in place; another
 * parser means dropping and creating it again.
 */
export interface TextSearchConfiguration {
  name: string;
  /** default, or schema.name for one outside pg_catalog and public. */
  parser: string;
  /** Token type (the parser's alias, e.g. asciiword) → dictionaries, each as regdictionary prints it. */
  mappings: Record<string, string[]>;
  comment?: string;
}

/** CREATE COLLATION: which library sorts, under which locale. Collations cannot be altered. */
export interface Collation {
  name: string;
  provider: 'libc' | 'icu' | 'builtin';
  /** libc: LC_COLLATE and LC_CTYPE when equal; icu and builtin: the locale. */
  locale?: string;
  /** libc only, when they differ. */
  lcCollate?: string;
  lcCtype?: string;
  deterministic: boolean;
  /** ICU tailoring rules (PostgreSQL 16+). */
  rules?: string;
  comment?: string;
}

/** A function or procedure, keyed by name and argument list (overloads are separate routines). */
export interface Routine {
  name: string;
  kind: 'function' | 'procedure';
  /** As pg_get_function_arguments prints it: names, modes, types, defaults. */
  arguments: string;
  /** Functions only: as pg_get_function_result prints it (e.g. "integer", "SETOF text", "TABLE(a integer)"). */
  returns?: string;
  language: string;
  /** The source between the dollar quotes, exactly; for a C routine, its link symbol. */
  body: string;
  /** C routines only: the shared library that holds the link symbol (e.g. $libdir/unaccent). */
  objectFile?: string;
  volatility: 'immutable' | 'stable' | 'volatile';
  strict: boolean;
  securityDefiner: boolean;
  parallel: 'safe' | 'restricted' | 'unsafe';
  leakproof: boolean;
  cost: string;
  rows: string;
  /** SET clauses, e.g. { search_path: 'public, pg_temp' }. */
  settings?: Record<string, string>;
  comment?: string;
  /** EXECUTE beyond the owner; undefined is PostgreSQL's default (public may execute), [] the owner only. */
  grants?: Grant[];
}

/**
 * CREATE AGGREGATE. Keyed, like a routine, by name and argument list.
 * Nothing of one can be altered but its comment: a changed one is dropped
 * and created again. Function names are as regproc prints them with
 * search_path = public, types as format_type does.
 */
export interface Aggregate {
  name: string;
  /** As pg_get_function_arguments prints them; an ordered-set aggregate's read "direct ORDER BY aggregated". */
  arguments: string;
  kind: 'normal' | 'ordered-set' | 'hypothetical';
  stateFunction: string;
  stateType: string;
  stateSpace?: number;
  finalFunction?: string;
  finalFunctionExtra?: boolean;
  /** Only when not the kind's default (read_only; read_write for ordered-set and hypothetical ones). */
  finalFunctionModify?: 'read_only' | 'shareable' | 'read_write';
  combineFunction?: string;
  serialFunction?: string;
  deserialFunction?: string;
  initialCondition?: string;
  /** Moving-aggregate mode, for window frames that move. */
  moving?: {
    stateFunction: string; inverseFunction: string; stateType: string; stateSpace?: number;
    finalFunction?: string; finalFunctionExtra?: boolean; finalFunctionModify?: 'read_only' | 'shareable' | 'read_write'; initialCondition?: string;
  };
  /** The sort operator that makes it a min/max-like aggregate, e.g. "<". */
  sortOperator?: string;
  parallel: 'safe' | 'restricted' | 'unsafe';
  comment?: string;
}

/** A view or materialized view: its query as PostgreSQL prints it once normalised. */
export interface View {
  name: string;
  query: string;
  materialized: boolean;
  /** Materialized views only: populated at creation (WITH DATA). */
  withData?: boolean;
  /** View options such as security_barrier or check_option. */
  options?: Record<string, string>;
  /** Materialized views only. */
  indexes: Index[];
  comment?: string;
  /** Comments on the view's columns, by column name (only when some are set). */
  columnComments?: Record<string, string>;
  /** Live side only: relations the view reads, from pg_depend, as relationText writes them ("schema"."name"). */
  dependsOn?: string[];
  grants?: Grant[];
  /** INSTEAD OF row triggers (and statement-level BEFORE/AFTER ones). */
  triggers?: Trigger[];
  /** CREATE RULE on the view (INSTEAD rules make it writable); only when it has some. */
  rules?: Rule[];
}

/**
 * A rewrite rule (CREATE RULE), other than a view's own _RETURN rule. Its
 * condition and commands are as pg_get_ruledef prints them; CREATE OR
 * REPLACE RULE changes one in place.
 */
export interface Rule {
  name: string;
  event: 'insert' | 'update' | 'delete';
  instead: boolean;
  where?: string;
  /** The commands, each without its semicolon; none is DO NOTHING. */
  actions: string[];
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  comment?: string;
}

/**
 * Privileges granted to a role (or `public`) on an object (a table, view,
 * sequence, routine, type or schema), beyond the owner's own. Kept canonical (see canonicalGrants): one entry per
 * role and grant option for the whole object, one per role, grant option
 * and privilege for columns.
 */
export interface Grant {
  to: string;
  /** Upper-case keywords (SELECT, INSERT, ...) in PostgreSQL's order. `ALL` only until expanded. */
  privileges: string[];
  /** A column-level grant on these columns. */
  columns?: string[];
  withGrantOption?: boolean;
}

export interface EnumType {
  name: string;
  values: string[];
  comment?: string;
  /** As for composite types: undefined is the default (public may use it). */
  grants?: Grant[];
}

/** CREATE DOMAIN: a base type with a default, NOT NULL and named checks on VALUE. */
export interface Domain {
  name: string;
  type: string;
  notNull: boolean;
  default?: string;
  collation?: string;
  checks: Array<{ name: string; expression: string }>;
  comment?: string;
  /** As for composite types: undefined is the default (public may use it). */
  grants?: Grant[];
}

export interface SequenceOptions {
  /** bigint, integer or smallint */
  dataType: string;
  /** Numbers are kept as decimal strings: sequences are 64-bit. */
  start: string;
  increment: string;
  minValue: string;
  maxValue: string;
  cache: string;
  cycle: boolean;
}

export interface Sequence extends SequenceOptions {
  name: string;
  /** Not written to the WAL (PostgreSQL 15+): reset after a crash, not on replicas. Only when true. */
  unlogged?: boolean;
  ownedBy?: { table: string; column: string };
  comment?: string;
  grants?: Grant[];
}

export type IdentityKind = 'always' | 'by default';

export interface Identity extends SequenceOptions {
  kind: IdentityKind;
}

export type ColumnStorage = 'plain' | 'external' | 'extended' | 'main';

export interface Column {
  name: string;
  /** As PostgreSQL's format_type prints it once normalised. */
  type: string;
  notNull: boolean;
  default?: string;
  identity?: Identity;
  /** Expression of a STORED generated column. */
  generated?: string;
  collation?: string;
  /** Planner statistics target (SET STATISTICS); only when set. */
  statistics?: number;
  /** SET STORAGE; only when it is not the type's own. */
  storage?: ColumnStorage;
  /** Live side only, beside `storage`: the type's own, which a file that states none wants back. */
  typeStorage?: ColumnStorage;
  /** SET COMPRESSION (PostgreSQL 14+); only when set. */
  compression?: string;
  /** Attribute options (n_distinct, n_distinct_inherited); only when set. */
  options?: Record<string, string>;
  comment?: string;
  /** Desired side only: the column's previous name. */
  renamedFrom?: string;
  /** Desired side only: USING expression for a type change. */
  using?: string;
}

export interface PrimaryKey {
  name: string;
  columns: string[];
  /** Columns the key's index carries without keying on them (INCLUDE); only when there are any. */
  include?: string[];
  /** Only when true: most keys are not deferrable. */
  deferrable?: boolean;
  initiallyDeferred?: boolean;
  comment?: string;
}

export interface UniqueConstraint {
  name: string;
  columns: string[];
  /** As for a primary key. */
  include?: string[];
  nullsNotDistinct: boolean;
  deferrable: boolean;
  initiallyDeferred: boolean;
  comment?: string;
}

export interface CheckConstraint {
  name: string;
  expression: string;
  noInherit: boolean;
  /** Only when false: added NOT VALID, so rows that were there then are not known to pass (see NotValid). */
  validated?: false;
  comment?: string;
}

/** EXCLUDE constraint: its definition as pg_get_constraintdef prints it (from EXCLUDE on). */
export interface ExclusionConstraint {
  name: string;
  definition: string;
  comment?: string;
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
export type MatchType = 'simple' | 'full';

export interface ForeignKey {
  name: string;
  columns: string[];
  references: { schema: string; table: string; columns: string[] };
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  match: MatchType;
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** Only when false: added NOT VALID (see CheckConstraint). */
  validated?: false;
  comment?: string;
}

export interface IndexKey {
  /** Exactly one of column and expression is set. */
  column?: string;
  expression?: string;
  /** Only when not the collation the key would have anyway. */
  collation?: string;
  /** Only when not the default operator class for the key's type. */
  opclass?: string;
  descending: boolean;
  /** Only when not the default for the direction (NULLS LAST for ASC, FIRST for DESC). */
  nullsFirst?: boolean;
}

export interface Index {
  name: string;
  unique: boolean;
  method: string;
  keys: IndexKey[];
  include: string[];
  where?: string;
  nullsNotDistinct: boolean;
  /** Storage parameters, e.g. { fillfactor: '70' }. */
  with?: Record<string, string>;
  comment?: string;
  /**
   * Live side only: PostgreSQL does not use the index (a CREATE INDEX
   * CONCURRENTLY that failed or was interrupted left it INVALID). It never
   * equals a desired index, so a plan rebuilds it.
   */
  invalid?: true;
}

export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

/** CREATE [CONSTRAINT] TRIGGER on a table. */
export interface Trigger {
  name: string;
  timing: 'before' | 'after' | 'instead of';
  events: TriggerEvent[];
  /** UPDATE OF these columns only. */
  updateOf?: string[];
  level: 'row' | 'statement';
  /** Qualified: schema.name */
  function: string;
  arguments: string[];
  when?: string;
  oldTable?: string;
  newTable?: string;
  constraint: boolean;
  deferrable: boolean;
  initiallyDeferred: boolean;
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  comment?: string;
}

/** A row-level security policy. */
export interface Policy {
  name: string;
  permissive: boolean;
  command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** Role names; "public" means everyone. */
  roles: string[];
  using?: string;
  withCheck?: string;
  comment?: string;
}

export interface Table {
  name: string;
  comment?: string;
  /** Desired side only: the table's previous name in the same schema. */
  renamedFrom?: string;
  columns: Column[];
  primaryKey?: PrimaryKey;
  uniques: UniqueConstraint[];
  checks: CheckConstraint[];
  foreignKeys: ForeignKey[];
  exclusions: ExclusionConstraint[];
  indexes: Index[];
  triggers: Trigger[];
  /** CREATE RULE on the table (only when it has some). */
  rules?: Rule[];
  /** Only when true: not written to the WAL, emptied after a crash. */
  unlogged?: boolean;
  /** The index (or key) CLUSTER uses by default (ALTER TABLE ... CLUSTER ON); only when set. */
  clusterOn?: string;
  /** Only when true. */
  rowLevelSecurity?: boolean;
  forceRowLevelSecurity?: boolean;
  policies: Policy[];
  /** A partitioned table: its partition key as pg_get_partkeydef prints it, e.g. `RANGE (created_at)`. */
  partitionBy?: string;
  /** A partition: its parent and bound. Its columns are the parent's, so `columns` stays empty. */
  partitionOf?: PartitionOf;
  /** Traditional inheritance (INHERITS), parents in order. `columns` holds only the table's own. */
  inherits?: Array<{ schema: string; table: string }>;
  grants?: Grant[];
}

export interface PartitionOf {
  schema: string;
  table: string;
  /** As pg_get_expr(relpartbound) prints it: `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `FOR VALUES WITH (...)` or `DEFAULT`. */
  bound: string;
  /**
   * Only when true, and only as read from a database: an interrupted
   * DETACH PARTITION ... CONCURRENTLY left the table half detached
   * (pg_inherits.inhdetachpending). Its rows are already out of the
   * parent's queries and no other partition of the parent can be detached
   * concurrently until `DETACH ... FINALIZE` completes it. Never equal to
   * an attached partition.
   */
  detachPending?: true;
}

export type Constraint =
  | ({ type: 'primary-key' } & PrimaryKey)
  | ({ type: 'unique' } & UniqueConstraint)
  | ({ type: 'check' } & CheckConstraint)
  | ({ type: 'foreign-key' } & ForeignKey)
  | ({ type: 'exclusion' } & ExclusionConstraint);

export function emptyModel(): Model {
  return { extensions: [], schemas: [] };
}

export function emptySchema(name: string): Schema {
  return { name, enums: [], domains: [], sequences: [], tables: [], views: [], functions: [] };
}
