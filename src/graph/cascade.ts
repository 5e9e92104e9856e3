import type { Change } from '../diff/changes.js';
import { constraintsOf } from '../diff/diff-table.js';
import { SchemaformError } from '../errors.js';
import { findRoutine, findTable } from '../model/row-columns.js';
import type { Model, View } from '../model/types.js';
import { ids, type ObjectId } from './ids.js';
import { dependentIds, droppedOrRewritten, referencedId, type LiveDependent } from './facts.js';

/**
 * When a plan drops or rewrites something (a column retyped, a routine
 * rebuilt for a new return type, an enum recreated), what depends on it in
 * the live database has to come off first and, if the file keeps it, go
 * back on after: PostgreSQL refuses otherwise. The dependents are facts
 * (see readDependents); this adds the steps, for every kind, transitively
 * (a view over a view), and leaves their order to the graph.
 *
 * A dependent that cannot come off and go back without losing data (a
 * column whose type is the rebuilt domain, a generated column) stops the
 * plan with the two objects named. `dependents` speak the plan's names
 * (inPlanNames).
 */
export function withDependentsRebuilt(changes: readonly Change[], from: Model, to: Model, dependents: readonly LiveDependent[]): Change[] {
  if (dependents.length === 0) return [...changes];
  const byReferenced = new Map<ObjectId, LiveDependent[]>();
  const index = (key: ObjectId, d: LiveDependent) => byReferenced.set(key, [...(byReferenced.get(key) ?? []), d]);
  for (const d of dependents) {
    index(referencedId(d.on), d);
    // Dropping a whole table or view takes what depends on any of its columns.
    if (d.on.kind === 'column') index(ids.relation(d.on.schema, d.on.table), d);
  }
  const out = [...changes];
  const handled = new Set(out.flatMap(removedBy));
  const gone = new Gone(out);
  const rebuiltViews = new Set<string>();
  const queue = droppedOrRewritten(changes);
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const d of byReferenced.get(id) ?? []) {
      const key = dependentKey(d);
      if (handled.has(key) || gone.covers(d)) continue;
      handled.add(key);
      if (d.kind === 'view') {
        gone.add(d.schema, d.name);
        rebuiltViews.add(`${d.schema}\u0000${d.name}`);
      }
      for (const c of rebuild(d, from, to, out)) out.push(c);
      queue.push(...dependentIds(d));
    }
  }
  // A rebuilt view comes back whole (indexes, comments, triggers): changes the diff had to its parts go.
  const partOfRebuiltView = (c: Change, i: number) => i < changes.length && VIEW_PARTS.has(c.kind) && 'table' in c && rebuiltViews.has(`${c.schema}\u0000${c.table}`);
  return rebuiltViews.size === 0 ? out : out.filter((c, i) => !partOfRebuiltView(c, i) && !(i < changes.length && c.kind === 'set-view-comment' && rebuiltViews.has(`${c.schema}\u0000${c.view.name}`)));
}

const VIEW_PARTS = new Set<Change['kind']>(['create-index', 'drop-index', 'rename-index', 'set-index-comment', 'create-trigger', 'drop-trigger', 'alter-trigger', 'create-rule', 'alter-rule', 'drop-rule']);

function dependentKey(d: LiveDependent): string {
  switch (d.kind) {
    case 'view': return `view\u0000${d.schema}\u0000${d.name}`;
    case 'routine': return `routine\u0000${d.schema}\u0000${d.name}(${d.arguments})`;
    case 'default': case 'column': return `${d.kind}\u0000${d.schema}\u0000${d.table}\u0000${d.column}`;
    case 'other': return `other\u0000${d.schema}\u0000${d.name}`;
    default: return `${d.kind}\u0000${d.schema}\u0000${d.table}\u0000${d.name}`;
  }
}

