import type { Change } from '../diff/changes.js';
import type { Model, Table } from '../model/types.js';
import { splitRelationText, tableKey } from '../model/names.js';
import { ids, type ObjectId } from './ids.js';

/**
 * Facts about the live database the planner cannot see in the models: which
 * objects depend on which. They come from pg_depend (readDependents); what
 * the live model records (a view's relations, a foreign key's key) stands
 * in where there is no database, as in pure tests.
 */

/** An object to look for dependents of, by name: a relation or one of its columns, a type, a routine (one overload, or all), a collation. */
export interface DependencySeed {
  kind: 'relation' | 'type' | 'routine' | 'collation';
  schema: string;
  name: string;
  /** Routines: the exact argument list (pg_get_function_arguments). */
  detail?: string;
  /** Relations: one column only. */
  column?: string;
}

export type ReferencedObject =
  | { kind: 'relation' | 'type' | 'routine' | 'collation'; schema: string; name: string }
  | { kind: 'column'; schema: string; table: string; column: string };

/** Something in the live database that must come off while what it depends on is dropped or rewritten. */
export type LiveDependent = DependentObject & { on: ReferencedObject };

export type DependentObject =
  | { kind: 'view'; schema: string; name: string }
  | { kind: 'routine'; schema: string; name: string; arguments: string }
  | { kind: 'default'; schema: string; table: string; column: string }
  | { kind: 'constraint' | 'index' | 'trigger' | 'policy'; schema: string; table: string; name: string }
  /** A column whose type or generation expression uses the object; `of` is the relkind of its relation. */
  | { kind: 'column'; schema: string; table: string; column: string; of: string }
  | { kind: 'other'; schema: string; name: string; what: string };

export function referencedId(r: ReferencedObject): ObjectId {
  switch (r.kind) {
    case 'column': return ids.column(r.schema, r.table, r.column);
    case 'relation': return ids.relation(r.schema, r.name);
    case 'type': return ids.type(r.schema, r.name);
    case 'routine': return ids.routine(r.schema, r.name);
    case 'collation': return ids.collation(r.schema, r.name);
  }
}

/**
 * What a plan's changes take away from under their dependents: dropped
 * objects, and objects rewritten in a way PostgreSQL refuses while
 * something depends on them (a column retyped, an enum recreated).
 * Renames are not here: dependents follow a rename.
 */
export function seedsOf(changes: readonly Change[]): DependencySeed[] {
  const names = new Renames(changes);
  return changes.flatMap(seedsOfChange).map((seed) => names.backward(seed));
}

/** What the changes drop or rewrite, as the ids the plan gives them (the same list as seedsOf). */
export function droppedOrRewritten(changes: readonly Change[]): ObjectId[] {
  return changes.flatMap(seedsOfChange).map((seed) => (seed.kind === 'relation' && seed.column !== undefined ? ids.column(seed.schema, seed.name, seed.column) : referencedId(seed as ReferencedObject)));
}

/** The ids a live dependent goes by: in the steps that take it off or put it back, and as what others depend on. */
export function dependentIds(d: LiveDependent): ObjectId[] {
  switch (d.kind) {
    case 'view': return [ids.relation(d.schema, d.name), ids.type(d.schema, d.name)];
    case 'routine': return [ids.routine(d.schema, d.name)];
    case 'default': return [ids.default(d.schema, d.table, d.column)];
    case 'constraint': return [ids.constraint(d.schema, d.table, d.name)];
    case 'index': return [ids.relation(d.schema, d.name)];
    case 'trigger': return [ids.trigger(d.schema, d.table, d.name)];
    case 'policy': return [ids.policy(d.schema, d.table, d.name)];
    case 'column': return [ids.column(d.schema, d.table, d.column)];
    case 'other': return [];
  }
}

/** The facts in the names the plan speaks (after its renames). */
export function inPlanNames(changes: readonly Change[], dependents: readonly LiveDependent[]): LiveDependent[] {
  const names = new Renames(changes);
  return dependents.map((d) => names.forward(d));
}

/**
 * The catalog names tables and columns as they are now; the plan speaks of
 * them by the names its renames give them. (Schema renames are read after
 * the renames, in a transaction that is rolled back.)
 */
class Renames {
  private readonly tables = new Map<string, string>();
  private readonly columns = new Map<string, string>();
  private readonly oldTables = new Map<string, string>();
  private readonly oldColumns = new Map<string, string>();

  constructor(changes: readonly Change[]) {
    for (const c of changes) {
      if (c.kind === 'rename-table') {
        this.tables.set(`${c.schema}\u0000${c.from}`, c.to);
        this.oldTables.set(`${c.schema}\u0000${c.to}`, c.from);
      }
      if (c.kind === 'rename-column') {
        this.columns.set(`${c.schema}\u0000${c.table}\u0000${c.from}`, c.to);
        this.oldColumns.set(`${c.schema}\u0000${c.table}\u0000${c.to}`, c.from);
      }
    }
  }

