import type { Database } from '../db/database.js';
import type { Routine } from '../model/types.js';

/** How long one statement of a planning transaction may run, and wait for a lock. */
export const PROBE_STATEMENT_TIMEOUT = '30s';
export const PROBE_LOCK_TIMEOUT = '5s';

/**
 * Run `work` in a transaction that is always rolled back and cannot commit:
 * a deferred constraint trigger that raises fires at any COMMIT, so even a
 * statement that tried to end the transaction early (none can reach here:
 * every SQL piece of a file is checked by PostgreSQL's parser first) would
 * abort everything instead. Each statement is bounded in time and in how
 * long it waits for a lock.
 */
export async function inRolledBackTransaction<T>(db: Database, work: () => Promise<T>): Promise<T> {
  await db.exec('BEGIN');
  try {
    await db.exec(`SET LOCAL statement_timeout = '${PROBE_STATEMENT_TIMEOUT}';
SET LOCAL lock_timeout = '${PROBE_LOCK_TIMEOUT}';
CREATE FUNCTION pg_temp.schemaform_never_commit() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'schemaform: a planning transaction must never commit'; END $$;
CREATE TEMP TABLE schemaform_never_commit (x integer);
CREATE CONSTRAINT TRIGGER schemaform_never_commit AFTER INSERT ON pg_temp.schemaform_never_commit
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.schemaform_never_commit();
INSERT INTO pg_temp.schemaform_never_commit VALUES (1)`);
    return await work();
  } finally {
    await db.exec('ROLLBACK');
  }
}

/**
 * A routine as planning creates it: same name, arguments, result and
 * attributes, so that what calls it resolves and is spelled as it will be,
 * but a body that only raises. PostgreSQL may run an immutable function
 * with constant arguments while it plans an index expression or a check,
 * and no body from the file is to run during `schema plan`. A rehearsal,
 * where a default may be evaluated (on no rows), wants one that returns
 * nothing instead of raising.
 */
export function withInertBody(routine: Routine, body: 'raise' | 'return nothing' = 'raise'): Routine {
  return { ...routine, objectFile: undefined, language: 'plpgsql', securityDefiner: false, leakproof: false, settings: undefined, body: body === 'raise' ? RAISING : returningNothing(routine) };
}

const RAISING = "BEGIN RAISE EXCEPTION 'schemaform: routine bodies do not run while planning'; END";

/** A body that returns no value, as plpgsql accepts it for each kind of result (checked when first called). */
function returningNothing(r: Routine): string {
  const noValue = /^\s*(SETOF\s|TABLE\s*\(|void\s*$)/i.test(r.returns ?? '') || /(^|,\s*)(OUT|INOUT)\s/i.test(r.arguments);
  return r.kind === 'procedure' ? 'BEGIN NULL; END' : noValue ? 'BEGIN RETURN; END' : 'BEGIN RETURN NULL; END';
}
