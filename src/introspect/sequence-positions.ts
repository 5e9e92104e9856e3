import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { SchemaformError } from '../errors.js';
import type { SequenceOptions } from '../model/types.js';
import { qualify } from '../sql/quote.js';

/**
 * PostgreSQL refuses a new MINVALUE or MAXVALUE that leaves a sequence's
 * current value outside (even a never-used one, whose current value is its
 * old START). Where the sequence was never used (pg_sequences.last_value is
 * NULL), nothing was handed out: the change restarts it at its new START.
 * Where it was, and its value falls outside the new range, no restart is
 * safe (values handed out could be handed out again): the plan stops.
 */
export async function withSequenceRestarts(db: Database, changes: Change[]): Promise<Change[]> {
  const live = liveNames(changes);
  const out: Change[] = [];
  for (const c of changes) out.push(c.kind === 'alter-sequence' || c.kind === 'alter-column' ? await withRestart(db, c, live) : c);
  return out;
}

/** One change of a sequence's or identity's options, restarted where it must be (or refused). */
async function withRestart(db: Database, c: RangeChange, live: LiveNames): Promise<RangeChange> {
  const ranges = rangesOf(c);
  if (!ranges || (ranges.from.minValue === ranges.to.minValue && ranges.from.maxValue === ranges.to.maxValue)) return c;
  const last = await lastValue(db, c, live);
  // Not found where the catalog has it now (a sequence the plan creates): nothing to say.
  if (last === undefined) return c;
  const outside = (v: string) => BigInt(v) < BigInt(ranges.to.minValue) || BigInt(v) > BigInt(ranges.to.maxValue);
  if (last === null) return outside(ranges.from.start) ? { ...c, restart: true } : c;
  if (!outside(last)) return c;
  const what = c.kind === 'alter-sequence' ? `sequence ${c.schema}.${c.to.name}` : `the identity of ${c.schema}.${c.table}.${c.to.name}`;
  throw new SchemaformError(`${what} is at ${last}, outside its new range ${ranges.to.minValue}..${ranges.to.maxValue}; no plan was written`, {
    hint: 'Choose a range that holds its current value, or move the sequence on first (ALTER SEQUENCE ... RESTART WITH a value in the new range, once you know no row holds it).',
  });
}

type RangeChange = Extract<Change, { kind: 'alter-sequence' | 'alter-column' }>;

/** The sequence options before and after, of a sequence or of an identity that stays one. */
function rangesOf(c: RangeChange): { from: SequenceOptions; to: SequenceOptions } | undefined {
  if (c.kind === 'alter-sequence') return { from: c.from, to: c.to };
  return c.aspects.includes('identity') && c.from.identity && c.to.identity ? { from: c.from.identity, to: c.to.identity } : undefined;
}

/**
 * The sequence's last value as the catalog has it before the plan runs:
 * null if never used, undefined if there is none under the live names
 * (steps of the same plan may rename the table or column first).
 */
async function lastValue(db: Database, c: RangeChange, live: LiveNames): Promise<string | null | undefined> {
  const rows = c.kind === 'alter-sequence'
    ? await db.query<{ last: string | null }>('SELECT last_value::text AS last FROM pg_catalog.pg_sequences WHERE schemaname = $1 AND sequencename = $2', [c.schema, c.from.name])
    : await db.query<{ last: string | null }>(
      // The identity's sequence: the one that depends on the column internally. to_regclass: NULL, not an error, for a name that is not there.
      `SELECT s.last_value::text AS last
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
              AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'i'
         JOIN pg_catalog.pg_sequences s ON format('%I.%I', s.schemaname, s.sequencename)::regclass = d.objid
        WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attname = $2`,
      [qualify(c.schema, live.table(c.schema, c.table)), live.column(c.schema, c.table, c.from.name)]);
  return rows.length ? rows[0]!.last : undefined;
}

interface LiveNames {
  table(schema: string, name: string): string;
  column(schema: string, table: string, name: string): string;
}

/** The names tables and columns have before the plan's renames, from the names the changes use. */
function liveNames(changes: readonly Change[]): LiveNames {
  const tables = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const c of changes) {
    if (c.kind === 'rename-table') tables.set(`${c.schema}\u0000${c.to}`, c.from);
    if (c.kind === 'rename-column') {
      columns.set(`${c.schema}\u0000${c.table}\u0000${c.to}`, c.from);
    }
  }
  const table = (schema: string, name: string) => tables.get(`${schema}\u0000${name}`) ?? name;
  return {
    table,
    column: (schema, t, name) => columns.get(`${schema}\u0000${t}\u0000${name}`) ?? columns.get(`${schema}\u0000${table(schema, t)}\u0000${name}`) ?? name,
  };
}
