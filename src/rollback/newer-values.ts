import type { Database } from '../db/database.js';
import { savedName, type BackupRef, type Change, type KeyColumn } from '../diff/changes.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import type { Hazard } from '../plan/types.js';
import { isArrayType } from '../plan/sql-fragments.js';
import { qualify, quoteIdent } from '../sql/quote.js';
import type { BackupLookup } from './backup-lookup.js';

interface Restore { change: Change; schema: string; table: string; column: string; key: KeyColumn[]; backup: BackupRef; changedSince: (live: string, saved: string) => string }

/**
 * A rollback puts backed-up values into rows that still exist: values a
 * lossy type change cut, values a removed enum value cleared. If someone
 * wrote a new value into such a row after that apply, restoring would
 * overwrite it. Count those rows now, in the live database (under the names
 * its objects have today), and say so: a data-loss hazard when the rollback
 * overwrites them, a note when --keep-newer keeps them.
 */
export async function warnOfNewerValues(
  db: Database, changes: Change[], lookup: BackupLookup, latestId: number, keepNewer: boolean, hazards: Map<Change, Hazard[]>,
): Promise<void> {
  for (const r of restoresIntoLiveRows(changes)) {
    const live = lookup.namesAt(latestId, r.schema, r.table, r.column);
    const liveKey = r.key.map((k) => ({ ...k, name: lookup.namesAt(latestId, r.schema, r.table, k.name).column! }));
    const match = liveKey.map((k, i) => `t.${quoteIdent(k.name)} = b.${quoteIdent(savedName(r.backup, r.key[i]!.name))}::${k.type}`).join(' AND ');
    const where = r.changedSince(`t.${quoteIdent(live.column!)}`, `b.${quoteIdent(savedName(r.backup, r.column))}`);
    let count: number;
    try {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${qualify(live.schema, live.table)} AS t JOIN ${qualify(TOOL_SCHEMA, r.backup.relation)} AS b ON ${match} WHERE ${where}`);
      count = row?.n ?? 0;
    } catch (e) {
      add(hazards, r.change, { code: 'may-fail', severity: 'medium', message: `Whether values of ${r.schema}.${r.table}.${r.column} changed since they were backed up could not be checked (${(e as Error).message}): the rollback restores every backed-up value` });
      continue;
    }
    if (count === 0) continue;
    const rows = `${count} row(s) of ${r.schema}.${r.table}.${r.column}`;
    add(hazards, r.change, keepNewer
      ? { code: 'breaking-change', severity: 'low', message: `${rows} were changed after the apply that backed them up: they keep their newer values (--keep-newer); the other rows get their backed-up values` }
      : { code: 'data-loss', severity: 'high', message: `${rows} were changed after the apply that backed them up: restoring overwrites those newer values with the backed-up ones. To keep them, plan the rollback with --keep-newer` });
  }
}

function restoresIntoLiveRows(changes: Change[]): Restore[] {
  const out: Restore[] = [];
  const added = new Set(changes.flatMap((c) => (c.kind === 'add-column' ? [`${c.schema}\u0000${c.table}\u0000${c.column.name}`] : c.kind === 'create-table' ? [`${c.schema}\u0000${c.table.name}`] : [])));
  for (const change of changes) {
    if (change.kind === 'alter-column' && change.restoreFrom) {
      // What the lossy change made of the backed-up value: the old type's value cast to today's type.
      const cast = `::${change.to.type}::${change.from.type}`;
      out.push({ change, schema: change.schema, table: change.table, column: change.to.name, key: change.restoreFrom.key, backup: change.restoreFrom.backup, changedSince: (t, b) => `${t} IS DISTINCT FROM ${b}${cast}` });
    } else if (change.kind === 'restore-column' && !added.has(`${change.schema}\u0000${change.table}\u0000${change.column.name}`) && !added.has(`${change.schema}\u0000${change.table}`)
      && !isArrayType(change.column.type)) {
      // A cleared value is NULL until someone writes a new one.
      out.push({ change, schema: change.schema, table: change.table, column: change.column.name, key: change.key, backup: change.backup, changedSince: (t) => `${t} IS NOT NULL` });
    }
  }
  return out;
}

function add(hazards: Map<Change, Hazard[]>, change: Change, hazard: Hazard) {
  hazards.set(change, [...(hazards.get(change) ?? []), hazard]);
}
