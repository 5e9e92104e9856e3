import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { diffModels, refuseRepartitioning } from '../diff/diff.js';
import { findTable, withRowColumns } from '../model/row-columns.js';
import { SchemaformError } from '../errors.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import type { Model } from '../model/types.js';
import { buildPlan } from '../plan/build.js';
import type { Hazard, Plan } from '../plan/types.js';
import { toolVersion } from '../paths.js';
import { quoteIdent, truncateIdentifier } from '../sql/quote.js';
import { backupsTakenBy, getSnapshot, listSnapshots, type BackupRecord, type RenameEvent } from '../state/store.js';
import { comparisonBase, newPlanId } from '../workflow/plan.js';
import { restrictToScope } from '../workflow/scope.js';

export interface RollbackOptions {
  /** Snapshot id to return to; default: the one before the latest apply. */
  to?: number;
  now?: () => Date;
  /** Called as planning moves on: reading the database, comparing, building the plan. */
  onPhase?: (phase: string) => void;
}

/**
 * Plan the way back to an earlier snapshot: its schema, with the renames made
 * since undone as renames (not drop + create), and data that later applies
 * destroyed put back from their backups.
 */
export async function planRollback(db: Database, options: RollbackOptions = {}): Promise<Plan> {
  const snapshots = await listSnapshots(db);
  const latest = snapshots.at(-1);
  if (!latest) throw new SchemaformError('nothing to roll back: no apply has been recorded in this database', { hint: 'Run `schema state list` to see the history once something has been applied.' });
  const targetId = options.to ?? latest.parentId;
  if (targetId === null || targetId === undefined) throw new SchemaformError(`snapshot ${latest.id} has no earlier snapshot to return to`, { hint: 'Pass --to with an id from `schema state list`.' });
  const target = await getSnapshot(db, targetId);
  if (!target) throw new SchemaformError(`no snapshot ${targetId}`, { hint: 'Pick an id from `schema state list`.' });
  if (target.id === latest.id) throw new SchemaformError(`snapshot ${target.id} is already the latest state`, { hint: 'Pick an earlier id from `schema state list`.' });

  const later = snapshots.filter((s) => s.id > target.id);
  const renames = later.flatMap((s) => s.renames);
  const desired = withRenameHints(target.model, renames);
  const server = await serverInfo(db);
  const scope = {
    schemas: [...new Set([...target.scope.schemas, ...latest.scope.schemas])].sort(),
    extensions: [...new Set([...target.scope.extensions, ...latest.scope.extensions])].sort(),
  };
  options.onPhase?.('reading the database');
  const live = await introspect(db, { schemas: scope.schemas }, server);
  const source = restrictToScope(live.model, scope);
  const backups = await backupsTakenBy(db, later.map((s) => s.id));
  const unrestorable = new Map<Change, Hazard[]>();
  options.onPhase?.('comparing');
  const { renames: schemaRenames, base } = await comparisonBase(db, source, desired, scope);
  refuseRepartitioning(base, desired);
  const valueRestores = clearedValueRestores(backups, desired);
  const recreateEnums = new Set(valueRestores.map((r) => r.column.type.replace(/(\[\])+$/, '')));
  const diffed = diffModels(base, desired, { role: server.currentRole, recreateEnums });
  const changes = [...withRestores([...schemaRenames, ...diffed], backups, renames, unrestorable), ...valueRestores]
    .map((c) => (c.kind === 'restore-table' && (c.table.partitionOf || c.table.inherits) ? { ...c, table: withRowColumns(c.table, desired) } : c));
  const now = (options.now ?? (() => new Date()))();
  options.onPhase?.('building the plan');
  return buildPlan({
    id: newPlanId(now), createdAt: now.toISOString(), toolVersion, kind: 'rollback',
    target: { systemIdentifier: server.systemIdentifier, database: server.database, serverVersion: server.versionNum },
    scope,
    source: { model: source, snapshotId: latest.id, rowEstimates: live.rowEstimates },
    desired, changes, allowDestructive: false, rollbackTo: target.id, extraHazards: unrestorable,
  });
}

/** Follow an old name forward through the renames made since. */
function forward(name: string, events: RenameEvent[], match: (e: RenameEvent) => boolean): string[] {
  const names = [name];
  for (const e of events) if (match(e) && e.from === names.at(-1)) names.push(e.to);
  return names;
}

