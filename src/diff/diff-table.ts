import type { ColumnAspect, Change } from './changes.js';
import type { Column, Constraint, Index, PartitionOf, Rule, Table, Trigger } from '../model/types.js';
import { tableKey } from '../model/names.js';
import { deepEqual as same, stableStringify } from '../model/canonical.js';
import { diffByKey } from './by-key.js';


/** The constraints of a table as one list, each tagged with its type. */
export function constraintsOf(table: Table): Constraint[] {
  return [
    ...(table.primaryKey ? [{ type: 'primary-key' as const, ...table.primaryKey }] : []),
    ...table.uniques.map((u) => ({ type: 'unique' as const, ...u })),
    ...table.checks.map((c) => ({ type: 'check' as const, ...c })),
    ...table.foreignKeys.map((f) => ({ type: 'foreign-key' as const, ...f })),
    ...(table.exclusions ?? []).map((x) => ({ type: 'exclusion' as const, ...x })),
  ];
}

function withoutName<T extends { name: string }>(x: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = x;
  return rest;
}

/** What differs between two versions of one column. */
export function columnAspects(from: Column, to: Column): ColumnAspect[] {
  const aspects: ColumnAspect[] = [];
  if (from.type !== to.type) aspects.push('type');
  if (from.collation !== to.collation) aspects.push('collation');
  if (from.generated !== to.generated) aspects.push('generated');
  if (!same(from.identity, to.identity)) aspects.push('identity');
  if (from.default !== to.default && to.generated === undefined) aspects.push('default');
  if (from.notNull !== to.notNull) aspects.push('not-null');
  if (from.statistics !== to.statistics) aspects.push('statistics');
  // A type change gives the column its new type's storage: state it again after.
  if (from.storage !== to.storage || (to.storage !== undefined && aspects.includes('type'))) aspects.push('storage');
  if (from.compression !== to.compression) aspects.push('compression');
  if (!same(from.options ?? {}, to.options ?? {})) aspects.push('options');
  if (from.comment !== to.comment) aspects.push('comment');
  return aspects;
}

/**
 * Pair up removed and added items that differ only by name: renaming a
 * constraint or index is instant and keeps dependent objects, where drop +
 * create would rebuild an index or revalidate every row.
 */
function pairRenames<T extends { name: string }>(removed: T[], added: T[]): { renames: Array<[T, T]>; removed: T[]; added: T[] } {
  const renames: Array<[T, T]> = [];
  const left = [...added];
  const stillRemoved: T[] = [];
  for (const r of removed) {
    const shape = stableStringify(withoutName(r));
    const i = left.findIndex((a) => stableStringify(withoutName(a)) === shape);
    if (i >= 0) renames.push([r, left.splice(i, 1)[0]!]);
    else stillRemoved.push(r);
  }
  return { renames, removed: stillRemoved, added: left };
}

/**
 * Changes that turn `from` into `to` for one table that exists on both sides
 * (after any rename). `from` uses the live names; the table name used in the
 * changes is the new one.
 */
