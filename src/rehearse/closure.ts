import type { ObjectRef } from '../diff/changes.js';
import { effectsOf } from '../graph/effects.js';
import { bareName, ids, kindOf, type ObjectId } from '../graph/ids.js';
import { hasStandardBody } from '../model/routine-body.js';
import { References } from '../graph/object-references.js';
import { restrictModel } from '../model/objects.js';
import type { Model, Schema } from '../model/types.js';
import type { PlanStep } from '../plan/types.js';

/**
 * The part of the live schema a rehearsal has to rebuild: every live object
 * a step acts on, needs or lets go of, and, transitively, everything those
 * depend on (column types, sequences and routines their expressions name,
 * partitions' parents and children, routines' argument and result types),
 * with the objects it holds. So a rehearsal costs what the change touches,
 * not what the database holds.
 */
export function rehearsalModel(live: Model, steps: readonly PlanStep[]): { model: Model; objects: ObjectRef[] } {
  const { index, children } = liveIndex(live);
  const refs = new References(new Set([...index.keys()].map((id) => id.slice(id.lastIndexOf('\u0001') + 1))));
  const queue: ObjectId[] = [];
  for (const s of steps) {
    const e = effectsOf(s.change, refs);
    for (const id of [...e.creates, ...e.destroys, ...e.needs, ...e.releases]) queue.push(id);
  }
  for (const id of readersOf(live, queue)) queue.push(id);
  const kept = new Map<string, ObjectRef>();
  const seen = new Set<ObjectId>();
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const entry of index.get(id) ?? []) {
      const ref = describe(entry);
      if (kept.has(ref.key)) continue;
      kept.set(ref.key, ref.ref);
      for (const dep of dependenciesOf(entry, refs, children)) queue.push(dep);
    }
  }
  const objects = [...kept.values(), ...live.extensions.map((e): ObjectRef => ({ type: 'extension', name: e.name }))];
  const model = foreignKeysWithin(restrictModel(live, objects));
  // A schema's default privileges would change what the setup creates; the rehearsal is about structure.
  return { objects, model: { ...model, schemas: model.schemas.map((s) => ({ ...s, defaultPrivileges: [] })) } };
}

/**
 * The model without its foreign keys to tables it does not hold. The
 * rehearsal leaves such a key out rather than bring its target in (a step
 * that adds one names its target, and so brings it; one whose key changes
 * has it taken off by the plan), so it leaves it out of the comparison
 * after the steps too: on both sides, or the key would look missing.
 */
export function foreignKeysWithin(model: Model): Model {
  const tables = new Set(model.schemas.flatMap((s) => s.tables.map((t) => `${s.name}\u0000${t.name}`)));
  const inside = (fk: { references: { schema: string; table: string } }) => tables.has(`${fk.references.schema}\u0000${fk.references.table}`);
  return { ...model, schemas: model.schemas.map((s) => ({ ...s, tables: s.tables.map((t) => (t.foreignKeys.every(inside) ? t : { ...t, foreignKeys: t.foreignKeys.filter(inside) })) })) };
}

/**
 * Live views and SQL-standard routines that read a relation the steps act
 * on. Nothing in the plan changes them, but what it does to the relation
 * (a column renamed, say) can leave the file's text of them invalid: they
 * are rebuilt too, so the comparison after the steps sees them.
 */
function readersOf(live: Model, touched: readonly ObjectId[]): ObjectId[] {
  const relations = new Set(touched.filter((id) => kindOf(id) === 'relation'));
  if (relations.size === 0) return [];
  const refs = new References(new Set([...relations].map(bareName)));
  const reads = (needs: ObjectId[]) => needs.some((id) => relations.has(id));
  return live.schemas.flatMap((s) => [
    ...s.views.filter((v) => reads(refs.view(s.name, v))).map((v) => ids.relation(s.name, v.name)),
    ...s.functions.filter((f) => hasStandardBody(f) && reads(refs.routine(s.name, f))).map((f) => ids.routine(s.name, f.name)),
  ]);
}

