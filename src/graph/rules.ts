import { detachForm, type Change } from '../diff/changes.js';
import type { Model } from '../model/types.js';
import { tableKey } from '../model/names.js';
import { findTable } from '../model/row-columns.js';
import type { Effects } from './effects.js';
import { dependentIds, referencedId, type LiveDependent } from './facts.js';
import { ids, kindOf, type ObjectId } from './ids.js';
import { References } from './object-references.js';

/** What the rules read: the steps, what each does, and the live schema where a rule needs a fact about it. */
export interface GraphContext {
  steps: readonly Change[];
  effects: readonly Effects[];
  live?: Model;
  /** What in the live database depends on what the plan drops or rewrites (pg_depend). */
  dependents: readonly LiveDependent[];
  creators: ReadonlyMap<ObjectId, number[]>;
  destroyers: ReadonlyMap<ObjectId, number[]>;
}

/**
 * One reason for one step to run before another. `edges` yields
 * [before, after] pairs of step positions; `because` completes the
 * sentence "step A runs before step B because ...", for errors and tests.
 */
export interface EdgeRule {
  name: string;
  because: string;
  edges(ctx: GraphContext): Iterable<[number, number]>;
}

const PART_DROPS = new Set<Change['kind']>(['drop-constraint', 'drop-index', 'drop-trigger', 'drop-policy']);
const PART_ADDS = new Set<Change['kind']>(['add-constraint', 'create-index', 'create-trigger', 'create-policy', 'validate-constraint']);
const COLUMN_CHANGES = new Set<Change['kind']>(['add-column', 'drop-column', 'alter-column', 'rename-column', 'set-partition', 'set-inheritance']);

/** DETACH ... FINALIZE: the step that completes a detach left pending. */
const finishesDetach = (c: Change): c is Extract<Change, { kind: 'set-partition' }> => c.kind === 'set-partition' && detachForm(c) === 'finalize';

/** Positions of steps of these kinds, by the table they act on. */
function byTable(steps: readonly Change[], kinds: ReadonlySet<Change['kind']>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  steps.forEach((c, i) => {
    if (!kinds.has(c.kind) || !('table' in c) || typeof c.table !== 'string') return;
    const k = tableKey(c.schema, c.table);
    out.set(k, [...(out.get(k) ?? []), i]);
  });
  return out;
}

function* pairs(before: readonly number[] | undefined, after: readonly number[] | undefined): Iterable<[number, number]> {
  for (const b of before ?? []) for (const a of after ?? []) yield [b, a];
}

