import type { ObjectRef } from '../diff/changes.js';
import { describeObject } from '../diff/changes.js';
import { digest, sha256, stableStringify } from './canonical.js';
import type { Model } from './types.js';

/** Every top-level object of a model under the label people read ("table public.users"). */
export function* objectsOf(model: Model): Generator<[string, ObjectRef, unknown]> {
  for (const e of model.extensions) yield [describeObject({ type: 'extension', name: e.name }), { type: 'extension', name: e.name }, e];
  for (const s of model.schemas) {
    const { enums, domains, sequences, tables, views, functions, collations, composites, ranges, aggregates, textSearchDictionaries, textSearchConfigurations, ...schemaOnly } = s;
    yield [describeObject({ type: 'schema', name: s.name }), { type: 'schema', name: s.name }, schemaOnly];
    for (const c of collations ?? []) yield [describeObject({ type: 'collation', schema: s.name, name: c.name }), { type: 'collation', schema: s.name, name: c.name }, c];
    for (const t of [...composites ?? [], ...ranges ?? []]) yield [describeObject({ type: 'type', schema: s.name, name: t.name }), { type: 'type', schema: s.name, name: t.name }, t];
    for (const a of aggregates ?? []) {
      const ref = { type: 'aggregate' as const, schema: s.name, name: `${a.name}(${a.arguments})` };
      yield [describeObject(ref), ref, a];
    }
    for (const d of textSearchDictionaries ?? []) yield [describeObject({ type: 'text search dictionary', schema: s.name, name: d.name }), { type: 'text search dictionary', schema: s.name, name: d.name }, d];
    for (const c of textSearchConfigurations ?? []) yield [describeObject({ type: 'text search configuration', schema: s.name, name: c.name }), { type: 'text search configuration', schema: s.name, name: c.name }, c];
    for (const e of enums) yield [describeObject({ type: 'enum', schema: s.name, name: e.name }), { type: 'enum', schema: s.name, name: e.name }, e];
    for (const d of domains ?? []) yield [describeObject({ type: 'domain', schema: s.name, name: d.name }), { type: 'domain', schema: s.name, name: d.name }, d];
    for (const q of sequences) yield [describeObject({ type: 'sequence', schema: s.name, name: q.name }), { type: 'sequence', schema: s.name, name: q.name }, q];
    for (const t of tables) yield [describeObject({ type: 'table', schema: s.name, name: t.name }), { type: 'table', schema: s.name, name: t.name }, t];
    for (const f of functions ?? []) {
      const ref = { type: 'function' as const, schema: s.name, name: `${f.name}(${f.arguments})` };
      yield [describeObject(ref), ref, f];
    }
    for (const v of views ?? []) yield [describeObject({ type: 'view', schema: s.name, name: v.name }), { type: 'view', schema: s.name, name: v.name }, v];
  }
}

/** Label → digest for every object: enough to say what changed without storing the whole model. */
export function objectDigests(model: Model): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, , value] of objectsOf(model)) out[label] = digest(value);
  return out;
}

/**
 * Identity of a schema's shape: a hash of its object digests, so a plan that
 * needs both (every plan does) serialises the model once.
 */
export function fingerprint(model: Model): string {
  return fingerprintOf(objectDigests(model));
}

export function fingerprintOf(digests: Record<string, string>): string {
  return sha256(stableStringify(digests));
}

/** Objects added, removed or changed between two digest maps, as sentences. */
export function describeDigestChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [label, d] of Object.entries(after)) {
    if (!(label in before)) lines.push(`${label} was created`);
    else if (before[label] !== d) lines.push(`${label} was changed`);
  }
  for (const label of Object.keys(before)) if (!(label in after)) lines.push(`${label} was dropped`);
  return lines;
}

/** The part of a model holding only the given objects (and the schemas around them). */
export function restrictModel(model: Model, refs: ObjectRef[]): Model {
  const wanted = new Set(refs.map(describeObject));
  const schemasWanted = new Set(refs.flatMap((r) => (r.schema !== undefined ? [r.schema] : r.type === 'schema' ? [r.name] : [])));
  const label = (type: ObjectRef['type'], schema: string, name: string) => describeObject({ type, schema, name });
  return {
    extensions: model.extensions.filter((e) => wanted.has(describeObject({ type: 'extension', name: e.name }))),
    schemas: model.schemas.filter((s) => schemasWanted.has(s.name)).map((s) => ({
      ...s,
      enums: s.enums.filter((e) => wanted.has(label('enum', s.name, e.name))),
      collations: (s.collations ?? []).filter((c) => wanted.has(label('collation', s.name, c.name))),
      composites: (s.composites ?? []).filter((t) => wanted.has(label('type', s.name, t.name))),
      ranges: (s.ranges ?? []).filter((t) => wanted.has(label('type', s.name, t.name))),
      aggregates: (s.aggregates ?? []).filter((a) => wanted.has(label('aggregate', s.name, `${a.name}(${a.arguments})`))),
      textSearchDictionaries: (s.textSearchDictionaries ?? []).filter((d) => wanted.has(label('text search dictionary', s.name, d.name))),
      textSearchConfigurations: (s.textSearchConfigurations ?? []).filter((c) => wanted.has(label('text search configuration', s.name, c.name))),
      domains: (s.domains ?? []).filter((d) => wanted.has(label('domain', s.name, d.name))),
      sequences: s.sequences.filter((q) => wanted.has(label('sequence', s.name, q.name))),
      tables: s.tables.filter((t) => wanted.has(label('table', s.name, t.name))),
      views: (s.views ?? []).filter((v) => wanted.has(label('view', s.name, v.name))),
      functions: (s.functions ?? []).filter((f) => wanted.has(label('function', s.name, `${f.name}(${f.arguments})`))),
    })),
  };
}
