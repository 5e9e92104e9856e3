import type { Change, EnumColumnUse } from './changes.js';
import { wantedExtensionComment } from '../model/extension-comment.js';
import { append } from '../arrays.js';
import type { EnumType, Extension, Model, Schema, Table } from '../model/types.js';
import { emptySchema } from '../model/types.js';
import { deepEqual as same, routineKey } from '../model/canonical.js';
import { diffTextSearch } from './diff-text-search.js';
import { diffUnalterable } from './by-key.js';
import { displayUserType } from '../normalize/type-names.js';
import { relationText, splitRelationText } from '../model/names.js';
import { quoteIdent } from '../sql/quote.js';
import { constraintsOf, diffTable } from './diff-table.js';
import { diffViews } from './diff-views.js';
import { diffGrants } from './diff-grants.js';
import { SchemaformError } from '../errors.js';
import { withRowColumns } from '../model/row-columns.js';
import { withDependentsRebuilt } from '../graph/cascade.js';
import { inPlanNames, modelDependents, type LiveDependent } from '../graph/facts.js';


/**
 * Pure: the changes that turn `from` (usually the live database) into `to`
 * (usually the desired schema). Deterministic: the same inputs give the same
 * list in the same order. When the changes run is the dependency graph's business (src/graph).
 */
export function diffModels(current: Model, to: Model, options: DiffOptions = {}): Change[] {
  const { changes, from } = diffObjects(current, to, options);
  return completeChanges(changes, from, to, inPlanNames(changes, options.dependents ?? modelDependents(from)), options);
}

/**
 * The changes to each object on its own, without what they take along:
 * `from` is the live model as the changes speak of it (after schema renames).
 */
export function diffObjects(current: Model, to: Model, options: DiffOptions = {}): { changes: Change[]; from: Model } {
  const changes: Change[] = [];
  const { renames, model: from } = applySchemaRenames(current, to);
  append(changes, renames);
  append(changes, diffExtensions(from.extensions, to.extensions));
  const fromSchemas = new Map(from.schemas.map((s) => [s.name, s]));
  const toNames = new Set(to.schemas.map((s) => s.name));
  for (const schema of to.schemas) {
    const previous = fromSchemas.get(schema.name);
    if (!previous) {
      changes.push({ kind: 'create-schema', schema: schema.name, ...(schema.comment !== undefined && { comment: schema.comment }) });
    } else if (schema.comment !== undefined && (previous.comment ?? '') !== schema.comment) {
      // Schemas come with comments of their own (public's "standard public
      // schema"), so a schema's comment is only managed when the file sets
      // one; "" is none (PostgreSQL stores an empty comment as none).
      changes.push({ kind: 'set-schema-comment', schema: schema.name, comment: schema.comment });
    }
    append(changes, diffSchema(previous ?? emptySchema(schema.name), schema, from, to, options));
  }
  for (const schema of from.schemas) {
    if (toNames.has(schema.name)) continue;
    append(changes, diffSchema(schema, emptySchema(schema.name), from, to, options));
    changes.push({ kind: 'drop-schema', schema: schema.name });
  }
  const enums = enumTypeNames(from, to);
  const direct = withEnumUsesSettled(withoutImplicitSequenceDrops(changes))
    .map((c) => withExplicitCast(c, enums))
    // The rows of a dropped partition are backed up with its parent's columns.
    .map((c) => (c.kind === 'drop-table' && (c.table.partitionOf || c.table.inherits) ? { ...c, table: withRowColumns(c.table, from) } : c));
  return { changes: [...direct, ...diffViews(from, to)], from };
}

/**
 * Add what the changes take along: dependents taken off and put back
 * around what they depend on (from the facts in `dependents`, in the
 * plan's names: inPlanNames), then the privileges every object ends with.
 */
export function completeChanges(direct: readonly Change[], from: Model, to: Model, dependents: readonly LiveDependent[], options: DiffOptions = {}): Change[] {
  const structural = withClusterMarks(withDependentsRebuilt(direct, from, to, dependents), to);
  return [...structural, ...diffGrants(from, to, structural, options.role, options.managedRoles)];
}

