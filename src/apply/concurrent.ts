import { isServerError, type Database } from '../db/database.js';
import type { PlanStep } from '../plan/types.js';
import { qualify } from '../sql/quote.js';

type IndexState = 'absent' | 'valid' | 'invalid';

async function indexState(db: Database, schema: string, name: string): Promise<IndexState> {
  const [row] = await db.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_catalog.pg_index i
     JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2`, [schema, name]);
  return row === undefined ? 'absent' : row.valid ? 'valid' : 'invalid';
}

/**
 * Run a step that PostgreSQL refuses inside a transaction: a concurrent
 * index build or drop, statement by statement. Either may have been
 * interrupted before (a killed apply, a lock timeout, a duplicate key):
 * a build then left an INVALID index, which is dropped (concurrently) and
 * built again; one found valid was finished and is not built twice; an
 * index already gone is not dropped again. A build that fails now removes
 * the INVALID index it leaves, so the failure leaves the table as it was.
 */
export async function runConcurrentStep(db: Database, step: PlanStep, run: (statement: string) => Promise<void>): Promise<void> {
  const change = step.change;
  const [first, ...rest] = step.sql;
  if (change.kind === 'drop-index') {
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
 * After a concurrent step failed with a server error: whether the table is
 * as it was, so that the unit can run again. A failed build's INVALID index
 * is removed first.
 */
export async function undoneAfterFailure(db: Database, step: PlanStep): Promise<boolean> {
  const c = step.change;
  if (c.kind === 'create-index') return removeInvalid(db, c.schema, c.index.name);
  return true;
}