type Entry =
  | { kind: 'table'; schema: Schema; item: Schema['tables'][number] }
  | { kind: 'view'; schema: Schema; item: Schema['views'][number] }
  | { kind: 'function'; schema: Schema; item: Schema['functions'][number] }
  | { kind: 'enum'; schema: Schema; item: Schema['enums'][number] }
  | { kind: 'domain'; schema: Schema; item: Schema['domains'][number] }
  | { kind: 'sequence'; schema: Schema; item: Schema['sequences'][number] }
  | { kind: 'composite'; schema: Schema; item: NonNullable<Schema['composites']>[number] }
  | { kind: 'range'; schema: Schema; item: NonNullable<Schema['ranges']>[number] }
  | { kind: 'collation'; schema: Schema; item: NonNullable<Schema['collations']>[number] };

function liveIndex(live: Model): { index: Map<ObjectId, Entry[]>; children: Map<ObjectId, ObjectId[]> } {
  const index = new Map<ObjectId, Entry[]>();
  const children = new Map<ObjectId, ObjectId[]>();
  const add = (id: ObjectId, e: Entry) => index.set(id, [...(index.get(id) ?? []), e]);
  for (const s of live.schemas) {
    for (const item of s.tables) {
      for (const p of [...(item.partitionOf ? [item.partitionOf] : []), ...(item.inherits ?? [])]) {
        const parent = ids.relation(p.schema, p.table);
        children.set(parent, [...(children.get(parent) ?? []), ids.relation(s.name, item.name)]);
      }
      const e: Entry = { kind: 'table', schema: s, item };
      add(ids.relation(s.name, item.name), e);
      add(ids.type(s.name, item.name), e);
      add(ids.shape(s.name, item.name), e);
    }
    for (const item of s.views) {
      const e: Entry = { kind: 'view', schema: s, item };
      add(ids.relation(s.name, item.name), e);
      add(ids.shape(s.name, item.name), e);
    }
    for (const item of s.functions) add(ids.routine(s.name, item.name), { kind: 'function', schema: s, item });
    for (const item of s.enums) add(ids.type(s.name, item.name), { kind: 'enum', schema: s, item });
    for (const item of s.domains) add(ids.type(s.name, item.name), { kind: 'domain', schema: s, item });
    for (const item of s.composites ?? []) add(ids.type(s.name, item.name), { kind: 'composite', schema: s, item });
    for (const item of s.ranges ?? []) add(ids.type(s.name, item.name), { kind: 'range', schema: s, item });
    for (const item of s.sequences) add(ids.relation(s.name, item.name), { kind: 'sequence', schema: s, item });
    for (const item of s.collations ?? []) add(ids.collation(s.name, item.name), { kind: 'collation', schema: s, item });
  }
  return { index, children };
}

function describe(e: Entry): { key: string; ref: ObjectRef } {
  const type: ObjectRef['type'] = e.kind === 'composite' || e.kind === 'range' ? 'type' : e.kind;
  const name = e.kind === 'function' ? `${e.item.name}(${e.item.arguments})` : e.item.name;
  return { key: `${type}\u0000${e.schema.name}\u0000${name}`, ref: { type, schema: e.schema.name, name } };
}

function dependenciesOf(e: Entry, refs: References, children: Map<ObjectId, ObjectId[]>): ObjectId[] {
  const s = e.schema.name;
  switch (e.kind) {
    case 'table': {
      const t = e.item;
      return [
        ...refs.table(s, t),
        ...t.indexes.flatMap((i) => refs.index(s, i)),
        ...t.triggers.flatMap((x) => refs.trigger(s, x)),
        ...t.policies.flatMap((p) => refs.policy(s, p)),
        // A partitioned table's partitions and an inherited table's children take part in what is done to it.
        ...(children.get(ids.relation(s, t.name)) ?? []),
        ...e.schema.sequences.filter((q) => q.ownedBy?.table === t.name).map((q) => ids.relation(s, q.name)),
      ];
    }
    case 'view': return refs.view(s, e.item);
    case 'function': return refs.routine(s, e.item);
    case 'domain': return refs.domain(s, e.item);
    case 'composite': return refs.composite(s, e.item);
    case 'range': return refs.range(s, e.item);
    case 'sequence': return e.item.ownedBy ? [ids.relation(s, e.item.ownedBy.table)] : [];
    default: return [];
  }
}