/**
 * A table's CLUSTER ON mark lives on its index: a table the plan creates,
 * or whose cluster index the plan drops and creates again (directly or to
 * rebuild what it depends on), is marked once more after.
 */
function withClusterMarks(changes: Change[], to: Model): Change[] {
  const marked = new Set<string>(changes.flatMap((c) => (c.kind === 'set-table-cluster' ? [`${c.schema}\u0000${c.table}`] : [])));
  const wanted = new Map<string, string>(to.schemas.flatMap((s) => s.tables.flatMap((t) => (t.clusterOn !== undefined ? [[`${s.name}\u0000${t.name}`, t.clusterOn] as [string, string]] : []))));
  const again = new Map<string, { schema: string; table: string; index: string }>();
  for (const c of changes) {
    // The table the change makes or takes an index (or key) off, and the name of that index: any, for a new table.
    const touched = c.kind === 'create-table' ? { schema: c.schema, table: c.table.name, index: undefined }
      : c.kind === 'drop-index' ? { schema: c.schema, table: c.table, index: c.index.name }
        : c.kind === 'drop-constraint' ? { schema: c.schema, table: c.table, index: c.constraint.name } : undefined;
    if (!touched) continue;
    const key = `${touched.schema}\u0000${touched.table}`;
    const index = wanted.get(key);
    if (index !== undefined && (touched.index === undefined || touched.index === index) && !marked.has(key)) again.set(key, { schema: touched.schema, table: touched.table, index });
  }
  return again.size ? [...changes, ...[...again.values()].map((m): Change => ({ kind: 'set-table-cluster', ...m }))] : changes;
}

/**
 * A schema with `renamedFrom` whose old name exists (and new name does not)
 * is renamed in place. The rest of the diff then compares against the live
 * model as it will be after the rename, references to the old name included.
 */
function applySchemaRenames(from: Model, to: Model): { renames: Change[]; model: Model } {
  const live = new Set(from.schemas.map((s) => s.name));
  const map = new Map<string, string>();
  for (const s of to.schemas) if (s.renamedFrom && live.has(s.renamedFrom) && !live.has(s.name)) map.set(s.renamedFrom, s.name);
  if (map.size === 0) return { renames: [], model: from };
  const rename = (schema: string) => map.get(schema) ?? schema;
  const typeNames = new Map<string, string>();
  for (const s of from.schemas) {
    if (!map.has(s.name)) continue;
    for (const t of [...s.enums, ...(s.domains ?? [])]) typeNames.set(displayUserType(s.name, t.name), displayUserType(rename(s.name), t.name));
  }
  const retype = (type: string) => {
    const base = type.replace(/(\[\])+$/, '');
    return (typeNames.get(base) ?? base) + type.slice(base.length);
  };
  const model: Model = {
    ...from,
    schemas: from.schemas.map((s) => ({
      ...s,
      name: rename(s.name),
      domains: (s.domains ?? []).map((d) => ({ ...d, type: retype(d.type) })),
      tables: s.tables.map((t) => ({
        ...t,
        columns: t.columns.map((c) => ({ ...c, type: retype(c.type) })),
        foreignKeys: t.foreignKeys.map((f) => ({ ...f, references: { ...f.references, schema: rename(f.references.schema) } })),
      })),
      views: (s.views ?? []).map((v) => ({ ...v, dependsOn: v.dependsOn?.map((d) => {
        const [schema, name] = splitRelationText(d);
        return relationText(rename(schema), name);
      }) })),
    })),
  };
  return { renames: [...map].map(([a, b]): Change => ({ kind: 'rename-schema', from: a, to: b })), model };
}

/**
 * A recreated enum converts the columns of that type, and clears removed
 * values from them first. A column the plan drops, or retypes to something
 * else, is none of its business: converting it would undo the retype, and
 * clearing it would lose values the retype keeps.
 */
