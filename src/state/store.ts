import type { Database } from '../db/database.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import type { Model } from '../model/types.js';
import type { Scope } from '../workflow/scope.js';
import { qualify, quoteIdent } from '../sql/quote.js';
import type { KeyColumn } from '../diff/changes.js';
import type { BackupSpec } from '../plan/types.js';
import { JOURNAL_DDL, journalExists } from './journal.js';

/**
 * Snapshot history and backups live in the target database itself, in the
 * tool's own schema, written in the same transaction as the change they
 * describe: any machine with the database URL sees the same history, and a
 * failed apply leaves no record of changes that did not happen.
 */

export interface RenameEvent {
  kind: 'schema' | 'table' | 'column';
  schema: string;
  /** For column renames: the table's name when the rename ran. */
  table?: string;
  from: string;
  to: string;
}

/** A snapshot without its model (but how many tables it has): what history listings and parent links need. */
export type SnapshotSummary = Omit<Snapshot, 'model'> & { tableCount: number };

export interface Snapshot {
  id: number;
  createdAt: string;
  planId: string | null;
  kind: 'baseline' | 'migrate' | 'rollback';
  parentId: number | null;
  fingerprint: string;
  scope: Scope;
  model: Model;
  renames: RenameEvent[];
  appliedBy: string;
  toolVersion: string;
}

export interface BackupRecord {
  relation: string;
  /** The snapshot of the apply that took it; null while that apply is partial (see the journal). */
  snapshotId: number | null;
  planId: string;
  step: number;
  kind: BackupSpec['kind'];
  schema: string;
  table: string;
  column: string | null;
  columns: string[];
  key: KeyColumn[] | null;
}

const t = (name: string) => qualify(TOOL_SCHEMA, name);

const BACKUP_KINDS = `('table', 'column', 'values')`;

