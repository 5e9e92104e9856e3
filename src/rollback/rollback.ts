import { withSequenceRestarts } from '../introspect/sequence-positions.js';
import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { refuseRepartitioning } from '../diff/diff.js';
import { findTable, withRowColumns } from '../model/row-columns.js';
import { SchemaformError } from '../errors.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import type { Column, Model } from '../model/types.js';
import { BackupLookup, type DatedBackup } from './backup-lookup.js';
import { savedName } from '../diff/changes.js';
import { warnOfNewerValues } from './newer-values.js';
import { loadParser } from '../sql/parser.js';
import type { Hazard, Plan } from '../plan/types.js';
import { toolVersion } from '../paths.js';
import { quoteIdent, truncateIdentifier } from '../sql/quote.js';
import { backupsOfPartialApply, backupsTakenBy, getSnapshot, listSnapshots, type RenameEvent } from '../state/store.js';
import { partialApplies } from '../state/journal.js';
import { buildSizedPlan, comparisonBase, newPlanId, planChanges, protections } from '../workflow/plan.js';
import { restrictToScope } from '../workflow/scope.js';
import type { Execution } from '../plan/online.js';

export interface RollbackOptions {
  /** Snapshot id to return to; default: the one before the latest apply. */
  to?: number;
  now?: () => Date;
  /** Restore only values that are still what the apply left; keep those written since. */
  keepNewer?: boolean;
  /** Called as planning moves on: reading the database, comparing, building the plan. */
  onPhase?: (phase: string) => void;
  /** online by default (see Execution). */
  execution?: Execution;
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
  // An apply that stopped part-way is undone first: by default back to where it started.
  const partial = (await partialApplies(db))[0];
  const targetId = options.to ?? (partial ? latest.id : latest.parentId);
  if (targetId === null || targetId === undefined) throw new SchemaformError(`snapshot ${latest.id} has no earlier snapshot to return to`, { hint: 'Pass --to with an id from `schema state list`.' });
  const target = await getSnapshot(db, targetId);
  if (!target) throw new SchemaformError(`no snapshot ${targetId}`, { hint: 'Pick an id from `schema state list`.' });
  if (target.id === latest.id && !partial) throw new SchemaformError(`snapshot ${target.id} is already the latest state`, { hint: 'Pick an earlier id from `schema state list`.' });