function withEnumUsesSettled(changes: Change[]): Change[] {
  const key = (schema: string, table: string, column: string) => `${schema}\u0000${table}\u0000${column}`;
  const tablesGone = new Set(changes.flatMap((c) => (c.kind === 'drop-table' ? [`${c.schema}\u0000${c.table.name}`] : [])));
  const columnsGone = new Set(changes.flatMap((c) => (c.kind === 'drop-column' ? [key(c.schema, c.table, c.column.name)]
    : c.kind === 'alter-column' && c.aspects.includes('type') ? [key(c.schema, c.table, c.from.name)] : [])));
  if (tablesGone.size === 0 && columnsGone.size === 0) return changes;
  const kept = (u: EnumColumnUse) => !tablesGone.has(`${u.schema}\u0000${u.table}`) && !columnsGone.has(key(u.schema, u.table, u.column));
  return changes.flatMap((c): Change[] => {
    if (c.kind === 'clear-enum-values') return kept(c.use) ? [c] : [];
    if (c.kind === 'recreate-enum') return [{ ...c, columns: c.columns.filter(kept) }];
    return [c];
  });
}

/** DROP TABLE and DROP COLUMN take the sequences they own (serial columns) with them. */
function withoutImplicitSequenceDrops(changes: Change[]): Change[] {
  const gone = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'drop-table') gone.add(`${c.schema}\u0000${c.table.name}`);
    if (c.kind === 'drop-column') gone.add(`${c.schema}\u0000${c.table}\u0000${c.column.name}`);
  }
  return changes.filter((c) => !(c.kind === 'drop-sequence' && c.sequence.ownedBy && (
    gone.has(`${c.schema}\u0000${c.sequence.ownedBy.table}`) || gone.has(`${c.schema}\u0000${c.sequence.ownedBy.table}\u0000${c.sequence.ownedBy.column}`))));
}

function enumTypeNames(...models: Model[]): Set<string> {
  const names = new Set<string>();
  for (const m of models) for (const s of m.schemas) for (const e of s.enums) names.add(displayUserType(s.name, e.name));
  return names;
}

/**
 * Without USING, ALTER COLUMN TYPE accepts only assignment casts: text to
 * integer or boolean, say, is refused outright. An explicit cast converts
 * whatever PostgreSQL can convert (and fails, rolling back, on values it
 * cannot). There is no cast at all into or out of an enum, so those go
 * through text. A `using:` in the file wins.
 */
function withExplicitCast(change: Change, enums: Set<string>): Change {
  if (change.kind !== 'alter-column' || !change.aspects.includes('type') || change.to.using !== undefined) return change;
  const base = (t: string) => t.replace(/(\[\])+$/, '');
  const column = quoteIdent(change.to.name);
  if (!enums.has(base(change.from.type)) && !enums.has(base(change.to.type))) {
    return { ...change, to: { ...change.to, using: `${column}::${change.to.type}` } };
  }
  const array = change.to.type.endsWith('[]') ? '[]' : '';
  return { ...change, to: { ...change.to, using: `${column}::text${array}::${change.to.type}` } };
}

function diffExtensions(from: Extension[], to: Extension[]): Change[] {
  const changes: Change[] = [];
  const byName = new Map(from.map((e) => [e.name, e]));
  for (const ext of to) {
    const previous = byName.get(ext.name);
    if (!previous) changes.push({ kind: 'create-extension', extension: ext });
    // Unstated schema or version means "whatever is installed is fine".
    else if ((ext.version !== undefined && ext.version !== previous.version) || (ext.schema !== undefined && ext.schema !== previous.schema)
      || (previous.comment || undefined) !== wantedExtensionComment(previous, ext)) {
      changes.push({ kind: 'alter-extension', from: previous, to: ext });
    }
  }
  const toNames = new Set(to.map((e) => e.name));
  for (const ext of from) if (!toNames.has(ext.name)) changes.push({ kind: 'drop-extension', extension: ext });
  return changes;
}

