import type { Change } from '../diff/changes.js';
import type { Constraint, Index, Model } from '../model/types.js';
import { quoteIdent, truncateIdentifier } from '../sql/quote.js';
import { boundCheck } from './partition-bound.js';
import { tableKey } from '../model/names.js';

/**
 * How a plan runs against production. `online` (the default) writes the
 * forms that keep reads and writes flowing on tables that already exist,
 * and lets the executor commit in short units; `atomic` keeps every step
 * in one transaction, as small databases and development may prefer.
 */
export type Execution = 'online' | 'atomic';

/** A step before it is numbered: its change, and whether it only serves the change of a neighbouring step. */
export interface StepDraft {
  change: Change;
  /** Part of an online form (an index built for a constraint, a validation, a temporary check): not a change of its own in the summary. */
  helper?: true;
}

export interface OnlineContext {
  live: Model;
  /** The tables the plan creates, by tableKey: work on them meets no rows and blocks nobody, so it stays plain. */
  newTables: ReadonlySet<string>;
  serverVersion: number;
}

/**
 * The ordered changes, with each one that would hold a strong lock on an
 * existing table while it reads its rows rewritten into its online form:
 *
 * - an index is built (and dropped) CONCURRENTLY; one that changes is
 *   built under a temporary name, swapped in by renames, and the old one
 *   dropped, so that queries always have one;
 * - a unique or primary key constraint takes over a unique index built
 *   concurrently (ADD CONSTRAINT ... USING INDEX);
 * - a check or foreign key is added NOT VALID, then validated in a step of
 *   its own, under a lock that lets reads and writes go on;
 * - SET NOT NULL follows a validated CHECK (col IS NOT NULL), which lets
 *   PostgreSQL skip its scan; the check is dropped after;
 * - ATTACH PARTITION follows a validated CHECK matching the bound, likewise;
 * - DETACH PARTITION runs CONCURRENTLY, with such a check around it so that
 *   PostgreSQL adds none of its own.
 *
 * Partitioned tables keep the plain forms: PostgreSQL builds no index
 * concurrently on them. Pure.
 */
export function onlineForms(changes: readonly Change[], ctx: OnlineContext): StepDraft[] {
  const partitioned = new Set(ctx.live.schemas.flatMap((s) => s.tables.filter((t) => t.partitionBy !== undefined).map((t) => tableKey(s.name, t.name))));
  const dropped = new Set(changes.flatMap((c) => (c.kind === 'drop-table' ? [tableKey(c.schema, c.table.name)] : [])));
  const online = (schema: string, table: string) => {
    const key = tableKey(schema, table);
    return !ctx.newTables.has(key) && !partitioned.has(key) && !dropped.has(key);
  };
  const swaps = indexSwaps(changes, online);
  return changes.flatMap((change, i): StepDraft[] => {
    if (swaps.dropped.has(i)) return [];
    const swap = swaps.created.get(i);
    if (swap) return swapIndex(swap.drop, swap.create);
    if (!('table' in change) || typeof change.table !== 'string' || !online(change.schema, change.table)) return [{ change }];
    switch (change.kind) {
      case 'create-index':
        return [{ change: { ...change, concurrently: true } }];
      case 'drop-index':
        return [{ change: { ...change, concurrently: true } }];
      case 'add-constraint':
        return onlineConstraint(change);
      case 'set-partition':
        return onlineDetach(change, ctx) ?? onlineAttach(change, ctx) ?? [{ change }];
      case 'alter-column':
        return change.aspects.length === 1 && change.aspects[0] === 'not-null' && change.to.notNull && !change.restoreFrom && ctx.serverVersion >= 120000
          ? onlineNotNull(change)
          : [{ change }];
      default:
        return [{ change }];
    }
  });
}

type CreateIndex = Extract<Change, { kind: 'create-index' }>;
type DropIndex = Extract<Change, { kind: 'drop-index' }>;

/**
 * Indexes dropped and created again under the same name (a changed
 * definition), where nothing between the two touches their table: the
 * drop's place is given up and both happen where the create was. An
 * INVALID index is dropped first as planned (nobody uses it).
 */