  private get none() { return this.tables.size === 0 && this.columns.size === 0; }
  private table = (s: string, t: string) => this.tables.get(`${s}\u0000${t}`) ?? t;
  /** Column renames are keyed by the table's new name, as the plan's steps are. */
  private column = (s: string, t: string, c: string) => this.columns.get(`${s}\u0000${t}\u0000${c}`) ?? c;

  forward(d: LiveDependent): LiveDependent {
    if (this.none) return d;
    const r = d.on;
    const on = r.kind === 'column'
      ? { ...r, table: this.table(r.schema, r.table), column: this.column(r.schema, this.table(r.schema, r.table), r.column) }
      : { ...r, name: r.kind === 'relation' ? this.table(r.schema, r.name) : r.name };
    if (!('table' in d)) return { ...d, on };
    const table = this.table(d.schema, d.table);
    return { ...d, table, ...((d.kind === 'default' || d.kind === 'column') && { column: this.column(d.schema, table, d.column) }), on } as LiveDependent;
  }

  backward(seed: DependencySeed): DependencySeed {
    if (this.none || (seed.kind !== 'relation' && seed.kind !== 'type')) return seed;
    const name = this.oldTables.get(`${seed.schema}\u0000${seed.name}`) ?? seed.name;
    const column = seed.column === undefined ? undefined : this.oldColumns.get(`${seed.schema}\u0000${seed.name}\u0000${seed.column}`) ?? seed.column;
    return { ...seed, name, ...(column !== undefined && { column }) };
  }
}

function seedsOfChange(c: Change): DependencySeed[] {
  {
    switch (c.kind) {
      case 'drop-table': return [{ kind: 'relation', schema: c.schema, name: c.table.name }, { kind: 'type', schema: c.schema, name: c.table.name }];
      case 'drop-view': return [{ kind: 'relation', schema: c.schema, name: c.view.name }, { kind: 'type', schema: c.schema, name: c.view.name }];
      case 'drop-sequence': return [{ kind: 'relation', schema: c.schema, name: c.sequence.name }];
      case 'drop-index': return [{ kind: 'relation', schema: c.schema, name: c.index.name }];
      // A key's index is what foreign keys depend on.
      case 'drop-constraint': return c.constraint.type === 'primary-key' || c.constraint.type === 'unique' ? [{ kind: 'relation', schema: c.schema, name: c.constraint.name }] : [];
      case 'drop-column': return [{ kind: 'relation', schema: c.schema, name: c.table, column: c.column.name }];
      case 'alter-column':
        return c.aspects.some((a) => a === 'type' || a === 'collation' || a === 'generated') ? [{ kind: 'relation', schema: c.schema, name: c.table, column: c.from.name }] : [];
      case 'drop-function': return [{ kind: 'routine', schema: c.schema, name: c.routine.name, detail: c.routine.arguments }];
      // It converts its columns too: what reads them (a view, a body) must come off.
      case 'recreate-enum': return [{ kind: 'type', schema: c.schema, name: c.from.name }, ...c.columns.map((u): DependencySeed => ({ kind: 'relation', schema: u.schema, name: u.table, column: u.column }))];
      case 'drop-enum': return [{ kind: 'type', schema: c.schema, name: c.enum.name }];
      case 'drop-domain': return [{ kind: 'type', schema: c.schema, name: c.domain.name }];
      case 'drop-composite': return [{ kind: 'type', schema: c.schema, name: c.composite.name }];
      case 'drop-collation': return [{ kind: 'collation', schema: c.schema, name: c.collation.name }];
      case 'drop-range': return [{ kind: 'type', schema: c.schema, name: c.range.name }];
      default: return [];
    }
  }
}

/**
 * The dependencies the live model itself records, for planning without a
 * database: a view on every column of each relation it reads (pg_depend
 * gives the columns exactly), a foreign key on the key it points at.
 */
export function modelDependents(live: Model): LiveDependent[] {
  const out: LiveDependent[] = [];
  const tables = new Map(live.schemas.flatMap((s) => s.tables.map((t): [string, Table] => [tableKey(s.name, t.name), t])));
  for (const s of live.schemas) {
    for (const v of s.views ?? []) {
      for (const d of v.dependsOn ?? []) {
        const [schema, name] = splitRelationText(d);
        out.push({ kind: 'view', schema: s.name, name: v.name, on: { kind: 'relation', schema, name } });
        for (const c of tables.get(tableKey(schema, name))?.columns ?? []) out.push({ kind: 'view', schema: s.name, name: v.name, on: { kind: 'column', schema, table: name, column: c.name } });
      }
    }
    for (const t of s.tables) {
      for (const fk of t.foreignKeys) {
        const target = tables.get(tableKey(fk.references.schema, fk.references.table));
        const key: { name: string } | undefined = [target?.primaryKey, ...(target?.uniques ?? [])].find((k) => k && sameSet(k.columns, fk.references.columns))
          ?? target?.indexes.find((i) => i.unique && sameSet(i.keys.map((k) => k.column ?? ''), fk.references.columns));
        if (key) out.push({ kind: 'constraint', schema: s.name, table: t.name, name: fk.name, on: { kind: 'relation', schema: fk.references.schema, name: key.name } });
      }
    }
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