export function diffTable(schema: string, from: Table, to: Table): Change[] {
  const changes: Change[] = [];
  const table = to.name;
  if (from.comment !== to.comment) changes.push({ kind: 'set-table-comment', schema, table, comment: to.comment });

  if (!samePartition(from.partitionOf, to.partitionOf)) {
    changes.push({ kind: 'set-partition', schema, table, ...(from.partitionOf && { from: from.partitionOf }), ...(to.partitionOf && { to: to.partitionOf }) });
  }
  // A partition's columns are its parent's: nothing to compare (and a table
  // that is attached keeps the columns it has).
  const columnsOwned = !from.partitionOf && !to.partitionOf;
  const fromColumns = new Map((columnsOwned ? from.columns : []).map((c) => [c.name, c]));
  const matched = new Set<string>();
  // Backups of a column's values are keyed by the primary key as it is now.
  const key = from.primaryKey?.columns.map((name) => ({ name, type: from.columns.find((c) => c.name === name)!.type }));
  for (const column of columnsOwned ? to.columns : []) {
    let previous = fromColumns.get(column.name);
    if (!previous && column.renamedFrom && fromColumns.has(column.renamedFrom)) {
      previous = fromColumns.get(column.renamedFrom)!;
      changes.push({ kind: 'rename-column', schema, table, from: previous.name, to: column.name });
    }
    if (!previous) {
      changes.push({ kind: 'add-column', schema, table, column });
      continue;
    }
    matched.add(previous.name);
    const aspects = columnAspects(previous, column);
    if (aspects.length) {
      changes.push({ kind: 'alter-column', schema, table, from: { ...previous, name: column.name }, to: column, aspects, ...(key && { key }) });
    }
  }
  for (const column of columnsOwned ? from.columns : []) {
    if (!matched.has(column.name)) changes.push({ kind: 'drop-column', schema, table, column, ...(key && { key }) });
  }

  changes.push(...diffConstraints(schema, table, constraintsOf(from), constraintsOf(to)));
  changes.push(...diffIndexes(schema, table, from.indexes, to.indexes));
  changes.push(...diffTriggers(schema, table, from.triggers ?? [], to.triggers ?? []));
  changes.push(...diffRules(schema, table, from.rules ?? [], to.rules ?? [], false));
  const parentKey = (p: { schema: string; table: string }) => tableKey(p.schema, p.table);
  const fromParents = new Set((from.inherits ?? []).map(parentKey));
  const toParents = new Set((to.inherits ?? []).map(parentKey));
  const add = (to.inherits ?? []).filter((p) => !fromParents.has(parentKey(p)));
  const remove = (from.inherits ?? []).filter((p) => !toParents.has(parentKey(p)));
  if (add.length || remove.length) changes.push({ kind: 'set-inheritance', schema, table, add, remove });
  if ((from.unlogged ?? false) !== (to.unlogged ?? false)) changes.push({ kind: 'set-table-logging', schema, table, unlogged: to.unlogged ?? false });
  if (from.clusterOn !== to.clusterOn) changes.push({ kind: 'set-table-cluster', schema, table, ...(to.clusterOn !== undefined && { index: to.clusterOn }) });
  if ((from.rowLevelSecurity ?? false) !== (to.rowLevelSecurity ?? false) || (from.forceRowLevelSecurity ?? false) !== (to.forceRowLevelSecurity ?? false)) {
    changes.push({ kind: 'set-row-level-security', schema, table, enabled: to.rowLevelSecurity ?? false, forced: to.forceRowLevelSecurity ?? false });
  }
  // A changed policy is dropped and created again: the command and kind cannot be altered.
  const policies = diffKeyed(from.policies ?? [], to.policies ?? []);
  const dropped = [...policies.removed, ...policies.renames.map(([a]) => a)];
  const created = [...policies.added, ...policies.renames.map(([, b]) => b)];
  changes.push(...dropped.map((policy): Change => ({ kind: 'drop-policy', schema, table, policy })));
  changes.push(...created.map((policy): Change => ({ kind: 'create-policy', schema, table, policy })));
  return changes;
}

interface KeyedDiff<T> {
  renames: Array<[T, T]>;
  removed: T[];
  added: T[];
  /** Present on both sides, equal but for what `ignore` strips (e.g. a comment). */
  retouched: Array<[T, T]>;
}

/**
 * Match two lists by name. Changed items become remove + add (constraints
 * and indexes cannot be altered in place); then removes and adds with the
 * same definition under another name become renames.
 */
function diffKeyed<T extends { name: string }>(from: T[], to: T[], ignore: (x: T) => unknown = (x) => x): KeyedDiff<T> {
  const byName = new Map(from.map((x) => [x.name, x]));
  const toNames = new Set(to.map((x) => x.name));
  const removed: T[] = [];
  const added: T[] = [];
  const retouched: Array<[T, T]> = [];
  for (const item of to) {
    const previous = byName.get(item.name);
    if (!previous) added.push(item);
    else if (!same(ignore(previous), ignore(item))) {
      removed.push(previous);
      added.push(item);
    } else if (!same(previous, item)) retouched.push([previous, item]);
  }
  for (const x of from) if (!toNames.has(x.name)) removed.push(x);
  const paired = pairRenames(removed.filter((r) => !toNames.has(r.name)), added.filter((a) => !byName.has(a.name)));
  const renamedAway = new Set(paired.renames.map(([a]) => a.name));
  const renamedTo = new Set(paired.renames.map(([, b]) => b.name));
  return {
    renames: paired.renames,
    removed: removed.filter((x) => !renamedAway.has(x.name)),
    added: added.filter((x) => !renamedTo.has(x.name)),
    retouched,
  };
}