/** Dependents a change already takes off (the same keys as dependentKey). */
function removedBy(c: Change): string[] {
  switch (c.kind) {
    case 'drop-view': return [`view\u0000${c.schema}\u0000${c.view.name}`];
    case 'drop-function': return [`routine\u0000${c.schema}\u0000${c.routine.name}(${c.routine.arguments})`];
    case 'drop-constraint': return [`constraint\u0000${c.schema}\u0000${c.table}\u0000${c.constraint.name}`];
    case 'drop-index': return [`index\u0000${c.schema}\u0000${c.table}\u0000${c.index.name}`];
    case 'drop-trigger': return [`trigger\u0000${c.schema}\u0000${c.table}\u0000${c.trigger.name}`];
    case 'drop-policy': return [`policy\u0000${c.schema}\u0000${c.table}\u0000${c.policy.name}`];
    case 'drop-column': return [`column\u0000${c.schema}\u0000${c.table}\u0000${c.column.name}`, `default\u0000${c.schema}\u0000${c.table}\u0000${c.column.name}`];
    case 'alter-column': return [
      ...(c.aspects.some((a) => a === 'type' || a === 'collation' || a === 'generated') ? [`column\u0000${c.schema}\u0000${c.table}\u0000${c.to.name}`] : []),
      ...(c.aspects.includes('default') && c.from.default !== undefined && c.to.default === undefined ? [`default\u0000${c.schema}\u0000${c.table}\u0000${c.to.name}`] : []),
    ];
    // It converts its columns, defaults and all, itself.
    case 'recreate-enum': return c.columns.flatMap((u) => [`column\u0000${u.schema}\u0000${u.table}\u0000${u.column}`, `default\u0000${u.schema}\u0000${u.table}\u0000${u.column}`]);
    default: return [];
  }
}

/** Tables and views the plan drops: everything on them goes with them. */
class Gone {
  private readonly relations = new Set<string>();

  constructor(changes: readonly Change[]) {
    for (const c of changes) {
      if (c.kind === 'drop-table') this.add(c.schema, c.table.name);
      if (c.kind === 'drop-view') this.add(c.schema, c.view.name);
    }
  }

  add(schema: string, name: string) {
    this.relations.add(`${schema}\u0000${name}`);
  }

  /** Whether the dependent sits on a table or view that is dropped anyway. */
  covers(d: LiveDependent): boolean {
    return 'table' in d && this.relations.has(`${d.schema}\u0000${d.table}`);
  }
}