function diffSchema(from: Schema, to: Schema, fromModel: Model, toModel: Model, options: DiffOptions): Change[] {
  const schema = to.name;
  const changes: Change[] = [];

  changes.push(...diffUnalterable(from.collations ?? [], to.collations ?? [], {
    create: (collation) => ({ kind: 'create-collation', schema, collation }),
    drop: (collation, rebuild) => ({ kind: 'drop-collation', schema, collation, ...(rebuild && { rebuild }) }),
    comment: (collation) => ({ kind: 'set-collation-comment', schema, collation }),
  }));
  changes.push(...diffTextSearch(from, to));
  changes.push(...diffUnalterable(from.aggregates ?? [], to.aggregates ?? [], {
    create: (aggregate) => ({ kind: 'create-aggregate', schema, aggregate }),
    drop: (aggregate, rebuild) => ({ kind: 'drop-aggregate', schema, aggregate, ...(rebuild && { rebuild }) }),
    comment: (aggregate) => ({ kind: 'set-aggregate-comment', schema, aggregate }),
  }, routineKey));
  // A range's privileges are compared with every type's (diff-grants.ts).
  changes.push(...diffUnalterable(from.ranges ?? [], to.ranges ?? [], {
    create: (range) => ({ kind: 'create-range', schema, range }),
    drop: (range, rebuild) => ({ kind: 'drop-range', schema, range, ...(rebuild && { rebuild }) }),
    comment: (range) => ({ kind: 'set-range-comment', schema, range }),
  }));

  const fromComposites = new Map((from.composites ?? []).map((t) => [t.name, t]));
  for (const t of to.composites ?? []) {
    const previous = fromComposites.get(t.name);
    if (!previous) changes.push({ kind: 'create-composite', schema, composite: t });
    else if (!same(previous, t)) changes.push({ kind: 'alter-composite', schema, from: previous, to: t });
  }
  const toComposites = new Set((to.composites ?? []).map((t) => t.name));
  for (const t of from.composites ?? []) if (!toComposites.has(t.name)) changes.push({ kind: 'drop-composite', schema, composite: t });

  const fromEnums = new Map(from.enums.map((e) => [e.name, e]));
  for (const e of to.enums) {
    const previous = fromEnums.get(e.name);
    if (!previous) changes.push({ kind: 'create-enum', schema, enum: e });
    else changes.push(...diffEnum(schema, previous, e, fromModel, toModel, options.recreateEnums?.has(displayUserType(schema, e.name)) ?? false));
  }
  const toEnums = new Set(to.enums.map((e) => e.name));
  for (const e of from.enums) if (!toEnums.has(e.name)) changes.push({ kind: 'drop-enum', schema, enum: e });

  // Base type or collation cannot change in place: the domain is rebuilt.
  const fromDomains = new Map((from.domains ?? []).map((d) => [d.name, d]));
  for (const d of to.domains ?? []) {
    const previous = fromDomains.get(d.name);
    if (!previous) changes.push({ kind: 'create-domain', schema, domain: d });
    else if (previous.type !== d.type || previous.collation !== d.collation) {
      changes.push({ kind: 'drop-domain', schema, domain: previous, rebuild: true }, { kind: 'create-domain', schema, domain: d });
    } else if (!same(previous, d)) changes.push({ kind: 'alter-domain', schema, from: previous, to: d });
  }
  const toDomains = new Set((to.domains ?? []).map((d) => d.name));
  for (const d of from.domains ?? []) if (!toDomains.has(d.name)) changes.push({ kind: 'drop-domain', schema, domain: d });

  // CREATE OR REPLACE keeps a routine's identity and dependents, but cannot
  // change what it returns or whether it is a procedure: those are rebuilt.
  const fromRoutines = new Map((from.functions ?? []).map((f) => [routineKey(f), f]));
  for (const f of to.functions ?? []) {
    const previous = fromRoutines.get(routineKey(f));
    if (!previous) changes.push({ kind: 'create-function', schema, routine: f });
    else if (previous.returns !== f.returns || previous.kind !== f.kind) {
      changes.push({ kind: 'drop-function', schema, routine: previous, rebuild: true }, { kind: 'create-function', schema, routine: f });
    } else if (!same(previous, f)) changes.push({ kind: 'create-function', schema, routine: f, replace: true });
  }
  const toRoutines = new Set((to.functions ?? []).map(routineKey));
  for (const f of from.functions ?? []) if (!toRoutines.has(routineKey(f))) changes.push({ kind: 'drop-function', schema, routine: f });

  const fromSequences = new Map(from.sequences.map((s) => [s.name, s]));
  for (const seq of to.sequences) {
    const previous = fromSequences.get(seq.name);
    if (!previous) changes.push({ kind: 'create-sequence', schema, sequence: seq });
    else if (!same(previous, seq)) changes.push({ kind: 'alter-sequence', schema, from: previous, to: seq });
  }
  const toSequences = new Set(to.sequences.map((s) => s.name));
  for (const seq of from.sequences) if (!toSequences.has(seq.name)) changes.push({ kind: 'drop-sequence', schema, sequence: seq });

  append(changes, diffTables(schema, from.tables, to.tables));
  return changes;
}