function indexSwaps(changes: readonly Change[], online: (schema: string, table: string) => boolean) {
  const dropped = new Set<number>();
  const created = new Map<number, { drop: DropIndex; create: CreateIndex }>();
  changes.forEach((c, i) => {
    if (c.kind !== 'create-index' || !online(c.schema, c.table)) return;
    const at = changes.findIndex((d) => d.kind === 'drop-index' && d.schema === c.schema && d.table === c.table && d.index.name === c.index.name && !d.index.invalid);
    if (at < 0 || at > i) return;
    const between = changes.slice(at + 1, i);
    if (between.some((b) => 'table' in b && b.table === c.table && b.schema === c.schema && b.kind !== 'create-index' && b.kind !== 'drop-index')) return;
    dropped.add(at);
    created.set(i, { drop: changes[at] as DropIndex, create: c });
  });
  return { dropped, created };
}

function swapIndex(drop: DropIndex, create: CreateIndex): StepDraft[] {
  const { schema, table } = create;
  const name = create.index.name;
  const fresh = truncateIdentifier(`${name}_schemaform_new`);
  const old = truncateIdentifier(`${name}_schemaform_old`);
  // The comment is set on the new index as it is built, and goes with it through the rename.
  return [
    { change: { kind: 'create-index', schema, table, index: { ...create.index, name: fresh }, concurrently: true } },
    { change: { kind: 'rename-index', schema, table, from: name, to: old }, helper: true },
    { change: { kind: 'rename-index', schema, table, from: fresh, to: name }, helper: true },
    { change: { kind: 'drop-index', schema, table, index: { ...drop.index, name: old }, concurrently: true }, helper: true },
  ];
}

type AddConstraint = Extract<Change, { kind: 'add-constraint' }>;

function onlineConstraint(change: AddConstraint): StepDraft[] {
  const c = change.constraint;
  const { schema, table } = change;
  if ((c.type === 'check' || c.type === 'foreign-key') && c.validated !== false) {
    return [
      { change: { ...change, constraint: { ...c, validated: false } } },
      { change: { kind: 'validate-constraint', schema, table, constraint: c.name, type: c.type }, helper: true },
    ];
  }
  if (c.type === 'unique' || c.type === 'primary-key') {
    return [
      { change: { kind: 'create-index', schema, table, index: indexOf(c), concurrently: true }, helper: true },
      { change: { ...change, usingIndex: true } },
    ];
  }
  return [{ change }];
}

/** The unique index a unique or primary key constraint would build for itself, under the constraint's name. */
function indexOf(c: Extract<Constraint, { type: 'primary-key' | 'unique' }>): Index {
  return {
    name: c.name, unique: true, method: 'btree',
    keys: c.columns.map((column) => ({ column, descending: false })),
    include: c.include ?? [],
    nullsNotDistinct: c.type === 'unique' && c.nullsNotDistinct,
  };
}

type AlterColumn = Extract<Change, { kind: 'alter-column' }>;

function onlineNotNull(change: AlterColumn): StepDraft[] {
  return provenByCheck(change, notNullCheckName(change.to.name), `${quoteIdent(change.to.name)} IS NOT NULL`);
}

type SetPartition = Extract<Change, { kind: 'set-partition' }>;

/**
 * ATTACH PARTITION of a table that exists: a CHECK matching the bound is
 * added NOT VALID and validated first (reads and writes go on), so that
 * ATTACH, which then proves the bound from it, takes its ACCESS EXCLUSIVE
 * lock only briefly; the check is dropped after. PostgreSQL 12+ (ATTACH
 * takes SHARE UPDATE EXCLUSIVE on the parent); one key column, RANGE or LIST.
 */
function onlineAttach(change: SetPartition, ctx: OnlineContext): StepDraft[] | undefined {
  if (!change.to || change.from || ctx.serverVersion < 120000) return undefined;
  const parent = ctx.live.schemas.find((s) => s.name === change.to!.schema)?.tables.find((t) => t.name === change.to!.table);
  const expression = parent?.partitionBy ? boundCheck(parent.partitionBy, change.to.bound) : undefined;
  if (!expression) return undefined;
  return provenByCheck(change, boundCheckName(change.table), expression);
}

