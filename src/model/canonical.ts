import { createHash } from 'node:crypto';
import type { Model, Schema, Table } from './types.js';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** IN is every argument's default mode; procedures print it, functions do not. */
export function withoutDefaultArgumentModes(args: string): string {
  return args.replace(/(^|,\s*)IN\s+/g, '$1');
}

/** How a routine is told apart from its overloads. */
export function routineKey(r: { name: string; arguments: string }): string {
  return `${r.name}(${r.arguments})`;
}

/** The other way: a schema file's key "name(arguments)" (a routine's or an aggregate's) as its two parts, as written. */
export function splitSignature(signature: string): { name: string; arguments: string } {
  const open = signature.indexOf('(');
  return { name: signature.slice(0, open).trim(), arguments: signature.slice(open + 1, signature.lastIndexOf(')')).trim() };
}

/** Sort every unordered list by name so equal models serialise identically. */
export function sortModel(model: Model): Model {
  return {
    extensions: [...model.extensions].sort(byName),
    schemas: model.schemas.map(sortSchema).sort(byName),
    ...(model.preventDestroy?.length && { preventDestroy: [...model.preventDestroy].sort() }),
    ...(model.ignore && { ignore: model.ignore }),
    ...(model.managedRoles && { managedRoles: [...model.managedRoles].sort() }),
  };
}

function sortSchema(schema: Schema): Schema {
  return {
    ...schema,
    enums: [...schema.enums].sort(byName),
    ...(schema.collations?.length && { collations: [...schema.collations].sort(byName) }),
    ...(schema.composites?.length && { composites: [...schema.composites].sort(byName) }),
    ...(schema.ranges?.length && { ranges: [...schema.ranges].sort(byName) }),
    ...(schema.aggregates?.length && { aggregates: [...schema.aggregates].sort((a, b) => byName({ name: routineKey(a) }, { name: routineKey(b) })) }),
    ...(schema.textSearchDictionaries?.length && { textSearchDictionaries: [...schema.textSearchDictionaries].sort(byName) }),
    ...(schema.textSearchConfigurations?.length && { textSearchConfigurations: [...schema.textSearchConfigurations].sort(byName) }),
    domains: (schema.domains ?? []).map((d) => ({ ...d, checks: [...d.checks].sort(byName) })).sort(byName),
    sequences: [...schema.sequences].sort(byName),
    tables: schema.tables.map(sortTable).sort(byName),
    views: (schema.views ?? []).map((v) => ({ ...v, indexes: [...v.indexes].sort(byName), ...(v.triggers && { triggers: [...v.triggers].sort(byName) }), ...(v.rules?.length && { rules: [...v.rules].sort(byName) }) })).sort(byName),
    functions: [...(schema.functions ?? [])].sort((a, b) => byName({ name: routineKey(a) }, { name: routineKey(b) })),
  };
}

function sortTable(table: Table): Table {
  return {
    ...table,
    uniques: [...table.uniques].sort(byName),
    checks: [...table.checks].sort(byName),
    foreignKeys: [...table.foreignKeys].sort(byName),
    exclusions: [...(table.exclusions ?? [])].sort(byName),
    indexes: [...table.indexes].sort(byName),
    triggers: [...(table.triggers ?? [])].sort(byName),
    ...(table.rules?.length && { rules: [...table.rules].sort(byName) }),
    policies: [...(table.policies ?? [])].map((p) => ({ ...p, roles: [...p.roles].sort() })).sort(byName),
  };
}

/**
 * JSON with object keys in sorted order and undefined members dropped, built
 * in one pass (fingerprints of 5,000-table models are on the hot path).
 */
export function stableStringify(value: unknown, skipKeys?: ReadonlySet<string>): string {
  return write(value, skipKeys);
}

// String concatenation builds ropes in V8: cheaper than collecting parts.
function write(value: unknown, skip: ReadonlySet<string> | undefined): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], skip);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || skip?.has(key)) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + write(v, skip);
    first = false;
  }
  return out + '}';
}

/**
 * `sha256(stableStringify(value))` without the whole text: the first two
 * levels (a plan, its steps) are hashed member by member. A plan of 17,000
 * steps would otherwise first become tens of megabytes of text, as a rope
 * of millions of small strings.
 */
export function stableSha256(value: unknown): string {
  return sha256Of((emit) => {
    const level = (v: unknown, depth: number) => {
      if (depth === 0 || v === null || typeof v !== 'object') return emit(write(v, undefined));
      if (Array.isArray(v)) {
        emit('[');
        for (let i = 0; i < v.length; i++) {
          if (i) emit(',');
          level(v[i], depth - 1);
        }
        return emit(']');
      }
      const record = v as Record<string, unknown>;
      let first = true;
      emit('{');
      for (const key of Object.keys(record).sort()) {
        if (record[key] === undefined) continue;
        emit((first ? '' : ',') + JSON.stringify(key) + ':');
        level(record[key], depth - 1);
        first = false;
      }
      emit('}');
    };
    level(value, 2);
  });
}

/** `sha256` of the text `produce` emits, hashed as it comes so that the text never exists whole. */
export function sha256Of(produce: (emit: (piece: string) => void) => void): string {
  const hash = createHash('sha256');
  let pending = '';
  produce((piece) => {
    pending += piece;
    if (pending.length >= 1 << 16) {
      hash.update(pending);
      pending = '';
    }
  });
  return 'sha256:' + hash.update(pending).digest('hex');
}

/** Structural equality, ignoring key order and undefined members. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) if (ra[k] !== undefined && !deepEqual(ra[k], rb[k])) return false;
  for (const k of Object.keys(rb)) if (rb[k] !== undefined && ra[k] === undefined) return false;
  return true;
}

export function sha256(text: string): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

/** Desired-only hints: they describe a transition, not the schema. */
const HINTS: ReadonlySet<string> = new Set(['renamedFrom', 'using', 'dependsOn']);

/** Short digest of one object's definition, for saying which objects changed. */
export function digest(value: unknown): string {
  return createHash('sha256').update(stableStringify(value, HINTS)).digest('hex').slice(0, 16);
}
