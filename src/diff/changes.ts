import type {
  Aggregate, Collation, Column, RangeType, Rule, TextSearchConfiguration, TextSearchDictionary, CompositeType, Constraint, DefaultPrivilegeObjects, Domain, EnumType, Grant, PartitionOf, Policy, Routine, Trigger, View, Extension, Index, Sequence, Table,
} from '../model/types.js';
import { routineKey } from '../model/canonical.js';

/**
 * The change vocabulary: one variant per operation. The differ produces
 * these, the dependency graph (src/graph) orders them, the planner renders them; a `switch` over `kind` with a
 * `never` default keeps every consumer exhaustive.
 */
export type Change =
  | { kind: 'create-schema'; schema: string; comment?: string }
  | { kind: 'drop-schema'; schema: string }
  | { kind: 'rename-schema'; from: string; to: string }
  | { kind: 'set-schema-comment'; schema: string; comment?: string }
  | { kind: 'create-extension'; extension: Extension }
  | { kind: 'drop-extension'; extension: Extension }
  | { kind: 'alter-extension'; from: Extension; to: Extension }
  | { kind: 'create-enum'; schema: string; enum: EnumType }
  | { kind: 'drop-enum'; schema: string; enum: EnumType }
  | { kind: 'add-enum-value'; schema: string; enum: string; value: string; before?: string; after?: string }
  | { kind: 'set-enum-comment'; schema: string; enum: string; comment?: string }
  | { kind: 'create-domain'; schema: string; domain: Domain }
  | { kind: 'drop-domain'; schema: string; domain: Domain; rebuild?: boolean }
  | { kind: 'alter-domain'; schema: string; from: Domain; to: Domain }
  | { kind: 'create-view'; schema: string; view: View }
  /** because: what it is rebuilt for (`column public.t.a`), when that is not its own definition. */
  | { kind: 'drop-view'; schema: string; view: View; rebuild?: boolean; because?: string }
  /** The view's comment and its columns' comments, where they differ from `from`'s. */
  | { kind: 'set-view-comment'; schema: string; from: View; view: View }
  /** replace: CREATE OR REPLACE, keeping the routine's identity, privileges and dependents. */
  | { kind: 'create-function'; schema: string; routine: Routine; replace?: boolean }
  /** rebuild: created again below (what used it comes off before and goes back after). */
  | { kind: 'drop-function'; schema: string; routine: Routine; rebuild?: boolean; because?: string }
  | { kind: 'create-sequence'; schema: string; sequence: Sequence }
  | { kind: 'drop-sequence'; schema: string; sequence: Sequence }
  /** restart: the sequence was never used and its old START lies outside the new range (see withSequenceRestarts). */
  | { kind: 'alter-sequence'; schema: string; from: Sequence; to: Sequence; restart?: true }
  | { kind: 'create-table'; schema: string; table: Table }
  | { kind: 'drop-table'; schema: string; table: Table }
  | { kind: 'rename-table'; schema: string; from: string; to: string }
  | { kind: 'set-table-comment'; schema: string; table: string; comment?: string }
  /** deferNotNull: added nullable, made NOT NULL by a later step once its values are restored. */
  | { kind: 'add-column'; schema: string; table: string; column: Column; deferNotNull?: boolean }
  | { kind: 'drop-column'; schema: string; table: string; column: Column; key?: KeyColumn[] }
  | { kind: 'rename-column'; schema: string; table: string; from: string; to: string }
  | {
    kind: 'alter-column'; schema: string; table: string; from: Column; to: Column; aspects: ColumnAspect[]; key?: KeyColumn[];
    /** Rollback of a lossy type change: the new values come from the backup (through `helper`, a scratch column) where it has them. */
    restoreFrom?: { key: KeyColumn[]; backup: BackupRef; helper: string };
    /** Online SET NOT NULL: the validated CHECK (col IS NOT NULL) that lets PostgreSQL skip its scan of the rows. */
    provenBy?: string;
    /** The identity's sequence was never used and its old START lies outside the new range: restarted at the new START. */
    restart?: true;
  }
  /** usingIndex: the constraint takes over the unique index of its name, built concurrently by an earlier step. */
  | { kind: 'add-constraint'; schema: string; table: string; constraint: Constraint; usingIndex?: true }
  | { kind: 'drop-constraint'; schema: string; table: string; constraint: Constraint }
  /** ALTER TABLE ... VALIDATE CONSTRAINT: scans the rows under a lock that lets reads and writes go on. */
  | { kind: 'validate-constraint'; schema: string; table: string; constraint: string; type: 'check' | 'foreign-key' }
  | { kind: 'create-trigger'; schema: string; table: string; trigger: Trigger; onView?: boolean }
  | { kind: 'drop-trigger'; schema: string; table: string; trigger: Trigger }
  | { kind: 'alter-trigger'; schema: string; table: string; from: Trigger; to: Trigger }
  | { kind: 'create-rule'; schema: string; table: string; rule: Rule; onView?: boolean }
  /** CREATE OR REPLACE RULE where the definition changed; enabled state and comment in place. */
  | { kind: 'alter-rule'; schema: string; table: string; from: Rule; to: Rule; onView?: boolean }
  | { kind: 'drop-rule'; schema: string; table: string; rule: Rule; onView?: boolean }
  | { kind: 'create-policy'; schema: string; table: string; policy: Policy }
  | { kind: 'drop-policy'; schema: string; table: string; policy: Policy }
  | { kind: 'set-row-level-security'; schema: string; table: string; enabled: boolean; forced: boolean }
  | { kind: 'set-table-logging'; schema: string; table: string; unlogged: boolean }
  | { kind: 'set-table-cluster'; schema: string; table: string; index?: string }
  | { kind: 'set-inheritance'; schema: string; table: string; add: Array<{ schema: string; table: string }>; remove: Array<{ schema: string; table: string }> }
  | { kind: 'grant-privileges' | 'revoke-privileges'; schema: string; target: GrantTargetRef; grant: Grant }
  /** Detach from `from` and/or attach to `to`: a partition's parent or bound changes, or a table becomes or stops being a partition. */
  /** provenBy: a validated check matching the bound, from which ATTACH proves it without a scan (online). */
  /** concurrently: DETACH ... CONCURRENTLY, outside any transaction (an interrupted detach leaves it pending; FINALIZE completes it). */
  | { kind: 'set-partition'; schema: string; table: string; from?: PartitionOf; to?: PartitionOf; provenBy?: string; concurrently?: true }
  /** concurrently: built without blocking writes, outside any transaction (an interrupted build leaves it INVALID). */
  | { kind: 'create-index'; schema: string; table: string; index: Index; concurrently?: true }
  | { kind: 'drop-index'; schema: string; table: string; index: Index; concurrently?: true }
  | { kind: 'rename-index'; schema: string; table: string; from: string; to: string }
  | { kind: 'set-index-comment'; schema: string; table: string; index: string; comment?: string }
  | { kind: 'rename-constraint'; schema: string; table: string; from: string; to: string }
  | { kind: 'set-constraint-comment'; schema: string; table: string; constraint: string; comment?: string }
  | { kind: 'create-composite'; schema: string; composite: CompositeType }
  | { kind: 'drop-composite'; schema: string; composite: CompositeType }
  /** Attributes added, dropped or retyped in place (ALTER TYPE ... ATTRIBUTE), and the comment. */
  | { kind: 'alter-composite'; schema: string; from: CompositeType; to: CompositeType }
  | { kind: 'create-ts-dictionary'; schema: string; dictionary: TextSearchDictionary }
  /** Options and comment, in place. */
  | { kind: 'alter-ts-dictionary'; schema: string; from: TextSearchDictionary; to: TextSearchDictionary }
  /** rebuild: dropped only to be created again with another template. */
  | { kind: 'drop-ts-dictionary'; schema: string; dictionary: TextSearchDictionary; rebuild?: boolean }
  | { kind: 'create-ts-configuration'; schema: string; configuration: TextSearchConfiguration }
  /** Mappings and comment, in place. */
  | { kind: 'alter-ts-configuration'; schema: string; from: TextSearchConfiguration; to: TextSearchConfiguration }
  /** rebuild: dropped only to be created again with another parser. */
  | { kind: 'drop-ts-configuration'; schema: string; configuration: TextSearchConfiguration; rebuild?: boolean }
  | { kind: 'create-aggregate'; schema: string; aggregate: Aggregate }
  /** rebuild: dropped only to be created again with another definition. */
  | { kind: 'drop-aggregate'; schema: string; aggregate: Aggregate; rebuild?: boolean }
  | { kind: 'set-aggregate-comment'; schema: string; aggregate: Aggregate }
  | { kind: 'create-range'; schema: string; range: RangeType }
  /** rebuild: dropped only to be created again with another definition. */
  | { kind: 'drop-range'; schema: string; range: RangeType; rebuild?: boolean }
  | { kind: 'set-range-comment'; schema: string; range: RangeType }
  | { kind: 'create-collation'; schema: string; collation: Collation }
  /** rebuild: dropped only to be created again with another definition. */
  | { kind: 'drop-collation'; schema: string; collation: Collation; rebuild?: boolean }
  | { kind: 'set-collation-comment'; schema: string; collation: Collation }
  | { kind: 'recreate-enum'; schema: string; from: EnumType; to: EnumType; columns: EnumColumnUse[] }
  /** Before an enum loses values: a nullable column's rows holding them get NULL (array columns lose those elements). */
  | { kind: 'clear-enum-values'; schema: string; enum: string; values: string[]; use: EnumColumnUse }
  | RestoreChange;