/** Tables in the order they can be created: a parent (of partitions or inheriting tables) before its children. */
function parentsFirst(schema: string, tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const depth = new Map<string, number>();
  const depthOf = (t: Table, seen: number): number => {
    const known = depth.get(t.name);
    if (known !== undefined) return known;
    const parents = [...(t.partitionOf ? [t.partitionOf] : []), ...(t.inherits ?? [])]
      .filter((p) => p.schema === schema && byName.has(p.table) && seen < 32);
    const d = parents.length ? 1 + Math.max(...parents.map((p) => depthOf(byName.get(p.table)!, seen + 1))) : 0;
    depth.set(t.name, d);
    return d;
  };
  return tables.map((t, i) => ({ t, i, d: depthOf(t, 0) })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.t);
}

/**
 * PostgreSQL cannot change a table's partition key, or make a table
 * partitioned or not, in place; rewriting it would be a data migration the
 * plan should not invent. Called on normalised models (spellings agree).
 */
export function refuseRepartitioning(from: Model, to: Model): void {
  const live = new Map(from.schemas.flatMap((s) => s.tables.map((t) => [`${s.name}\u0000${t.name}`, t] as const)));
  for (const s of to.schemas) {
    for (const table of s.tables) {
      const previous = live.get(`${s.name}\u0000${table.renamedFrom ?? table.name}`) ?? live.get(`${s.name}\u0000${table.name}`);
      if (!previous || (previous.partitionBy ?? null) === (table.partitionBy ?? null)) continue;
      throw new SchemaformError(`table ${s.name}.${table.name}: its partition key cannot change in place (${previous.partitionBy ?? 'not partitioned'} → ${table.partitionBy ?? 'not partitioned'})`, {
        hint: 'Declare the new layout as a table under another name, copy the rows across in a migration of your own, then drop the old table.',
      });
    }
  }
}

function diffTables(schema: string, from: Table[], to: Table[]): Change[] {
  const changes: Change[] = [];
  const byName = new Map(from.map((t) => [t.name, t]));
  const matched = new Set<string>();
  for (const table of parentsFirst(schema, to)) {
    let previous = byName.get(table.name);
    if (!previous && table.renamedFrom && byName.has(table.renamedFrom)) {
      previous = byName.get(table.renamedFrom)!;
      changes.push({ kind: 'rename-table', schema, from: previous.name, to: table.name });
    }
    if (!previous) {
      // Indexes and foreign keys of a new table are separate changes so the
      // planner can add them once every table they reference exists.
      changes.push({ kind: 'create-table', schema, table: { ...table, foreignKeys: [], indexes: [], triggers: [], rules: undefined, policies: [], rowLevelSecurity: undefined, forceRowLevelSecurity: undefined } });
      for (const fk of table.foreignKeys) changes.push({ kind: 'add-constraint', schema, table: table.name, constraint: { type: 'foreign-key', ...fk } });
      for (const index of table.indexes) changes.push({ kind: 'create-index', schema, table: table.name, index });
      for (const trigger of table.triggers ?? []) changes.push({ kind: 'create-trigger', schema, table: table.name, trigger });
      for (const rule of table.rules ?? []) changes.push({ kind: 'create-rule', schema, table: table.name, rule });
      for (const policy of table.policies ?? []) changes.push({ kind: 'create-policy', schema, table: table.name, policy });
      if (table.rowLevelSecurity || table.forceRowLevelSecurity) {
        changes.push({ kind: 'set-row-level-security', schema, table: table.name, enabled: table.rowLevelSecurity ?? false, forced: table.forceRowLevelSecurity ?? false });
      }
      continue;
    }
    matched.add(previous.name);
    // Most tables of a plan are unchanged: one structural comparison settles them.
    if (previous === table || (previous.name === table.name && same(previous, table))) continue;
    append(changes, diffTable(schema, { ...previous, name: table.name }, table));
  }
  const dropped = from.filter((t) => !matched.has(t.name));
  for (const table of dropped) {
    // A dropped table's foreign keys go first, with the other foreign-key
    // drops: the tables can then be dropped in any order, and keys they
    // pointed at can change before the tables go.
    for (const c of constraintsOf(table)) {
      if (c.type === 'foreign-key' && c.references.table !== table.name) {
        changes.push({ kind: 'drop-constraint', schema, table: table.name, constraint: c });
      }
    }
    changes.push({ kind: 'drop-table', schema, table });
  }
  return changes;
}

