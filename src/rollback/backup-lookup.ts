import type { BackupRef, KeyColumn } from '../diff/changes.js';
import type { BackupRecord, RenameEvent } from '../state/store.js';

/** A rename recorded by the apply that made snapshot `snapshotId`. */
export type DatedRename = RenameEvent & { snapshotId: number };
/** A backup with the snapshot of the apply that took it (a partial apply's counts as one after the latest). */
export type DatedBackup = BackupRecord & { snapshotId: number };

/**
 * Backups are recorded under the names objects had when the backup was
 * taken; a rollback speaks the names of the snapshot it returns to. Between
 * the two lie the renames of every apply since (a table renamed and its
 * column dropped in the same apply; a column renamed in one apply and its
 * table dropped in the next). This follows each object from its name in the
 * target snapshot through those renames, up to the apply that took a backup,
 * so that backups are found by the object they belong to, not by a name.
 */
export class BackupLookup {
  constructor(private readonly backups: DatedBackup[], private readonly renames: DatedRename[]) {}

  /** Names of a target snapshot's schema, table and column once the applies up to `snapshotId` ran. */
  namesAt(snapshotId: number, schema: string, table: string, column?: string): { schema: string; table: string; column?: string } {
    let s = schema;
    let t = table;
    let c = column;
    for (const e of this.renames) {
      if (e.snapshotId > snapshotId) break;
      if (e.kind === 'schema' && e.from === s) s = e.to;
      else if (e.kind === 'table' && e.schema === s && e.from === t) t = e.to;
      else if (e.kind === 'column' && c !== undefined && e.schema === s && e.table === t && e.from === c) c = e.to;
    }
    return { schema: s, table: t, ...(c !== undefined && { column: c }) };
  }

  /** The earliest backup of this kind of the target's table (or one of its columns), taken before `before` if given. */
  earliest(kind: BackupRecord['kind'], schema: string, table: string, column?: string, before = Infinity): DatedBackup | undefined {
    return this.backups.find((b) => {
      if (b.kind !== kind || b.snapshotId >= before) return false;
      const then = this.namesAt(b.snapshotId, schema, table, column);
      return b.schema === then.schema && b.table === then.table && (column === undefined || b.column === then.column);
    });
  }

  /**
   * How a backup names the target table's columns, where that differs from
   * the target's names: what a restore reads from the backup relation.
   */
  reference(backup: DatedBackup, schema: string, table: string, columns: string[]): BackupRef {
    const names: Record<string, string> = {};
    for (const c of columns) {
      const then = this.namesAt(backup.snapshotId, schema, table, c).column!;
      if (then !== c) names[c] = then;
    }
    return { relation: backup.relation, columns: backup.columns, takenBy: backup.planId, ...(Object.keys(names).length > 0 && { names }) };
  }

  /** The backup's key in the target's column names, or undefined when a key column is not in the target table. */
  keyOf(backup: DatedBackup, schema: string, table: string, columns: string[]): KeyColumn[] | undefined {
    if (!backup.key) return undefined;
    const byNameThen = new Map(columns.map((c) => [this.namesAt(backup.snapshotId, schema, table, c).column!, c]));
    const key = backup.key.map((k) => ({ ...k, name: byNameThen.get(k.name) }));
    return key.every((k): k is KeyColumn => k.name !== undefined) ? key : undefined;
  }
}