/** Rollback only: put backed-up data back after the object is recreated. */
export type RestoreChange =
  | { kind: 'restore-table'; schema: string; table: Table; backup: BackupRef }
  | { kind: 'restore-column'; schema: string; table: string; column: Column; key: KeyColumn[]; backup: BackupRef };

export interface KeyColumn {
  name: string;
  type: string;
}

export interface BackupRef {
  /** Table in the tool's schema holding the saved rows, values cast to text. */
  relation: string;
  columns: string[];
  takenBy: string;
  /** Columns the backup holds under another name (renamed since): name where restored → name in the backup. */
  names?: Record<string, string>;
  /** Restore only rows whose value is still what the apply left, keeping values changed since. */
  keepNewer?: boolean;
}

/** A column's name in a backup relation. */
export const savedName = (backup: BackupRef, column: string) => backup.names?.[column] ?? column;

/** A column whose type is (an array of) an enum being recreated. */
export interface EnumColumnUse {
  schema: string;
  table: string;
  column: string;
  type: string;
  /** The live default, taken off before the conversion. */
  default?: string;
  /** The default put back after it: the file's (null: none), when the file keeps the column of this type; else the live one. */
  defaultAfter?: string | null;
  notNull: boolean;
  /** The table's primary key, to back values up by. */
  key?: KeyColumn[];
}

