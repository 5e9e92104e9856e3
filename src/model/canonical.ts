import { createHash } from 'node:crypto';
import type { Model, Schema, Table } from './types.js';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Sort every unordered list by name so equal models serialise identically. */
export function sortModel(model: Model): Model {
  return {
    extensions: [...model.extensions].sort(byName),
    schemas: model.schemas.map(sortSchema).sort(byName),
  };
}

function sortSchema(schema: Schema): Schema {
  return {
    ...schema,
    enums: [...schema.enums].sort(byName),
    sequences: [...schema.sequences].sort(byName),
    tables: schema.tables.map(sortTable).sort(byName),
  };
}

function sortTable(table: Table): Table {
  return {
    ...table,
    uniques: [...table.uniques].sort(byName),
    checks: [...table.checks].sort(byName),
    foreignKeys: [...table.foreignKeys].sort(byName),
    indexes: [...table.indexes].sort(byName),
  };
}

/** JSON with object keys in sorted order and undefined members dropped. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

/**
 * Identity of a schema's shape. Desired-only hints (renamedFrom, using) are
 * left out: they describe a transition, not the schema.
 */
export function fingerprint(model: Model): string {
  return sha256(stableStringify(stripHints(sortModel(model))));
}

export function stripHints(model: Model): Model {
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s,
      tables: s.tables.map(({ renamedFrom: _r, ...t }) => ({
        ...t,
        columns: t.columns.map(({ renamedFrom: _c, using: _u, ...c }) => c),
      })),
    })),
  };
}
