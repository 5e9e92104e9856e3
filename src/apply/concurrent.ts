import { isServerError, type Database } from '../db/database.js';
import type { PlanStep } from '../plan/types.js';
import { detachPartition } from '../plan/render.js';
import { qualify } from '../sql/quote.js';

type IndexState = 'absent' | 'valid' | 'invalid';

async function indexState(db: Database, schema: string, name: string): Promise<IndexState> {
  const [row] = await db.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_catalog.pg_index i
     JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2`, [schema, name]);
  return row === undefined ? 'absent' : row.valid ? 'valid' : 'invalid';
}

type PartitionState = 'attached' | 'pending' | 'detached';

/** Whether a table is a partition of `parent`, one whose detach is pending (PostgreSQL 14+), or neither. */
async function partitionState(db: Database, schema: string, table: string, parent: { schema: string; table: string }): Promise<PartitionState> {
  const [row] = await db.query<{ pending: boolean }>(
    `SELECT i.inhdetachpending AS pending FROM pg_catalog.pg_inherits i
     JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND pn.nspname = $3 AND p.relname = $4`, [schema, table, parent.schema, parent.table]);
  return row === undefined ? 'detached' : row.pending ? 'pending' : 'attached';
}

/**
 * Run a step that PostgreSQL refuses inside a transaction: a concurrent
 * index build or drop, or a concurrent detach, statement by statement. Any
 * of them may have been interrupted before (a killed apply, a lock
 * timeout, a duplicate key): a build then left an INVALID index, which is
 * dropped (concurrently) and built again; one found valid was finished and
 * is not built twice; an index already gone is not dropped again. A detach
 * left pending is completed (DETACH ... FINALIZE); one that finished is
 * not run again. A build that fails now removes the INVALID index it
 * leaves, so the failure leaves the table as it was.
 */
export async function runConcurrentStep(db: Database, step: PlanStep, run: (statement: string) => Promise<void>): Promise<void> {
  const change = step.change;
  const [first, ...rest] = step.sql;
  if (change.kind === 'set-partition' && change.from && !change.to) {
    const state = await partitionState(db, change.schema, change.table, change.from);
    if (state === 'attached') await run(first!);
    if (state === 'pending') await run(detachPartition(change.from, qualify(change.schema, change.table), 'finalize'));
  } else if (change.kind === 'drop-index') {
    if ((await indexState(db, change.schema, change.index.name)) !== 'absent') await run(first!);
  } else if (change.kind === 'create-index') {
    const { schema, index } = change;
    const state = await indexState(db, schema, index.name);
    if (state === 'invalid') await run(dropConcurrently(schema, index.name));
    if (state !== 'valid') {
      try {
        await run(first!);
      } catch (e) {
        if (isServerError(e)) await removeInvalid(db, schema, index.name);
        throw e;
      }
    }
  } else {
    throw new Error(`step ${step.index} (${change.kind}) cannot run outside a transaction`);
  }
  for (const statement of rest) await run(statement);
}

/** After a failed concurrent build: drop what it left, so that the table is as it was. Throws nothing; says whether it is gone. */
async function removeInvalid(db: Database, schema: string, name: string): Promise<boolean> {
  try {
    if ((await indexState(db, schema, name)) === 'invalid') await db.run(dropConcurrently(schema, name));
    return (await indexState(db, schema, name)) !== 'invalid';
  } catch {
    return false;
  }
}

const dropConcurrently = (schema: string, name: string) => `DROP INDEX CONCURRENTLY IF EXISTS ${qualify(schema, name)}`;

/**
 * Where a concurrent step that failed with a server error left its table:
 * as it was (`undone`: a failed build's INVALID index is removed first);
 * part-way, in a state that running the step again finishes (`resumable`:
 * a detach left pending, an index a drop left INVALID); or not known.
 * Either of the first two may run again at once, but only the first may
 * be reported as rolled back.
 */
export async function stateAfterFailure(db: Database, step: PlanStep): Promise<'undone' | 'resumable' | 'unknown'> {
  const c = step.change;
  try {
    if (c.kind === 'create-index') return (await removeInvalid(db, c.schema, c.index.name)) ? 'undone' : 'unknown';
    if (c.kind === 'drop-index') return (await indexState(db, c.schema, c.index.name)) === 'valid' ? 'undone' : 'resumable';
    if (c.kind === 'set-partition' && c.from) return (await partitionState(db, c.schema, c.table, c.from)) === 'attached' ? 'undone' : 'resumable';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