export const STATE_DDL = `
CREATE SCHEMA IF NOT EXISTS ${quoteIdent(TOOL_SCHEMA)};
CREATE TABLE IF NOT EXISTS ${t('snapshots')} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  plan_id text,
  kind text NOT NULL CHECK (kind IN ('baseline', 'migrate', 'rollback')),
  parent_id bigint REFERENCES ${t('snapshots')} (id),
  fingerprint text NOT NULL,
  scope jsonb NOT NULL,
  model jsonb NOT NULL,
  renames jsonb NOT NULL DEFAULT '[]',
  applied_by text NOT NULL DEFAULT current_user,
  tool_version text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${t('backups')} (
  relation text PRIMARY KEY,
  snapshot_id bigint REFERENCES ${t('snapshots')} (id),
  plan_id text NOT NULL,
  step integer NOT NULL,
  kind text NOT NULL CONSTRAINT backups_kind_check CHECK (kind IN ${BACKUP_KINDS}),
  schema_name text NOT NULL,
  table_name text NOT NULL,
  column_name text,
  columns jsonb NOT NULL,
  key jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

export async function stateExists(db: Database): Promise<boolean> {
  const rows = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [t('snapshots')]);
  return rows[0]?.present === true;
}

export async function ensureStateSchema(db: Database): Promise<void> {
  if (!(await stateExists(db))) {
    await db.exec(`${STATE_DDL};${JOURNAL_DDL}`);
    return;
  }
  // State written by earlier versions has no apply journal, and a backup always had its snapshot.
  if (!(await journalExists(db))) await db.exec(`${JOURNAL_DDL}; ALTER TABLE ${t('backups')} ALTER COLUMN snapshot_id DROP NOT NULL`);
  // State written by 0.1.0 knew only table and column backups.
  const [check] = await db.query<{ definition: string }>(
    `SELECT pg_catalog.pg_get_constraintdef(oid) AS definition FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass AND contype = 'c' AND conname = 'backups_kind_check'`,
    [t('backups')],
  );
  if (check && !check.definition.includes("'values'")) {
    await db.exec(`ALTER TABLE ${t('backups')} DROP CONSTRAINT backups_kind_check, ADD CONSTRAINT backups_kind_check CHECK (kind IN ${BACKUP_KINDS})`);
  }
}

interface SnapshotRow {
  id: string | number; created_at: string | Date; plan_id: string | null; kind: Snapshot['kind'];
  parent_id: string | number | null; fingerprint: string; scope: Snapshot['scope']; model?: Model;
  renames: RenameEvent[]; applied_by: string; tool_version: string; table_count?: number;
}

function toSummary(r: SnapshotRow): SnapshotSummary {
  return { ...common(r), tableCount: Number(r.table_count ?? 0) };
}

function common(r: SnapshotRow): Omit<Snapshot, 'model'> {
  return {
    id: Number(r.id), createdAt: new Date(r.created_at).toISOString(), planId: r.plan_id, kind: r.kind,
    parentId: r.parent_id === null ? null : Number(r.parent_id), fingerprint: r.fingerprint, scope: r.scope,
    renames: r.renames, appliedBy: r.applied_by, toolVersion: r.tool_version,
  };
}

const toSnapshot = (r: SnapshotRow): Snapshot => ({ ...common(r), model: r.model! });

// A model is megabytes at thousands of tables: read only where it is used.
const columns = `id, created_at, plan_id, kind, parent_id, fingerprint, scope, renames, applied_by, tool_version`;
const summaryColumns = `${columns}, (SELECT count(*) FROM jsonb_array_elements(model->'schemas') s, jsonb_array_elements(s->'tables') t) AS table_count`;
const snapshotColumns = `${columns}, model`;

export async function latestSnapshot(db: Database): Promise<Snapshot | undefined> {
  if (!(await stateExists(db))) return undefined;
  const rows = await db.query<SnapshotRow>(`SELECT ${snapshotColumns} FROM ${t('snapshots')} ORDER BY id DESC LIMIT 1`);
  return rows[0] && toSnapshot(rows[0]);
}

export async function latestSnapshotSummary(db: Database): Promise<SnapshotSummary | undefined> {
  if (!(await stateExists(db))) return undefined;
  const rows = await db.query<SnapshotRow>(`SELECT ${summaryColumns} FROM ${t('snapshots')} ORDER BY id DESC LIMIT 1`);
  return rows[0] && toSummary(rows[0]);
}

export async function getSnapshot(db: Database, id: number): Promise<Snapshot | undefined> {
  if (!(await stateExists(db))) return undefined;
  const rows = await db.query<SnapshotRow>(`SELECT ${snapshotColumns} FROM ${t('snapshots')} WHERE id = $1`, [id]);
  return rows[0] && toSnapshot(rows[0]);
}

/** The objects marked preventDestroy by the file an apply recorded in this snapshot (see plan/protection.ts). */
export async function protectionsAt(db: Database, snapshotId: number): Promise<string[]> {
  const rows = await db.query<{ keys: string[] }>(`SELECT COALESCE(model->'preventDestroy', '[]'::jsonb) AS keys FROM ${t('snapshots')} WHERE id = $1`, [snapshotId]);
  return rows[0]?.keys ?? [];
}

/** The snapshot an apply of this plan recorded, if one did. */
export async function snapshotOfPlan(db: Database, planId: string): Promise<Omit<Snapshot, 'model'> | undefined> {
  if (!(await stateExists(db))) return undefined;
  const rows = await db.query<SnapshotRow>(`SELECT ${columns} FROM ${t('snapshots')} WHERE plan_id = $1 ORDER BY id DESC LIMIT 1`, [planId]);
  return rows[0] && common(rows[0]);
}

/** The history, oldest first, without the models (getSnapshot reads one). */
export async function listSnapshots(db: Database): Promise<SnapshotSummary[]> {
  if (!(await stateExists(db))) return [];
  const rows = await db.query<SnapshotRow>(`SELECT ${summaryColumns} FROM ${t('snapshots')} ORDER BY id`);
  return rows.map(toSummary);
}

export async function insertSnapshot(db: Database, s: Omit<Snapshot, 'id' | 'createdAt' | 'appliedBy'>): Promise<Snapshot> {
  const rows = await db.query<SnapshotRow>(
    `INSERT INTO ${t('snapshots')} (plan_id, kind, parent_id, fingerprint, scope, model, renames, tool_version)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8) RETURNING ${columns}`,
    [s.planId, s.kind, s.parentId, s.fingerprint, JSON.stringify(s.scope), JSON.stringify(s.model), JSON.stringify(s.renames), s.toolVersion],
  );
  // The model is the one just sent: reading it back would hold a second copy of megabytes.
  return { ...common(rows[0]!), model: s.model };
}

export async function insertBackup(db: Database, b: BackupRecord): Promise<void> {
  await db.query(
    `INSERT INTO ${t('backups')} (relation, snapshot_id, plan_id, step, kind, schema_name, table_name, column_name, columns, key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)`,
    [b.relation, b.snapshotId, b.planId, b.step, b.kind, b.schema, b.table, b.column, JSON.stringify(b.columns), b.key === null ? null : JSON.stringify(b.key)],
  );
}

/** Backups taken by applies that produced the given snapshots, oldest first. */
export async function backupsTakenBy(db: Database, snapshotIds: number[]): Promise<BackupRecord[]> {
  if (snapshotIds.length === 0 || !(await stateExists(db))) return [];
  return readBackups(db, 'snapshot_id = ANY($1::bigint[])', [snapshotIds]);
}

/** Backups a partial apply took in the units it committed (they have no snapshot yet). */
export async function backupsOfPartialApply(db: Database, planId: string): Promise<BackupRecord[]> {
  if (!(await stateExists(db))) return [];
  return readBackups(db, 'snapshot_id IS NULL AND plan_id = $1', [planId]);
}

/** The backups an online apply recorded unit by unit, given the snapshot it ended with. */
export async function claimBackups(db: Database, planId: string, snapshotId: number): Promise<void> {
  await db.query(`UPDATE ${t('backups')} SET snapshot_id = $1 WHERE plan_id = $2 AND snapshot_id IS NULL`, [snapshotId, planId]);
}

async function readBackups(db: Database, where: string, params: unknown[]): Promise<BackupRecord[]> {
  const rows = await db.query<{
    relation: string; snapshot_id: string | number | null; plan_id: string; step: number; kind: BackupSpec['kind'];
    schema_name: string; table_name: string; column_name: string | null; columns: string[]; key: KeyColumn[] | null;
  }>(`SELECT relation, snapshot_id, plan_id, step, kind, schema_name, table_name, column_name, columns, key
      FROM ${t('backups')} WHERE ${where} ORDER BY snapshot_id NULLS LAST, step`, params);
  return rows.map((r) => ({
    relation: r.relation, snapshotId: r.snapshot_id === null ? null : Number(r.snapshot_id), planId: r.plan_id, step: r.step, kind: r.kind,
    schema: r.schema_name, table: r.table_name, column: r.column_name, columns: r.columns, key: r.key,
  }));
}