/**
 * DETACH PARTITION of a table with rows from a parent: CONCURRENTLY
 * (PostgreSQL 14+), so that reads and writes to the parent go on while it
 * waits for the transactions that use it.
 *
 * PostgreSQL then adds to the table a CHECK copying its partition
 * constraint, under a name of its choosing, unless a validated check
 * already implies it; so a check matching the bound is added and validated
 * first (reads and writes go on) and dropped after, and the table ends as
 * the file says. Not where the parent has a default partition (PostgreSQL
 * refuses CONCURRENTLY there), nor where the bound gives no check: those
 * keep the plain DETACH, whose exclusive lock on the parent is brief but
 * bounded only by the lock timeout. (A detach left pending is finished by
 * FINALIZE, planned as it is: PostgreSQL lets nothing else alter the table
 * first, and the check it added is dropped after, as any other.)
 */
function onlineDetach(change: SetPartition, ctx: OnlineContext): StepDraft[] | undefined {
  const from = change.from;
  if (!from || change.to || from.detachPending || ctx.serverVersion < 140000) return undefined;
  const siblings = ctx.live.schemas.flatMap((s) => s.tables.filter((t) => t.partitionOf?.schema === from.schema && t.partitionOf.table === from.table));
  if (siblings.some((t) => t.partitionOf!.bound === 'DEFAULT')) return undefined;
  const parent = ctx.live.schemas.find((s) => s.name === from.schema)?.tables.find((t) => t.name === from.table);
  const expression = parent?.partitionBy ? boundCheck(parent.partitionBy, from.bound) : undefined;
  if (!expression) return undefined;
  return aroundValidatedCheck({ ...change, concurrently: true }, boundCheckName(change.table), expression);
}

/**
 * A change that PostgreSQL can prove from a validated check instead of
 * scanning under its strong lock: the change marked as proven by the check
 * (see aroundValidatedCheck).
 */
function provenByCheck<C extends AlterColumn | SetPartition>(change: C, name: string, expression: string): StepDraft[] {
  return aroundValidatedCheck({ ...change, provenBy: name }, name, expression);
}

/** The check added NOT VALID (brief), validated (reads and writes go on), the change, the check dropped. */
function aroundValidatedCheck(change: AlterColumn | SetPartition, name: string, expression: string): StepDraft[] {
  const { schema, table } = change;
  const check: Constraint = { type: 'check', name, expression, noInherit: false, validated: false };
  return [
    { change: { kind: 'add-constraint', schema, table, constraint: check }, helper: true },
    { change: { kind: 'validate-constraint', schema, table, constraint: name, type: 'check' }, helper: true },
    { change },
    { change: { kind: 'drop-constraint', schema, table, constraint: check }, helper: true },
  ];
}

export function boundCheckName(table: string): string {
  return truncateIdentifier(`schemaform_bound_${table}`);
}

/** The temporary check's name: marked as schemaform's, so one left behind by an interrupted apply is recognised (and a replan drops it). */
export function notNullCheckName(column: string): string {
  return truncateIdentifier(`schemaform_not_null_${column}`);
}

/**
 * The change as one transaction runs it in a scratch database built from
 * the live model: a concurrent index build or drop, or a concurrent detach,
 * made plain; a detach that is pending live (which the scratch copy cannot
 * be) made a plain one (the same change otherwise).
 */
export function plainForm(change: Change): Change {
  if ((change.kind === 'create-index' || change.kind === 'drop-index') && change.concurrently) {
    const { concurrently: _dropped, ...plain } = change;
    return plain;
  }
  if (change.kind === 'set-partition' && (change.concurrently || change.from?.detachPending)) {
    const { concurrently: _dropped, from, ...rest } = change;
    const { detachPending: _pending, ...attached } = from!;
    return { ...rest, from: attached };
  }
  return change;
}
