import { routineKey } from './canonical.js';
import type { Column, Model, Routine, Table } from './types.js';

/**
 * A table as far as its rows are concerned: a partition with its parent's
 * columns, an inheriting table with its parents' columns before its own
 * (the model keeps each column on the table that declares it). Backups and
 * restores of rows need them all; other tables are returned as they are.
 */
export function withRowColumns(table: Table, model: Model): Table {
  const columns = rowColumns(table, model, 0);
  return columns === table.columns ? table : { ...table, columns };
}

/** A table of the model by schema and name. */
export function findTable(model: Model, schema: string, name: string): Table | undefined {
  return model.schemas.find((s) => s.name === schema)?.tables.find((t) => t.name === name);
}

/** A routine of the model by schema, name and argument list (its overloads are others). */
export function findRoutine(model: Model, schema: string, routine: Pick<Routine, 'name' | 'arguments'>): Routine | undefined {
  return model.schemas.find((s) => s.name === schema)?.functions.find((f) => routineKey(f) === routineKey(routine));
}

function rowColumns(table: Table, model: Model, depth: number): Column[] {
  const find = (schema: string, name: string) => findTable(model, schema, name);
  if (depth > 32) return table.columns;
  if (table.partitionOf) {
    const parent = find(table.partitionOf.schema, table.partitionOf.table);
    return parent ? rowColumns(parent, model, depth + 1) : table.columns;
  }
  if (!table.inherits?.length) return table.columns;
  const merged = new Map<string, Column>();
  for (const ref of table.inherits) {
    const parent = find(ref.schema, ref.table);
    for (const c of parent ? rowColumns(parent, model, depth + 1) : []) if (!merged.has(c.name)) merged.set(c.name, c);
  }
  for (const c of table.columns) merged.set(c.name, c);
  return [...merged.values()];
}