export type ColumnAspect = 'type' | 'default' | 'not-null' | 'identity' | 'generated' | 'collation' | 'statistics' | 'storage' | 'compression' | 'options' | 'comment';

export type ChangeKind = Change['kind'];

/** The object a change acts on, for grouping in the plan's rendering. */
export type GrantTargetRef =
  | { type: 'table' | 'view' | 'sequence' | 'enum' | 'domain' | 'type'; name: string }
  | { type: 'function'; name: string; routine: Routine }
  /** `name` is the schema's. */
  | { type: 'schema'; name: string }
  /** What `role` creates in the schema later; `name` reads "tables created by app". */
  | { type: 'default-privileges'; name: string; role: string; on: DefaultPrivilegeObjects };

export interface ObjectRef {
  type: 'schema' | 'extension' | 'enum' | 'domain' | 'sequence' | 'table' | 'view' | 'function' | 'collation' | 'type'
    | 'text search dictionary' | 'text search configuration' | 'aggregate';
  schema?: string;
  name: string;
}

/**
 * How a set-partition change detaches its table, if it does: FINALIZE when
 * an interrupted concurrent detach left it pending (whatever else the
 * change asks), CONCURRENTLY when the online plan chose it, else plain.
 * The one place the SQL, the locks, the hazards and the description read it from.
 */
export function detachForm(change: Extract<Change, { kind: 'set-partition' }>): 'plain' | 'concurrently' | 'finalize' | undefined {
  if (!change.from) return undefined;
  return change.from.detachPending ? 'finalize' : change.concurrently ? 'concurrently' : 'plain';
}

/** A drop that only makes way for the same object to be created again (`rebuild`), not a drop for good. */
export function rebuilds(change: Change): boolean {
  return change.kind.startsWith('drop-') && 'rebuild' in change && change.rebuild === true;
}