/** The steps that take one dependent off and, where the file keeps it, put it back. */
function rebuild(d: LiveDependent, from: Model, to: Model, plan: Change[]): Change[] {
  const refuse = (what: string) => new SchemaformError(`${what} depends on ${describeReferenced(d)}, which this plan drops or rewrites, and cannot be taken off and put back without losing data; no plan was written`, {
    hint: 'Change the dependent in the same file (so the plan rewrites it too), or make the change in two plans: first move the dependent off, then change what it uses.',
  });
  switch (d.kind) {
    case 'view': {
      const live = findView(from, d.schema, d.name);
      if (!live) return [];
      const wanted = findView(to, d.schema, d.name);
      return [
        { kind: 'drop-view', schema: d.schema, view: live, ...(wanted && { rebuild: true, because: describeReferenced(d) }) },
        ...(wanted ? [
          { kind: 'create-view' as const, schema: d.schema, view: wanted },
          ...(wanted.triggers ?? []).map((trigger) => ({ kind: 'create-trigger' as const, schema: d.schema, table: wanted.name, trigger, onView: true })),
          ...(wanted.rules ?? []).map((rule) => ({ kind: 'create-rule' as const, schema: d.schema, table: wanted.name, rule, onView: true })),
        ] : []),
      ];
    }
    case 'routine': {
      const live = findRoutine(from, d.schema, d);
      if (!live) return [];
      const wanted = findRoutine(to, d.schema, d);
      // A CREATE OR REPLACE the diff already has becomes the creation again.
      const replacing = plan.findIndex((c) => c.kind === 'create-function' && c.replace && c.schema === d.schema && c.routine.name === d.name && c.routine.arguments === d.arguments);
      if (replacing >= 0) {
        const { replace: _replace, ...created } = plan[replacing] as Extract<Change, { kind: 'create-function' }>;
        plan[replacing] = created;
        return [{ kind: 'drop-function', schema: d.schema, routine: live, rebuild: true, because: describeReferenced(d) }];
      }
      return [
        { kind: 'drop-function', schema: d.schema, routine: live, ...(wanted && { rebuild: true, because: describeReferenced(d) }) },
        ...(wanted ? [{ kind: 'create-function' as const, schema: d.schema, routine: wanted }] : []),
      ];
    }
    case 'default': {
      const column = findTable(from, d.schema, d.table)?.columns.find((c) => c.name === d.column);
      if (column?.default === undefined) return [];
      const wanted = findTable(to, d.schema, d.table)?.columns.find((c) => c.name === d.column);
      // A change of default the diff already has now starts from none.
      const resetting = plan.findIndex((c) => c.kind === 'alter-column' && c.schema === d.schema && c.table === d.table && c.from.name === d.column && c.aspects.includes('default'));
      const off: Change = { kind: 'alter-column', schema: d.schema, table: d.table, from: column, to: { ...column, default: undefined }, aspects: ['default'] };
      if (resetting >= 0) {
        const reset = plan[resetting] as Extract<Change, { kind: 'alter-column' }>;
        plan[resetting] = { ...reset, from: { ...reset.from, default: undefined } };
        return [off];
      }
      return [off, ...(wanted?.default !== undefined ? [{ kind: 'alter-column' as const, schema: d.schema, table: d.table, from: { ...column, default: undefined }, to: { ...column, default: wanted.default }, aspects: ['default' as const] }] : [])];
    }
    case 'constraint': {
      const live = constraintsOf(findTable(from, d.schema, d.table) ?? emptyTable).find((c) => c.name === d.name);
      if (!live) return [];
      const wanted = constraintsOf(findTable(to, d.schema, d.table) ?? emptyTable).find((c) => c.name === d.name);
      return [{ kind: 'drop-constraint', schema: d.schema, table: d.table, constraint: live }, ...(wanted ? [{ kind: 'add-constraint' as const, schema: d.schema, table: d.table, constraint: wanted }] : [])];
    }
    case 'index': {
      const live = indexesOn(from, d.schema, d.table).find((i) => i.name === d.name);
      if (!live) return [];
      const wanted = indexesOn(to, d.schema, d.table).find((i) => i.name === d.name);
      return [{ kind: 'drop-index', schema: d.schema, table: d.table, index: live }, ...(wanted ? [{ kind: 'create-index' as const, schema: d.schema, table: d.table, index: wanted }] : [])];
    }
    case 'trigger': {
      const onView = findView(from, d.schema, d.table);
      const triggersOf = (m: Model) => (onView ? findView(m, d.schema, d.table)?.triggers : findTable(m, d.schema, d.table)?.triggers) ?? [];
      const live = triggersOf(from).find((t) => t.name === d.name);
      if (!live) return [];
      const wanted = triggersOf(to).find((t) => t.name === d.name);
      return [{ kind: 'drop-trigger', schema: d.schema, table: d.table, trigger: live }, ...(wanted ? [{ kind: 'create-trigger' as const, schema: d.schema, table: d.table, trigger: wanted, ...(onView && { onView: true }) }] : [])];
    }
    case 'policy': {
      const live = findTable(from, d.schema, d.table)?.policies.find((p) => p.name === d.name);
      if (!live) return [];
      const wanted = findTable(to, d.schema, d.table)?.policies.find((p) => p.name === d.name);
      return [{ kind: 'drop-policy', schema: d.schema, table: d.table, policy: live }, ...(wanted ? [{ kind: 'create-policy' as const, schema: d.schema, table: d.table, policy: wanted }] : [])];
    }
    case 'column': throw refuse(`column ${d.schema}.${d.table}.${d.column}`);
    case 'other': throw refuse(`${d.what} ${d.schema ? `${d.schema}.` : ''}${d.name}`);
  }
}

const emptyTable = { name: '', columns: [], uniques: [], checks: [], foreignKeys: [], exclusions: [], indexes: [], triggers: [], policies: [] };

function findView(model: Model, schema: string, name: string): View | undefined {
  return model.schemas.find((s) => s.name === schema)?.views.find((v) => v.name === name);
}

function indexesOn(model: Model, schema: string, table: string) {
  return findTable(model, schema, table)?.indexes ?? findView(model, schema, table)?.indexes ?? [];
}

function describeReferenced(d: LiveDependent): string {
  const r = d.on;
  return r.kind === 'column' ? `column ${r.schema}.${r.table}.${r.column}` : `${r.kind} ${r.schema}.${r.name}`;
}