export interface DiffOptions {
  /** What in the live database depends on what (readDependents); without it, what the live model records. */
  dependents?: readonly LiveDependent[];
  /** The role that will run the changes: its default privileges are what the objects it creates start with. */
  role?: string;
  /**
   * Enums (as column types spell them) to recreate even where ADD VALUE
   * would do: a value added that way cannot be stored in the same transaction.
   */
  recreateEnums?: ReadonlySet<string>;
  /** Grant and revoke only privileges of these roles (the file's managedRoles); without it, every role's. */
  managedRoles?: readonly string[];
}

/**
 * Appending values (anywhere) is done in place with ADD VALUE. Removing or
 * reordering values needs a new type and every column using it converted.
 */
function diffEnum(schema: string, from: EnumType, to: EnumType, fromModel: Model, toModel: Model, recreate: boolean): Change[] {
  const changes: Change[] = [];
  if (isSubsequence(from.values, to.values) && !(recreate && from.values.length < to.values.length)) {
    const present = new Set(from.values);
    to.values.forEach((value, i) => {
      if (present.has(value)) return;
      // Anchor on the neighbour in the file so the server's order matches it.
      const change: Change = { kind: 'add-enum-value', schema, enum: to.name, value };
      if (i > 0) change.after = to.values[i - 1];
      else {
        const firstExisting = to.values.find((v) => present.has(v));
        if (firstExisting !== undefined) change.before = firstExisting;
      }
      changes.push(change);
      present.add(value);
    });
  } else {
    const columns = enumUses(fromModel, toModel, schema, from.name);
    const removed = from.values.filter((v) => !to.values.includes(v));
    // NOT NULL columns have nothing to put instead: the conversion fails if they hold a removed value.
    if (removed.length) for (const use of columns.filter((u) => !u.notNull)) changes.push({ kind: 'clear-enum-values', schema, enum: from.name, values: removed, use });
    changes.push({ kind: 'recreate-enum', schema, from, to, columns });
  }
  if (from.comment !== to.comment) changes.push({ kind: 'set-enum-comment', schema, enum: to.name, comment: to.comment });
  return changes;
}

function isSubsequence(small: string[], large: string[]): boolean {
  let i = 0;
  for (const v of large) if (i < small.length && small[i] === v) i++;
  return i === small.length;
}

/**
 * The columns of the live model that use the enum. Each is converted with
 * its default taken off and put back after: the file's default where the
 * file keeps the column of this type (none if it has none), else the live one.
 */
function enumUses(model: Model, desired: Model, schema: string, name: string): EnumColumnUse[] {
  const display = displayUserType(schema, name);
  const ofType = (type: string) => type === display || type.startsWith(display + '[');
  const wanted = (s: string, t: string, c: string) => desired.schemas.find((x) => x.name === s)?.tables.find((x) => x.name === t)?.columns.find((x) => x.name === c && ofType(x.type));
  const uses: EnumColumnUse[] = [];
  for (const s of model.schemas) {
    for (const t of s.tables) {
      const key = t.primaryKey?.columns.map((k) => ({ name: k, type: t.columns.find((c) => c.name === k)?.type ?? 'text' }));
      for (const c of t.columns) {
        if (ofType(c.type)) {
          const kept = wanted(s.name, t.name, c.name);
          uses.push({
            schema: s.name, table: t.name, column: c.name, type: c.type, ...(c.default !== undefined && { default: c.default }),
            ...(kept && { defaultAfter: kept.default ?? null }),
            notNull: c.notNull, ...(key && { key }),
          });
        }
      }
    }
  }
  return uses;
}
