import type { Database } from '../db/database.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import { qualify } from '../sql/quote.js';
import type { RenameEvent } from './store.js';

/**
 * The apply journal: one row per execution unit of an online apply, in the
 * tool's schema. A transactional unit's row is written in the unit's own
 * transaction, so "done" commits with the unit's changes or not at all; a
 * unit that runs outside a transaction (a concurrent index build) is marked
 * started before and done after. Unit 0 says the apply began. An apply
 * whose plan has journal rows but no snapshot is partial: `schema apply`
 * of the same plan resumes it, `schema state show` lists it, and a
 * rollback plan that undoes it marks its unit 0 abandoned when it commits.
 * Each unit records the renames its steps made, which a rollback of the
 * partial apply must undo as renames.
 */
export const JOURNAL_DDL = `
CREATE TABLE IF NOT EXISTS ${qualify(TOOL_SCHEMA, 'apply_journal')} (
  plan_id text NOT NULL,
  unit integer NOT NULL CHECK (unit >= 0),
  plan_checksum text NOT NULL,
  state text NOT NULL CHECK (state IN ('started', 'done', 'abandoned')),
  steps integer[] NOT NULL,
  renames jsonb NOT NULL DEFAULT '[]',
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (plan_id, unit)
)`;

const journal = qualify(TOOL_SCHEMA, 'apply_journal');

export interface JournalEntry {
  unit: number;
  state: 'started' | 'done' | 'abandoned';
  steps: number[];
  startedAt: string;
  finishedAt: string | null;
}

export interface PartialApply {
  planId: string;
  checksum: string;
  startedAt: string;
  /** Units after unit 0 recorded done. */
  unitsDone: number;
  /** Units after unit 0 recorded at all (done, or started and not finished): none means it changed nothing. */
  unitsRecorded: number;
  /** Renames its committed units made, in order. */
  renames: RenameEvent[];
}

export async function journalExists(db: Database): Promise<boolean> {
  const [row] = await db.query<{ present: boolean }>('SELECT pg_catalog.to_regclass($1) IS NOT NULL AS present', [journal]);
  return row?.present === true;
}

/** The journal of one plan, by unit; empty when it never began (or the state predates the journal). */
export async function readJournal(db: Database, planId: string): Promise<{ checksum?: string; entries: JournalEntry[] }> {
  if (!(await journalExists(db))) return { entries: [] };
  const rows = await db.query<{ unit: number; state: JournalEntry['state']; steps: number[]; started_at: Date; finished_at: Date | null; plan_checksum: string }>(
    `SELECT unit, state, steps, started_at, finished_at, plan_checksum FROM ${journal} WHERE plan_id = $1 ORDER BY unit`, [planId],
  );
  return {
    ...(rows[0] && { checksum: rows[0].plan_checksum }),
    entries: rows.map((r) => ({ unit: r.unit, state: r.state, steps: r.steps, startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null })),
  };
}

/** Applies that began and recorded no snapshot: stopped part-way, newest first. */
export async function partialApplies(db: Database): Promise<PartialApply[]> {
  if (!(await journalExists(db))) return [];
  const rows = await db.query<{ plan_id: string; plan_checksum: string; started_at: Date; units_done: number; units_recorded: number; renames: RenameEvent[] }>(
    `SELECT j.plan_id, j.plan_checksum, j.started_at,
            (SELECT count(*) FILTER (WHERE d.state = 'done')::int FROM ${journal} d WHERE d.plan_id = j.plan_id AND d.unit > 0) AS units_done,
            (SELECT count(*)::int FROM ${journal} d WHERE d.plan_id = j.plan_id AND d.unit > 0) AS units_recorded,
            (SELECT coalesce(jsonb_agg(r ORDER BY d.unit), '[]') FROM ${journal} d, jsonb_array_elements(d.renames) r
             WHERE d.plan_id = j.plan_id AND d.unit > 0 AND d.state = 'done') AS renames
     FROM ${journal} j
     WHERE j.unit = 0 AND j.state = 'done' AND NOT EXISTS (SELECT 1 FROM ${qualify(TOOL_SCHEMA, 'snapshots')} s WHERE s.plan_id = j.plan_id)
     ORDER BY j.started_at DESC`,
  );
  return rows.map((r) => ({ planId: r.plan_id, checksum: r.plan_checksum, startedAt: new Date(r.started_at).toISOString(), unitsDone: r.units_done, unitsRecorded: r.units_recorded, renames: r.renames }));
}

/** Record that a unit started (before a unit that runs outside a transaction) or is done (inside a transactional unit's transaction, or after the other kind). */
export async function recordUnit(db: Database, planId: string, checksum: string, unit: number, state: 'started' | 'done', steps: number[], renames: RenameEvent[] = []): Promise<void> {
  await db.query(
    `INSERT INTO ${journal} (plan_id, unit, plan_checksum, state, steps, renames, finished_at)
     VALUES ($1, $2, $3, $4, $5::int[], $6::jsonb, CASE WHEN $4 = 'done' THEN clock_timestamp() END)
     ON CONFLICT (plan_id, unit) DO UPDATE SET state = EXCLUDED.state, renames = EXCLUDED.renames, finished_at = EXCLUDED.finished_at`,
    [planId, unit, checksum, state, steps, JSON.stringify(renames)],
  );
}

/** A rollback undid this partial apply: it is no longer to be resumed. In the rollback's own transaction. */
export async function abandonApply(db: Database, planId: string): Promise<void> {
  await db.query(`UPDATE ${journal} SET state = 'abandoned', finished_at = clock_timestamp() WHERE plan_id = $1 AND unit = 0`, [planId]);
}

/**
 * Forget an apply that changed nothing (its first unit failed and left
 * nothing behind), and the baseline snapshot recorded for it, if it was the
 * first apply: the state is then as it was before.
 */
export async function forgetApply(db: Database, planId: string, baselineId?: number): Promise<void> {
  if (await journalExists(db)) await db.query(`DELETE FROM ${journal} WHERE plan_id = $1`, [planId]);
  if (baselineId !== undefined) {
    await db.query(`DELETE FROM ${qualify(TOOL_SCHEMA, 'snapshots')} s WHERE s.id = $1 AND s.kind = 'baseline'
      AND NOT EXISTS (SELECT 1 FROM ${qualify(TOOL_SCHEMA, 'snapshots')} c WHERE c.parent_id = s.id)`, [baselineId]);
  }
}