/**
 * Whether a check or foreign key is validated is not part of what it is: a
 * NOT VALID one that should be valid is validated in place (no drop, no
 * rebuild), and a file that says `validated: false` accepts a constraint
 * that has been validated since (it only does not ask for the scan).
 */
function diffConstraints(schema: string, table: string, from: Constraint[], to: Constraint[]): Change[] {
  const d = diffKeyed(from, to, (c) => ({ ...c, comment: undefined, validated: undefined }));
  const validation = (c: Constraint) => (c.type === 'check' || c.type === 'foreign-key' ? c.validated : undefined);
  return [
    ...d.renames.map(([a, b]): Change => ({ kind: 'rename-constraint', schema, table, from: a.name, to: b.name })),
    ...d.retouched.flatMap(([a, c]): Change[] => [
      ...(a.comment !== c.comment ? [{ kind: 'set-constraint-comment' as const, schema, table, constraint: c.name, comment: c.comment }] : []),
      ...(validation(a) === false && validation(c) !== false && (c.type === 'check' || c.type === 'foreign-key')
        ? [{ kind: 'validate-constraint' as const, schema, table, constraint: c.name, type: c.type }] : []),
    ]),
    ...d.removed.map((constraint): Change => ({ kind: 'drop-constraint', schema, table, constraint })),
    ...d.added.map((constraint): Change => ({ kind: 'add-constraint', schema, table, constraint })),
  ];
}

export function diffIndexes(schema: string, table: string, from: Index[], to: Index[]): Change[] {
  const d = diffKeyed(from, to, (i) => ({ ...i, comment: undefined }));
  return [
    ...d.renames.map(([a, b]): Change => ({ kind: 'rename-index', schema, table, from: a.name, to: b.name })),
    ...d.retouched.map(([, i]): Change => ({ kind: 'set-index-comment', schema, table, index: i.name, comment: i.comment })),
    ...d.removed.map((index): Change => ({ kind: 'drop-index', schema, table, index })),
    ...d.added.map((index): Change => ({ kind: 'create-index', schema, table, index })),
  ];
}

/** A changed definition is replaced in place (CREATE OR REPLACE RULE), as are the enabled state and comment. */
export function diffRules(schema: string, table: string, from: Rule[], to: Rule[], onView: boolean): Change[] {
  const view = onView ? { onView: true } : {};
  return diffByKey(from, to, {
    create: (rule) => ({ kind: 'create-rule', schema, table, rule, ...view }),
    drop: (rule) => ({ kind: 'drop-rule', schema, table, rule, ...view }),
    rebuilds: () => false,
    alter: (previous, next) => (same(previous, next) ? undefined : { kind: 'alter-rule', schema, table, from: previous, to: next, ...view }),
  });
}

/** Enabled state and comment change in place; anything else is drop + create. */
export function diffTriggers(schema: string, table: string, from: Trigger[], to: Trigger[]): Change[] {
  const d = diffKeyed(from, to, (t) => ({ ...t, enabled: undefined, comment: undefined }));
  const previous = new Map(from.map((t) => [t.name, t]));
  return [
    ...d.renames.flatMap(([a, b]): Change[] => [{ kind: 'drop-trigger', schema, table, trigger: a }, { kind: 'create-trigger', schema, table, trigger: b }]),
    ...d.retouched.map(([a, b]): Change => ({ kind: 'alter-trigger', schema, table, from: previous.get(a.name)!, to: b })),
    ...d.removed.map((trigger): Change => ({ kind: 'drop-trigger', schema, table, trigger })),
    ...d.added.map((trigger): Change => ({ kind: 'create-trigger', schema, table, trigger })),
  ];
}

function samePartition(a: PartitionOf | undefined, b: PartitionOf | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.schema === b.schema && a.table === b.table && a.bound === b.bound && !a.detachPending && !b.detachPending);
}
