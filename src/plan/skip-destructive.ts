import type { Change } from '../diff/changes.js';
import { emptySchema, type Model, type Schema } from '../model/types.js';
import { hazardsOf } from './hazards.js';

/**
 * Whether a change loses data: whether it carries a `data-loss` hazard (a
 * table, column or sequence dropped, values converted or replaced, enum
 * values or composite fields removed), judged by the hazards themselves.
 */
export function destroysData(c: Change): boolean {
  return hazardsOf(c, { rowEstimates: new Map(), newTables: new Set() }).some((h) => h.code === 'data-loss');
}

/**
 * The desired model with what `skipped` would destroy kept as it is live:
 * the target of a plan that leaves the data-loss part of a file for later
 * (`plan --skip-destructive`). Planned again from it, everything else in
 * the file is done and the next plan of the file still shows the rest.
 */
export function keepingLive(desired: Model, live: Model, skipped: readonly Change[]): Model {
  const schemas = new Map(desired.schemas.map((s) => [s.name, cloneSchema(s)]));
  const liveSchema = (name: string) => live.schemas.find((s) => s.name === name);
  const target = (name: string): Schema => {
    let s = schemas.get(name);
    if (!s) schemas.set(name, (s = { ...emptySchema(name), ...(liveSchema(name)?.comment !== undefined && { comment: liveSchema(name)!.comment }) }));
    return s;
  };
  for (const c of skipped) {
    switch (c.kind) {
      case 'drop-table': target(c.schema).tables.push(c.table); break;
      case 'drop-sequence': target(c.schema).sequences.push(c.sequence); break;
      case 'drop-column': withTable(target(c.schema), c.table, (t) => {
        // In its live place among the columns: PostgreSQL keeps columns in the order they were added.
        const liveTable = liveSchema(c.schema)?.tables.find((x) => x.name === c.table);
        const order = liveTable?.columns.map((x) => x.name) ?? [];
        const columns = [...t.columns, c.column].sort((a, b) => rank(order, a.name) - rank(order, b.name));
        return { ...t, columns };
      }); break;
      case 'alter-column': withTable(target(c.schema), c.table, (t) => ({
        ...t,
        columns: t.columns.map((col) => (col.name === c.to.name ? keepValues(col, c.from) : col)),
      })); break;
      case 'clear-enum-values': replaceLive(target(c.schema), liveSchema(c.schema), 'enums', c.enum); break;
      case 'alter-composite': replaceLive(target(c.schema), liveSchema(c.schema), 'composites', c.from.name); break;
      default: break;
    }
  }
  return { ...desired, schemas: [...schemas.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

const rank = (order: string[], name: string) => (order.indexOf(name) === -1 ? order.length : order.indexOf(name));

function cloneSchema(s: Schema): Schema {
  return { ...s, tables: [...s.tables], sequences: [...s.sequences], enums: [...s.enums], ...(s.composites && { composites: [...s.composites] }) };
}

function withTable(schema: Schema, name: string, edit: (t: Schema['tables'][number]) => Schema['tables'][number]): void {
  schema.tables = schema.tables.map((t) => (t.name === name ? edit(t) : t));
}

/** The column as the file wants it, but with the type and generation that keep its values. */
function keepValues(wanted: Schema['tables'][number]['columns'][number], live: Schema['tables'][number]['columns'][number]) {
  const { using: _using, generated: _generated, ...rest } = wanted;
  return { ...rest, type: live.type, ...(live.collation !== undefined ? { collation: live.collation } : {}), ...(live.generated !== undefined && { generated: live.generated }) };
}

function replaceLive(schema: Schema, live: Schema | undefined, kind: 'enums' | 'composites', name: string): void {
  const kept = (live?.[kind] ?? []).find((o) => o.name === name);
  if (!kept) return;
  const list = (schema[kind] ?? []) as Array<{ name: string }>;
  (schema as unknown as Record<string, unknown>)[kind] = [...list.filter((o) => o.name !== name), kept];
}