export function objectOf(change: Change): ObjectRef {
  switch (change.kind) {
    case 'create-schema':
    case 'drop-schema':
    case 'set-schema-comment':
      return { type: 'schema', name: change.schema };
    case 'rename-schema':
      return { type: 'schema', name: change.to };
    case 'create-extension':
    case 'drop-extension':
      return { type: 'extension', name: change.extension.name };
    case 'alter-extension':
      return { type: 'extension', name: change.to.name };
    case 'create-enum':
    case 'drop-enum':
      return { type: 'enum', schema: change.schema, name: change.enum.name };
    case 'recreate-enum':
      return { type: 'enum', schema: change.schema, name: change.to.name };
    case 'add-enum-value':
    case 'set-enum-comment':
      return { type: 'enum', schema: change.schema, name: change.enum };
    case 'clear-enum-values':
      return { type: 'table', schema: change.use.schema, name: change.use.table };
    case 'create-collation':
    case 'drop-collation':
    case 'set-collation-comment':
      return { type: 'collation', schema: change.schema, name: change.collation.name };
    case 'create-composite':
    case 'drop-composite':
      return { type: 'type', schema: change.schema, name: change.composite.name };
    case 'alter-composite':
      return { type: 'type', schema: change.schema, name: change.to.name };
    case 'create-range':
    case 'drop-range':
    case 'set-range-comment':
      return { type: 'type', schema: change.schema, name: change.range.name };
    case 'create-aggregate':
    case 'drop-aggregate':
    case 'set-aggregate-comment':
      return { type: 'aggregate', schema: change.schema, name: routineKey(change.aggregate) };
    case 'create-ts-dictionary':
    case 'drop-ts-dictionary':
      return { type: 'text search dictionary', schema: change.schema, name: change.dictionary.name };
    case 'alter-ts-dictionary':
      return { type: 'text search dictionary', schema: change.schema, name: change.to.name };
    case 'create-ts-configuration':
    case 'drop-ts-configuration':
      return { type: 'text search configuration', schema: change.schema, name: change.configuration.name };
    case 'alter-ts-configuration':
      return { type: 'text search configuration', schema: change.schema, name: change.to.name };
    case 'create-domain':
    case 'drop-domain':
      return { type: 'domain', schema: change.schema, name: change.domain.name };
    case 'alter-domain':
      return { type: 'domain', schema: change.schema, name: change.to.name };
    case 'create-view':
    case 'drop-view':
    case 'set-view-comment':
      return { type: 'view', schema: change.schema, name: change.view.name };
    case 'create-function':
    case 'drop-function':
      return { type: 'function', schema: change.schema, name: `${change.routine.name}(${change.routine.arguments})` };
    case 'create-sequence':
    case 'drop-sequence':
      return { type: 'sequence', schema: change.schema, name: change.sequence.name };
    case 'alter-sequence':
      return { type: 'sequence', schema: change.schema, name: change.to.name };
    case 'create-table':
    case 'drop-table':
    case 'restore-table':
      return { type: 'table', schema: change.schema, name: change.table.name };
    case 'rename-table':
      return { type: 'table', schema: change.schema, name: change.to };
    case 'grant-privileges':
    case 'revoke-privileges':
      // A schema's privileges and defaults are part of the schema.
      return change.target.type === 'schema' || change.target.type === 'default-privileges'
        ? { type: 'schema', name: change.schema }
        : { type: change.target.type, schema: change.schema, name: change.target.name };
    case 'create-trigger':
    case 'create-rule':
    case 'alter-rule':
    case 'drop-rule':
      return { type: change.onView ? 'view' : 'table', schema: change.schema, name: change.table };
    default:
      return { type: 'table', schema: change.schema, name: change.table };
  }
}

export function describeObject(ref: ObjectRef): string {
  return ref.schema === undefined ? `${ref.type} ${ref.name}` : `${ref.type} ${ref.schema}.${ref.name}`;
}

/** Create, change or destroy: the symbol a reviewer sees beside the object. */
export function actionOf(change: Change): 'create' | 'update' | 'delete' {
  switch (change.kind) {
    case 'create-schema':
    case 'create-extension':
    case 'create-enum':
    case 'create-domain':
    case 'create-sequence':
    case 'create-table':
    case 'create-collation':
    case 'create-composite':
    case 'create-range':
    case 'create-aggregate':
    case 'create-ts-dictionary':
    case 'create-ts-configuration':
      return 'create';
    case 'drop-range':
    case 'drop-aggregate':
    case 'drop-ts-dictionary':
    case 'drop-ts-configuration':
      return change.rebuild ? 'update' : 'delete';
    case 'drop-composite':
      return 'delete';
    case 'drop-collation':
      return change.rebuild ? 'update' : 'delete';
    case 'create-view':
    case 'drop-view':
      return change.kind === 'drop-view' && !change.rebuild ? 'delete' : 'create';
    case 'create-function':
      return change.replace ? 'update' : 'create';
    case 'drop-function':
      return change.rebuild ? 'update' : 'delete';
    case 'drop-schema':
    case 'drop-extension':
    case 'drop-enum':
    case 'drop-domain':
    case 'drop-sequence':
    case 'drop-table':
      return 'delete';
    default:
      return 'update';
  }
}