  // The partial apply counts as one more apply after the latest snapshot.
  const afterLatest = latest.id + 1;
  const later = [...snapshots.filter((s) => s.id > target.id), ...(partial ? [{ id: afterLatest, renames: partial.renames }] : [])];
  const renames = later.flatMap((s) => s.renames);
  const dated = later.flatMap((s) => s.renames.map((r) => ({ ...r, snapshotId: s.id })));
  const desired = withRenameHints(target.model, renames);
  const server = await serverInfo(db);
  const scope = {
    schemas: [...new Set([...target.scope.schemas, ...latest.scope.schemas])].sort(),
    extensions: [...new Set([...target.scope.extensions, ...latest.scope.extensions])].sort(),
    // The rules in force now: what is ignored, whose privileges are managed.
    ...(latest.scope.ignore && { ignore: latest.scope.ignore }),
    ...(latest.scope.managedRoles && { managedRoles: latest.scope.managedRoles }),
  };
  options.onPhase?.('reading the database');
  const live = await introspect(db, { schemas: scope.schemas }, server);
  const source = restrictToScope(live.model, scope);
  const backups: DatedBackup[] = [
    ...(await backupsTakenBy(db, later.map((s) => s.id))).map((b) => ({ ...b, snapshotId: b.snapshotId! })),
    ...(partial ? (await backupsOfPartialApply(db, partial.planId)).map((b) => ({ ...b, snapshotId: afterLatest })) : []),
  ];
  const unrestorable = new Map<Change, Hazard[]>();
  options.onPhase?.('comparing');
  const { renames: schemaRenames, base } = await comparisonBase(db, source, desired, scope);
  refuseRepartitioning(base, desired);
  const lookup = new BackupLookup(backups, dated);
  const keepNewer = options.keepNewer ?? false;
  const valueRestores = clearedValueRestores(backups, lookup, desired, keepNewer);
  const recreateEnums = new Set(valueRestores.map((r) => r.column.type.replace(/(\[\])+$/, '')));
  const { changes: diffed, dependents } = await planChanges(db, base, desired, schemaRenames, { role: server.currentRole, recreateEnums, managedRoles: scope.managedRoles });
  const restoring = [...withRestores(await withSequenceRestarts(db, diffed), lookup, desired, unrestorable, keepNewer), ...valueRestores];
  await warnOfNewerValues(db, restoring, lookup, latest.id, keepNewer, unrestorable);
  const changes = restoring
    .map((c) => (c.kind === 'restore-table' && (c.table.partitionOf || c.table.inherits) ? { ...c, table: withRowColumns(c.table, desired) } : c));
  const marks = await protections(db, changes, target.model.preventDestroy ?? [], latest.id);
  const now = (options.now ?? (() => new Date()))();
  options.onPhase?.('building the plan');
  // The dependency graph reads SQL texts with PostgreSQL's parser.
  if (changes.length) await loadParser();
  return buildSizedPlan(db, {
    id: newPlanId(now), createdAt: now.toISOString(), toolVersion, kind: 'rollback',
    target: { systemIdentifier: server.systemIdentifier, database: server.database, serverVersion: server.versionNum },
    scope,
    source: { model: source, snapshotId: latest.id, rowEstimates: live.rowEstimates },
    desired, changes, dependents, allowDestructive: false, rollbackTo: target.id, extraHazards: unrestorable, ...marks,
    ...(partial && { abandons: partial.planId }),
    ...(options.execution && { execution: options.execution }),
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
function withRestores(changes: Change[], lookup: BackupLookup, desired: Model, unrestorable: Map<Change, Hazard[]>, keepNewer: boolean): Change[] {
  const lost = (change: Change, message: string) => unrestorable.set(change, [...(unrestorable.get(change) ?? []), { code: 'data-loss', severity: 'high', message }]);
  const columnsOf = (schema: string, table: string) => (findTable(desired, schema, table)?.columns ?? []).map((c) => c.name);
  /** A column's values from the earliest backup holding them, taken before `before`: a restore-column, or why not. */
  const columnRestore = (schema: string, table: string, column: Column, before = Infinity): Change | string => {
    const backup = lookup.earliest('column', schema, table, column.name, before);
    if (!backup) return 'no backup of them exists';
    const key = lookup.keyOf(backup, schema, table, columnsOf(schema, table));
    if (!key) return 'its table has no primary key to match rows by';
    return { kind: 'restore-column', schema, table, column, key, backup: lookup.reference(backup, schema, table, [column.name, ...key.map((k) => k.name)]) };
  };
  const out: Change[] = [];
  for (const change of changes) {
    if (change.kind === 'create-table') {
      out.push(change);
      const backup = lookup.earliest('table', change.schema, change.table.name);
      if (!backup) {
        lost(change, `Table ${change.schema}.${change.table.name} comes back empty: no backup of its rows exists (it was not dropped by a schemaform apply)`);
        continue;
      }
      const ref = lookup.reference(backup, change.schema, change.table.name, change.table.columns.map((c) => c.name));
      out.push({ kind: 'restore-table', schema: change.schema, table: change.table, backup: ref });
      // A column dropped (or cut by a lossy change) by an earlier apply than the one that dropped the table: its values are in an older backup.
      for (const column of change.table.columns.filter((c) => c.generated === undefined)) {
        const older = columnRestore(change.schema, change.table.name, column, backup.snapshotId);
        if (typeof older !== 'string') out.push(older);
        else if (!backup.columns.includes(savedName(ref, column.name))) {
          lost(change, `Column ${change.schema}.${change.table.name}.${column.name} comes back without its values: the table's backup does not hold it and ${older}`);
        }
      }
    } else if (change.kind === 'add-column') {
      const restore = columnRestore(change.schema, change.table, change.column);
      if (typeof restore === 'string') {
        out.push(change);
        lost(change, `Column ${change.schema}.${change.table}.${change.column.name} comes back without its old values: ${restore}`);
        continue;
      }
      // Add it nullable, fill it, then make it NOT NULL: existing rows need their values first.
      out.push({ ...change, deferNotNull: change.column.notNull }, restore);
      if (change.column.notNull) {
        out.push({ kind: 'alter-column', schema: change.schema, table: change.table, from: { ...change.column, notNull: false }, to: change.column, aspects: ['not-null'] });
      }
    } else if (change.kind === 'alter-column' && change.aspects.includes('type')) {
      const restore = columnRestore(change.schema, change.table, change.to);
      if (typeof restore === 'string' || restore.kind !== 'restore-column') {
        out.push(change);
        continue;
      }
      // The values were cut by the lossy change (e.g. to varchar(20)), so
      // casting them back may fail: rows in the backup take their old text
      // instead, in the same rewrite; rows added since are cast as they are.
      const helper = truncateIdentifier(`schemaform_${restore.backup.relation}`);
      const cast = change.to.using ?? `${quoteIdent(change.to.name)}::${change.to.type}`;
      out.push({
        ...change,
        to: { ...change.to, using: `CASE WHEN ${quoteIdent(helper)} IS NOT NULL THEN ${quoteIdent(helper)}::${change.to.type} ELSE ${cast} END` },
        restoreFrom: { key: restore.key, backup: { ...restore.backup, ...(keepNewer && { keepNewer }) }, helper },
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
function clearedValueRestores(backups: DatedBackup[], lookup: BackupLookup, desired: Model, keepNewer: boolean): Array<Extract<Change, { kind: 'restore-column' }>> {
  return [...backups].reverse().flatMap((b) => {
    if (b.kind !== 'values' || !b.key || b.column === null) return [];
    for (const schema of desired.schemas) {
      for (const table of schema.tables) {
        const column = table.columns.find((c) => {
          const then = lookup.namesAt(b.snapshotId, schema.name, table.name, c.name);
          return then.schema === b.schema && then.table === b.table && then.column === b.column;
        });
        const names = table.columns.map((c) => c.name);
        const key = column && lookup.keyOf(b, schema.name, table.name, names);
        if (!column || !key) continue;
        const backup = { ...lookup.reference(b, schema.name, table.name, names), ...(keepNewer && { keepNewer }) };
        return [{ kind: 'restore-column' as const, schema: schema.name, table: table.name, column, key, backup }];
      }
    }
    return [];
  });
}