export const rules: EdgeRule[] = [
  {
    name: 'created-before-use',
    because: 'the second needs what the first creates (a type, table, routine, key, schema ... it names)',
    *edges({ effects, creators }) {
      for (let i = 0; i < effects.length; i++) for (const id of effects[i]!.needs) for (const j of creators.get(id) ?? []) yield [j, i];
    },
  },
  {
    name: 'dependents-let-go-first',
    because: 'the first removes something that depends on what the second drops or rewrites',
    *edges({ effects, destroyers }) {
      for (let i = 0; i < effects.length; i++) for (const id of effects[i]!.releases) for (const j of destroyers.get(id) ?? []) yield [i, j];
    },
  },
  {
    name: 'live-dependents-around-rewrites',
    because: 'the catalog records that the first\'s object depends on what the second drops or rewrites (or the second puts back an object that depends on what the first rewrites)',
    *edges({ dependents, effects, creators, destroyers }) {
      for (const d of dependents) {
        const on = [referencedId(d.on), ...(d.on.kind === 'column' ? [ids.relation(d.on.schema, d.on.table)] : [])];
        const holders = on.flatMap((id) => destroyers.get(id) ?? []);
        if (holders.length === 0) continue;
        for (const id of dependentIds(d)) {
          const touching = new Set([...(destroyers.get(id) ?? []), ...(creators.get(id) ?? [])]);
          for (const c of touching) {
            const e = effects[c]!;
            const needsIt = on.some((x) => e.needs.includes(x));
            for (const h of holders) {
              if (h === c) continue;
              // A step that only takes the dependent off goes first. One that puts it back goes after
              // a step that rewrites the object (the new form must exist), or whenever it still names it;
              // unless it lets go of the object (a column retyped away from a recreated enum gets a
              // default that no longer depends on it).
              const rewrites = on.some((x) => effects[h]!.creates.includes(x));
              const letsGo = on.some((x) => e.releases.includes(x));
              if (!e.creates.includes(id) || (e.destroys.includes(id) && !needsIt)) yield [c, h];
              else if ((rewrites && !letsGo) || needsIt) yield [h, c];
            }
          }
        }
      }
    },
  },
  {
    name: 'freed-before-reused',
    because: 'the first drops the old object whose name (or place) the second takes',
    *edges({ effects, creators }) {
      for (let j = 0; j < effects.length; j++) {
        const own = new Set(effects[j]!.creates);
        for (const id of effects[j]!.destroys) if (!own.has(id)) for (const i of creators.get(id) ?? []) yield [j, i];
      }
    },
  },
  {
    name: 'table-parts-around-columns',
    because: 'a table\'s constraints, indexes, triggers and policies come off before its columns change and go back on after',
    *edges({ steps }) {
      const columns = byTable(steps, COLUMN_CHANGES);
      const drops = byTable(steps, PART_DROPS);
      const adds = byTable(steps, PART_ADDS);
      for (const [table, changes] of columns) {
        // A pending detach is finished before anything else touches the table (pending-detach-finished-first).
        yield* pairs(drops.get(table), changes.filter((i) => !finishesDetach(steps[i]!)));
        yield* pairs(changes, adds.get(table));
      }
    },
  },
  {
    name: 'pending-detach-finished-first',
    because: 'a partition whose detach an interrupted DETACH ... CONCURRENTLY left pending can be altered only once FINALIZE completes it, and its parent can detach no other partition concurrently until then',
    *edges({ steps }) {
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (!finishesDetach(c)) continue;
        const parent = c.from!;
        for (let j = 0; j < steps.length; j++) {
          const o = steps[j]!;
          const onTable = 'table' in o && o.table === c.table && o.schema === c.schema;
          const detachesSibling = o.kind === 'set-partition' && o.from?.schema === parent.schema && o.from.table === parent.table;
          if (j !== i && (onTable || detachesSibling)) yield [i, j];
        }
      }
    },
  },
  {
    name: 'rows-restored-before-checks',
    because: 'restored rows and values are in place before the keys, checks, indexes and triggers that hold them (and the foreign keys that point at them), and a column\'s values before its NOT NULL',
    *edges({ steps }) {
      const restores = new Map<string, number[]>();
      const add = (k: string, i: number) => restores.set(k, [...(restores.get(k) ?? []), i]);
      steps.forEach((c, i) => {
        if (c.kind === 'restore-table') add(tableKey(c.schema, c.table.name), i);
        if (c.kind === 'restore-column') {
          add(tableKey(c.schema, c.table), i);
          add(`${tableKey(c.schema, c.table)}\u0000${c.column.name}`, i);
        }
      });
      if (restores.size === 0) return;
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (c.kind === 'alter-column' && c.aspects.includes('not-null')) {
          // The table's own restore, or this column's: other columns' restores may need this column's new type.
          for (const r of restores.get(`${tableKey(c.schema, c.table)}\u0000${c.to.name}`) ?? []) yield [r, i];
          for (const r of restores.get(tableKey(c.schema, c.table)) ?? []) if (steps[r]!.kind === 'restore-table') yield [r, i];
        }
        if (!PART_ADDS.has(c.kind) || !('table' in c) || typeof c.table !== 'string') continue;
        for (const r of restores.get(tableKey(c.schema, c.table)) ?? []) yield [r, i];
        if (c.kind === 'add-constraint' && c.constraint.type === 'foreign-key') {
          for (const r of restores.get(tableKey(c.constraint.references.schema, c.constraint.references.table)) ?? []) yield [r, i];
        }
      }
    },
  },
  {
    name: 'partitions-before-rows',
    because: 'a partitioned table\'s rows are restored once the partitions they go to exist',
    *edges({ steps }) {
      const partitions = new Map<string, number[]>();
      steps.forEach((c, i) => {
        if (c.kind === 'create-table' && c.table.partitionOf) {
          const k = tableKey(c.table.partitionOf.schema, c.table.partitionOf.table);
          partitions.set(k, [...(partitions.get(k) ?? []), i]);
        }
      });
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (c.kind === 'restore-table') for (const p of partitions.get(tableKey(c.schema, c.table.name)) ?? []) yield [p, i];
      }
    },
  },
  {
    name: 'extensions-first-and-last',
    because: 'what an extension provides (types, functions, operators) may be used by anything: it is created before other objects and dropped after them',
    *edges({ steps, effects }) {
      const creating = (i: number) => steps[i]!.kind === 'create-extension' || steps[i]!.kind === 'alter-extension';
      const created = steps.flatMap((_, i) => (creating(i) ? [i] : []));
      const dropped = steps.flatMap((c, i) => (c.kind === 'drop-extension' ? [i] : []));
      if (created.length === 0 && dropped.length === 0) return;
      const outside = (id: ObjectId) => kindOf(id) !== 'schema' && kindOf(id) !== 'extension';
      for (let i = 0; i < steps.length; i++) {
        if (effects[i]!.creates.some(outside) && !creating(i)) for (const e of created) yield [e, i];
        if (effects[i]!.destroys.some(outside) && steps[i]!.kind !== 'drop-extension') for (const e of dropped) yield [i, e];
      }
    },
  },
  {
    name: 'revoked-before-granted',
    because: 'on one object, privileges are taken away before others are given',
    *edges({ steps }) {
      const target = (c: Change) => (c.kind === 'grant-privileges' || c.kind === 'revoke-privileges' ? `${c.schema}\u0000${c.target.type}\u0000${c.target.name}` : undefined);
      const revokes = new Map<string, number[]>();
      steps.forEach((c, i) => {
        const t = c.kind === 'revoke-privileges' ? target(c)! : undefined;
        if (t) revokes.set(t, [...(revokes.get(t) ?? []), i]);
      });
      for (let i = 0; i < steps.length; i++) if (steps[i]!.kind === 'grant-privileges') for (const r of revokes.get(target(steps[i]!)!) ?? []) yield [r, i];
    },
  },
  {
    name: 'default-privileges-last',
    because: 'objects this plan creates start with the default privileges in force now (the plan counts on that), so a schema\'s defaults change after them',
    *edges({ steps, effects }) {
      const defaults = new Map<string, number[]>();
      steps.forEach((c, i) => {
        if ((c.kind === 'grant-privileges' || c.kind === 'revoke-privileges') && c.target.type === 'default-privileges') defaults.set(c.schema, [...(defaults.get(c.schema) ?? []), i]);
      });
      if (defaults.size === 0) return;
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        const creates = effects[i]!.creates.some((id) => ['relation', 'type', 'routine'].includes(kindOf(id)));
        if (creates && 'schema' in c && typeof c.schema === 'string') for (const d of defaults.get(c.schema) ?? []) yield [i, d];
      }
    },
  },
  {
    name: 'domain-checks-after-columns',
    because: 'a domain\'s new checks and NOT NULL validate the columns of that type, so those columns reach their final form first',
    *edges({ steps }) {
      const domains = new Map<ObjectId, number[]>();
      steps.forEach((c, i) => {
        if (c.kind === 'alter-domain') domains.set(ids.type(c.schema, c.to.name), [...(domains.get(ids.type(c.schema, c.to.name)) ?? []), i]);
      });
      if (domains.size === 0) return;
      const refs = new References(new Set(steps.flatMap((c) => (c.kind === 'alter-domain' ? [c.to.name] : []))));
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (c.kind !== 'add-column' && c.kind !== 'restore-column' && c.kind !== 'alter-column') continue;
        const types = c.kind === 'alter-column' ? [c.from.type, c.to.type] : [c.column.type];
        for (const type of types) for (const id of refs.type(c.schema, type)) for (const d of domains.get(id) ?? []) yield [i, d];
      }
    },
  },
  {
    name: 'inherited-column-dropped-first',
    because: 'a table still inherits a column of that name until its parent drops it, and only then can add its own',
    *edges({ steps, live }) {
      if (!live) return;
      const drops = new Map<string, number[]>();
      steps.forEach((c, i) => {
        if (c.kind === 'drop-column') drops.set(`${tableKey(c.schema, c.table)}\u0000${c.column.name}`, [...(drops.get(`${tableKey(c.schema, c.table)}\u0000${c.column.name}`) ?? []), i]);
      });
      if (drops.size === 0) return;
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (c.kind !== 'add-column') continue;
        for (const p of findTable(live, c.schema, c.table)?.inherits ?? []) for (const d of drops.get(`${tableKey(p.schema, p.table)}\u0000${c.column.name}`) ?? []) yield [d, i];
      }
    },
  },
  {
    name: 'attached-before-parent-keys',
    because: 'indexes and keys added to a partitioned table reach a partition attached before them',
    *edges({ steps }) {
      const adds = byTable(steps, PART_ADDS);
      for (let i = 0; i < steps.length; i++) {
        const c = steps[i]!;
        if (c.kind === 'set-partition' && c.to) for (const a of adds.get(tableKey(c.to.schema, c.to.table)) ?? []) yield [i, a];
      }
    },
  },
];