function withRenameHints(model: Model, renames: RenameEvent[]): Model {
  if (renames.length === 0) return model;
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s,
      ...(() => {
        const names = forward(s.name, renames, (e) => e.kind === 'schema');
        return names.length > 1 ? { renamedFrom: names.at(-1)! } : {};
      })(),
      tables: s.tables.map((t) => {
        const tableNames = forward(t.name, renames, (e) => e.kind === 'table' && e.schema === s.name);
        const current = tableNames.at(-1)!;
        return {
          ...t,
          ...(current !== t.name && { renamedFrom: current }),
          columns: t.columns.map((c) => {
            const names = forward(c.name, renames, (e) => e.kind === 'column' && e.schema === s.name && tableNames.includes(e.table!));
            return names.length > 1 ? { ...c, renamedFrom: names.at(-1)! } : c;
          }),
        };
      }),
    })),
  };
}

/** Add the steps that put backed-up rows and values back where they came from. */
function withRestores(changes: Change[], backups: BackupRecord[], renames: RenameEvent[], unrestorable: Map<Change, Hazard[]>): Change[] {
  const lost = (change: Change, message: string) => unrestorable.set(change, [{ code: 'data-loss', severity: 'high', message }]);
  const earliest = (kind: 'table' | 'column', schema: string, tableNames: string[], column?: string) =>
    backups.find((b) => b.kind === kind && b.schema === schema && tableNames.includes(b.table) && (column === undefined || b.column === column));
  const out: Change[] = [];
  for (const change of changes) {
    if (change.kind === 'create-table') {
      out.push(change);
      const names = forward(change.table.name, renames, (e) => e.kind === 'table' && e.schema === change.schema);
      const backup = earliest('table', change.schema, names);
      if (backup) out.push({ kind: 'restore-table', schema: change.schema, table: change.table, backup: { relation: backup.relation, columns: backup.columns, takenBy: backup.planId } });
      else lost(change, `Table ${change.schema}.${change.table.name} comes back empty: no backup of its rows exists (it was not dropped by a schemaform apply)`);
    } else if (change.kind === 'add-column') {
      const backup = earliest('column', change.schema, [change.table], change.column.name);
      if (!backup || !backup.key) {
        out.push(change);
        lost(change, `Column ${change.schema}.${change.table}.${change.column.name} comes back without its old values: ${backup ? 'its table has no primary key to match rows by' : 'no backup of them exists'}`);
        continue;
      }
      // Add it nullable, fill it, then make it NOT NULL: existing rows need their values first.
      out.push({ ...change, deferNotNull: change.column.notNull });
      out.push({ kind: 'restore-column', schema: change.schema, table: change.table, column: change.column, key: backup.key, backup: { relation: backup.relation, columns: backup.columns, takenBy: backup.planId } });
      if (change.column.notNull) {
        out.push({ kind: 'alter-column', schema: change.schema, table: change.table, from: { ...change.column, notNull: false }, to: change.column, aspects: ['not-null'], afterRestore: true });
      }
    } else if (change.kind === 'alter-column' && change.aspects.includes('type')) {
      const backup = earliest('column', change.schema, [change.table], change.to.name);
      if (!backup?.key) {
        out.push(change);
        continue;
      }
      // The values were cut by the lossy change (e.g. to varchar(20)), so
      // casting them back may fail: rows in the backup take their old text
      // instead, in the same rewrite; rows added since are cast as they are.
      const helper = truncateIdentifier(`schemaform_${backup.relation}`);
      const cast = change.to.using ?? `${quoteIdent(change.to.name)}::${change.to.type}`;
      out.push({
        ...change,
        to: { ...change.to, using: `CASE WHEN ${quoteIdent(helper)} IS NOT NULL THEN ${quoteIdent(helper)}::${change.to.type} ELSE ${cast} END` },
        restoreFrom: { key: backup.key, backup: { relation: backup.relation, columns: backup.columns, takenBy: backup.planId }, helper },
      });
    } else {
      out.push(change);
    }
  }
  return out;
}

/**
 * Values an apply cleared because their enum lost them go back once the
 * enum has them again (the differ recreates such enums), newest backup
 * first so that the oldest value wins.
 */
function clearedValueRestores(backups: BackupRecord[], desired: Model): Array<Extract<Change, { kind: 'restore-column' }>> {
  return [...backups].reverse().flatMap((b) => {
    if (b.kind !== 'values' || !b.key || b.column === null) return [];
    const column = findTable(desired, b.schema, b.table)?.columns.find((c) => c.name === b.column);
    return column ? [{ kind: 'restore-column' as const, schema: b.schema, table: b.table, column, key: b.key, backup: { relation: b.relation, columns: b.columns, takenBy: b.planId } }] : [];
  });
}
