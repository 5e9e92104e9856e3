import type { Model, Table } from './types.js';

/**
 * A partition as far as its rows are concerned: with its parent's columns
 * (the model keeps them on the parent only). Backups and restores of a
 * partition's rows need them; other tables are returned as they are.
 */
export function withRowColumns(table: Table, model: Model): Table {
  let parent = table;
  // A partition may itself be a partition of a partition.
  for (let depth = 0; parent.partitionOf && depth < 32; depth++) {
    const { schema, table: name } = parent.partitionOf;
    const found = model.schemas.find((s) => s.name === schema)?.tables.find((t) => t.name === name);
    if (!found) return table;
    parent = found;
  }
  return parent === table ? table : { ...table, columns: parent.columns };
}
