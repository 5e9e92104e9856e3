import type { Change } from '../diff/changes.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import { qualify, quoteIdent } from '../sql/quote.js';
import { isValuePreserving } from './hazards.js';
import { holdsEnumValues } from './sql-fragments.js';
import type { BackupSpec } from './types.js';

/**
 * The copy to take before a step that destroys data, or undefined if the
 * step destroys nothing (or nothing that could be put back). Values are
 * stored as text: the copy must outlive the types it came from.
 */
export function backupFor(change: Change, relation: string): BackupSpec | undefined {
  switch (change.kind) {
    case 'drop-table': {
      const columns = change.table.columns.filter((c) => c.generated === undefined).map((c) => c.name);
      if (columns.length === 0) return undefined;
      return {
        relation, kind: 'table', schema: change.schema, table: change.table.name, columns,
        sql: `CREATE TABLE ${qualify(TOOL_SCHEMA, relation)} AS SELECT ${columns.map((c) => `${quoteIdent(c)}::text AS ${quoteIdent(c)}`).join(', ')} FROM ${qualify(change.schema, change.table.name)}`,
      };
    }
    case 'drop-column':
      return change.key && change.column.generated === undefined ? columnBackup(relation, change.schema, change.table, change.column.name, change.key) : undefined;
    case 'alter-column': {
      const lossy = (change.aspects.includes('type') && !isValuePreserving(change.from.type, change.to.type))
        || (change.aspects.includes('generated') && change.from.generated === undefined);
      return lossy && change.key ? columnBackup(relation, change.schema, change.table, change.from.name, change.key) : undefined;
    }
    case 'clear-enum-values': {
      const { use } = change;
      if (!use.key) return undefined;
      // Only the rows that lose a value: the rest keep theirs.
      return { ...columnBackup(relation, use.schema, use.table, use.column, use.key, holdsEnumValues(use, change.values)), kind: 'values' };
    }
    default:
      return undefined;
  }
}

function columnBackup(relation: string, schema: string, table: string, column: string, key: Array<{ name: string; type: string }>, where?: string): BackupSpec {
  const saved = [...key.map((k) => k.name), column].filter((c, i, all) => all.indexOf(c) === i);
  return {
    relation, kind: 'column', schema, table, column, key, columns: saved,
    sql: `CREATE TABLE ${qualify(TOOL_SCHEMA, relation)} AS SELECT ${saved.map((c) => `${quoteIdent(c)}::text AS ${quoteIdent(c)}`).join(', ')} FROM ${qualify(schema, table)}${where ? ` WHERE ${where}` : ''}`,
  };
}
