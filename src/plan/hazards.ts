import type { Change } from '../diff/changes.js';
import { describeObject, detachForm, objectOf } from '../diff/changes.js';
import type { Column } from '../model/types.js';
import type { Hazard } from './types.js';
import { isArrayType } from './sql-fragments.js';
import { formatBytes } from './size-severity.js';
import { tableKey } from '../model/names.js';

export interface HazardContext {
  /** Planner statistics for existing tables (by tableKey → rows; -1 unknown). */
  rowEstimates: Map<string, number>;
  /** On-disk size of the existing tables the plan acts on (by tableKey → bytes), where known. */
  tableBytes?: ReadonlyMap<string, number>;
  /** Tables this plan creates (by tableKey): work on them touches no rows and blocks nobody. */
  newTables: Set<string>;
}

const rows = (ctx: HazardContext, schema: string, table: string) => {
  const n = ctx.rowEstimates.get(tableKey(schema, table));
  const bytes = ctx.tableBytes?.get(tableKey(schema, table));
  const count = n === undefined || n < 0 ? 'an unknown number of rows' : `~${Math.round(n).toLocaleString('en-US')} rows`;
  return bytes === undefined ? count : `${count}, ${formatBytes(bytes)}`;
};

/**
 * Type changes PostgreSQL performs without touching rows and without any
 * value changing. Everything else rewrites the table and may convert values.
 */
export function isLosslessWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const varchar = /^character varying(?:\((\d+)\))?$/;
  const f = varchar.exec(from);
  const t = varchar.exec(to);
  if (f && t) return t[1] === undefined || (f[1] !== undefined && Number(t[1]) >= Number(f[1]));
  if (f && to === 'text') return true;
  if (from === 'character varying' && to === 'text') return true;
  const numeric = /^numeric(?:\((\d+),(\d+)\))?$/;
  const nf = numeric.exec(from);
  const nt = numeric.exec(to);
  if (nf && nt) return nt[1] === undefined || (nf[1] !== undefined && nf[2] === nt[2] && Number(nt[1]) >= Number(nf[1]));
  return false;
}

/** Conversions that keep every value, though some still rewrite the table. */
export function isValuePreserving(from: string, to: string): boolean {
  if (isLosslessWidening(from, to)) return true;
  // Every value has a text form, and it is what a rollback would cast back.
  if (to === 'text' || to === 'character varying') return true;
  const integers = ['smallint', 'integer', 'bigint'];
  const digits: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
  if (integers.includes(from)) {
    if (integers.indexOf(to) > integers.indexOf(from) || to === 'numeric') return true;
    const numeric = /^numeric\((\d+),(\d+)\)$/.exec(to);
    if (numeric && Number(numeric[1]) - Number(numeric[2]) >= digits[from]!) return true;
  }
  return (from === 'real' && to === 'double precision') || (from === 'timestamp without time zone' && to === 'timestamp with time zone');
}

function columnAddHazards(schema: string, table: string, column: Column, ctx: HazardContext, deferNotNull = false): Hazard[] {
  const name = `${schema}.${table}.${column.name}`;
  const out: Hazard[] = [];
  if (column.identity || column.generated !== undefined) {
    out.push({ code: 'table-rewrite', severity: 'high', message: `Adding ${column.identity ? 'identity' : 'generated'} column ${name} rewrites ${schema}.${table} (${rows(ctx, schema, table)}) under an ACCESS EXCLUSIVE lock` });
  } else if (column.default !== undefined && /\b(random|gen_random_uuid|uuid_generate_v\d|clock_timestamp|nextval|timeofday)\s*\(/i.test(column.default)) {
    out.push({ code: 'table-rewrite', severity: 'high', message: `Default of ${name} is volatile, so adding it rewrites ${schema}.${table} (${rows(ctx, schema, table)})` });
  }
  if (column.notNull && column.default === undefined && !column.identity && column.generated === undefined && !deferNotNull) {
    out.push({ code: 'may-fail', severity: 'medium', message: `${name} is NOT NULL without a default: fails if ${schema}.${table} has any rows` });
  }
  return out;
}

/** What a reviewer must know before this change runs. Pure. */
export function hazardsOf(change: Change, ctx: HazardContext): Hazard[] {
  const object = describeObject(objectOf(change));
  if ('table' in change && typeof change.table === 'string' && ctx.newTables.has(tableKey(change.schema, change.table))) return [];
  switch (change.kind) {
    case 'drop-table':
      return [{ code: 'data-loss', severity: 'high', message: `Drops table ${change.schema}.${change.table.name} and its ${rows(ctx, change.schema, change.table.name)}; they are backed up for rollback` }];
    case 'drop-column': {
      const where = `${change.schema}.${change.table}.${change.column.name}`;
      return [{
        code: 'data-loss', severity: 'high',
        message: change.key
          ? `Drops column ${where} and its values (${rows(ctx, change.schema, change.table)}); they are backed up for rollback`
          : `Drops column ${where} and its values (${rows(ctx, change.schema, change.table)}); ${change.schema}.${change.table} has no primary key, so rollback cannot put the values back`,
      }];
    }
    case 'drop-schema':
      return [{ code: 'breaking-change', severity: 'medium', message: `Drops schema ${change.schema}` }];
    case 'drop-extension':
      return [{ code: 'may-fail', severity: 'medium', message: `Drops extension ${change.extension.name}; fails if anything still uses its types or functions` }];
    case 'alter-sequence':
      return change.to.unlogged && !change.from.unlogged
        ? [{ code: 'breaking-change', severity: 'medium', message: `An unlogged ${change.schema}.${change.to.name} is reset after a crash and not copied to replicas` }]
        : [];
    case 'drop-sequence':
      return [{ code: 'data-loss', severity: 'medium', message: `Drops sequence ${change.schema}.${change.sequence.name}; its current value is lost (rollback recreates it at its start value)` }];
    case 'drop-enum':
      return [{ code: 'breaking-change', severity: 'low', message: `Drops type ${change.schema}.${change.enum.name}` }];
    case 'drop-composite':
      return [{ code: 'may-fail', severity: 'medium', message: `Drops type ${change.schema}.${change.composite.name}; fails while a column, routine or another type uses it` }];
    case 'alter-composite': {
      const kept = new Set(change.to.attributes.map((a) => a.name));
      const dropped = change.from.attributes.filter((a) => !kept.has(a.name)).map((a) => a.name);
      return dropped.length
        ? [{ code: 'data-loss', severity: 'high', message: `Drops field(s) ${dropped.join(', ')} of type ${change.schema}.${change.to.name}: their values in every column of that type are lost` }]
        : [];
    }
    case 'alter-ts-dictionary':
    case 'alter-ts-configuration': {
      const what = describeObject(objectOf(change));
      return [{ code: 'breaking-change', severity: 'medium', message: `Changes how ${what} turns text into search terms: stored tsvector values and indexes built with it keep the old terms until they are computed again (UPDATE the columns, REINDEX the indexes)` }];
    }
    case 'drop-ts-dictionary':
    case 'drop-ts-configuration': {
      const what = describeObject(objectOf(change));
      return [{ code: 'may-fail', severity: 'medium', message: change.rebuild
        ? `${what[0]!.toUpperCase()}${what.slice(1)} cannot be altered that way: it is dropped and created again, which fails while an index, column default or configuration uses it`
        : `Drops ${what}; fails while an index, column default or configuration uses it` }];
    }
    case 'create-rule':
    case 'alter-rule': {
      const r = change.kind === 'create-rule' ? change.rule : change.to;
      return change.onView ? [] : [{ code: 'breaking-change', severity: 'medium', message: `Rule ${r.name} rewrites every ${r.event.toUpperCase()} on ${change.schema}.${change.table}${r.instead ? ' into its own commands instead' : ', adding its own commands'}: writers see the new behaviour at once` }];
    }
    case 'drop-rule':
      return [{ code: 'breaking-change', severity: 'medium', message: `Drops rule ${change.rule.name}: ${change.rule.event.toUpperCase()} on ${change.schema}.${change.table} ${change.onView ? 'may stop working' : 'runs as written again'}` }];
    case 'drop-aggregate':
      return [{ code: change.rebuild ? 'may-fail' : 'breaking-change', severity: 'medium', message: change.rebuild
        ? `Aggregate ${change.schema}.${change.aggregate.name}(${change.aggregate.arguments}) cannot be altered: it is dropped and created again, which fails while a view or routine uses it`
        : `Drops aggregate ${change.schema}.${change.aggregate.name}(${change.aggregate.arguments}): queries that call it fail` }];
    case 'drop-range':
      return [{ code: 'may-fail', severity: 'medium', message: change.rebuild
        ? `Range type ${change.schema}.${change.range.name} cannot be altered: it is dropped and created again, which fails while a column, routine or another type uses it`
        : `Drops range type ${change.schema}.${change.range.name}; fails while a column, routine or another type uses it` }];
    case 'drop-collation':
      return [{ code: 'may-fail', severity: 'medium', message: change.rebuild
        ? `Collation ${change.schema}.${change.collation.name} cannot be altered: it is dropped and created again, which fails while a column or index uses it`
        : `Drops collation ${change.schema}.${change.collation.name}; fails while a column or index still uses it` }];
    case 'drop-function':
      return [{ code: 'may-fail', severity: 'medium', message: `Drops ${change.routine.kind} ${change.schema}.${change.routine.name}(${change.routine.arguments}): fails while a default, trigger, view or index uses it` }];
    case 'create-function':
      return change.replace ? [{ code: 'breaking-change', severity: 'low', message: `Replaces the body or attributes of ${change.schema}.${change.routine.name}: callers see the new behaviour at once` }] : [];
    case 'drop-view':
      return change.rebuild ? [] : [{ code: 'breaking-change', severity: 'medium', message: `Drops ${object}: queries that read it fail` }];
    case 'create-view':
      return change.view.materialized && change.view.withData !== false
        ? [{ code: 'full-scan', severity: 'medium', message: `Creating ${object} runs its query to fill it` }]
        : [];
    case 'drop-domain':
      return [{ code: 'may-fail', severity: 'medium', message: `Drops domain ${change.schema}.${change.domain.name}: fails while a column still uses it` }];
    case 'alter-domain': {
      const added = change.to.checks.filter((c) => change.from.checks.find((f) => f.name === c.name)?.expression !== c.expression);
      return added.length || (change.to.notNull && !change.from.notNull)
        ? [{ code: 'full-scan', severity: 'medium', message: `Tightening ${object} checks every column that uses it` },
          { code: 'may-fail', severity: 'medium', message: `Tightening ${object} fails if a stored value violates it` }]
        : [];
    }
    case 'recreate-enum': {
      const removed = change.from.values.filter((v) => !change.to.values.includes(v));
      const tables = [...new Set(change.columns.map((u) => `${u.schema}.${u.table}`))];
      const required = change.columns.filter((u) => u.notNull).map((u) => `${u.schema}.${u.table}.${u.column}`);
      return [
        ...(removed.length && required.length ? [{
          code: 'may-fail' as const, severity: 'high' as const,
          message: `Removes value(s) ${removed.join(', ')} from ${object}: fails if NOT NULL column(s) ${required.join(', ')} still hold them (change those rows first)`,
        }] : []),
        ...(tables.length ? [{ code: 'table-rewrite' as const, severity: 'high' as const, message: `Converting ${object} rewrites ${tables.join(', ')} under an ACCESS EXCLUSIVE lock` }] : []),
      ];
    }
    case 'clear-enum-values': {
      const { use } = change;
      const where = `${use.schema}.${use.table}.${use.column}`;
      const loses = isArrayType(use.type) ? 'lose those elements' : 'become NULL';
      return [{
        code: 'data-loss', severity: 'high',
        message: `Value(s) ${change.values.join(', ')} leave enum ${change.schema}.${change.enum}: rows of ${where} holding them ${loses}; ${use.key
          ? 'they are backed up for rollback'
          : `they cannot be backed up, ${use.schema}.${use.table} has no primary key to match rows by`}`,
      }];
    }
    case 'rename-schema':
      return [{ code: 'breaking-change', severity: 'high', message: `Renames schema ${change.from} to ${change.to}: code using the old name fails` }];
    case 'rename-table':
      return [{ code: 'breaking-change', severity: 'high', message: `Renames table ${change.schema}.${change.from} to ${change.to}: code using the old name fails` }];
    case 'rename-column':
      return [{ code: 'breaking-change', severity: 'high', message: `Renames column ${change.schema}.${change.table}.${change.from} to ${change.to}: code using the old name fails` }];
    case 'add-column':
      return columnAddHazards(change.schema, change.table, change.column, ctx, change.deferNotNull);
    case 'alter-column':
      return alterColumnHazards(change, ctx);
    case 'add-constraint': {
      const c = change.constraint;
      const where = `${change.schema}.${change.table}`;
      if (change.usingIndex) {
        return [{ code: 'blocking-lock', severity: 'low', message: `Adding ${c.type} ${c.name} takes over the unique index built concurrently before it: a brief ACCESS EXCLUSIVE lock on ${where}, no scan` }];
      }
      if ((c.type === 'check' || c.type === 'foreign-key') && c.validated === false) {
        return [{ code: 'blocking-lock', severity: 'low', message: `Adding ${c.type} ${c.name} NOT VALID briefly locks ${where}; existing rows are not checked, new and updated rows are` }];
      }
      const scan: Hazard = { code: 'full-scan', severity: 'medium', message: `Adding ${c.type} ${c.name} reads every row of ${where} (${rows(ctx, change.schema, change.table)})` };
      const lock: Hazard = c.type === 'foreign-key'
        ? { code: 'blocking-lock', severity: 'medium', message: `Adding foreign key ${c.name} blocks writes to ${where} and ${c.references.schema}.${c.references.table} while it validates` }
        : { code: 'blocking-lock', severity: 'high', message: `Adding ${c.type} ${c.name} holds an ACCESS EXCLUSIVE lock on ${where} while it ${c.type === 'check' ? 'validates' : 'builds its index'}` };
      const fail: Hazard = { code: 'may-fail', severity: 'medium', message: `Adding ${c.type} ${c.name} fails if existing rows of ${where} violate it` };
      return [scan, lock, fail];
    }
    case 'validate-constraint': {
      const where = `${change.schema}.${change.table}`;
      return [
        { code: 'full-scan', severity: 'medium', message: `Validating ${change.type} ${change.constraint} reads every row of ${where} (${rows(ctx, change.schema, change.table)}); reads and writes go on meanwhile (SHARE UPDATE EXCLUSIVE lock)` },
        { code: 'may-fail', severity: 'medium', message: `Validating ${change.type} ${change.constraint} fails if existing rows of ${where} violate it` },
      ];
    }
    case 'create-index': {
      const i = change.index;
      return [
        change.concurrently
          ? { code: 'non-transactional', severity: 'low', message: `Index ${change.schema}.${i.name} is built concurrently: reads and writes to ${change.schema}.${change.table} (${rows(ctx, change.schema, change.table)}) go on; an interrupted build leaves it INVALID, and applying the plan again removes it and builds it anew` }
          : { code: 'blocking-lock', severity: 'medium', message: `Building index ${change.schema}.${i.name} blocks writes to ${change.schema}.${change.table} (${rows(ctx, change.schema, change.table)}) until it finishes` },
        ...(i.unique ? [{ code: 'may-fail' as const, severity: 'medium' as const, message: `Unique index ${change.schema}.${i.name} fails if ${change.schema}.${change.table} has duplicate rows` }] : []),
      ];
    }
    case 'set-inheritance': {
      const t = `${change.schema}.${change.table}`;
      return [
        ...change.remove.map((p) => ({ code: 'breaking-change' as const, severity: 'medium' as const, message: `${t}'s rows stop appearing in queries on ${p.schema}.${p.table}` })),
        ...change.add.map((p) => ({ code: 'may-fail' as const, severity: 'medium' as const, message: `${t} can inherit from ${p.schema}.${p.table} only if it has all of its columns with the same types and its checks hold` })),
      ];
    }
    case 'set-table-logging':
      return [
        { code: 'table-rewrite', severity: 'high', message: `Making ${change.schema}.${change.table} ${change.unlogged ? 'unlogged' : 'logged'} rewrites it (${rows(ctx, change.schema, change.table)}) under an ACCESS EXCLUSIVE lock` },
        ...(change.unlogged ? [{ code: 'breaking-change' as const, severity: 'medium' as const, message: `An unlogged ${change.schema}.${change.table} is emptied after a crash and not copied to replicas` }] : []),
      ];
    case 'revoke-privileges': {
      const what = `${change.grant.privileges.join(', ')}${change.grant.columns ? ` (${change.grant.columns.join(', ')})` : ''}`;
      const { target } = change;
      if (target.type === 'default-privileges') {
        return [{ code: 'breaking-change', severity: 'low', message: `Stops granting ${what} to ${change.grant.to} on ${target.on} that ${target.role} creates in schema ${change.schema} from now on (existing ones keep theirs)` }];
      }
      const on = target.type === 'schema' ? `schema ${change.schema}` : `${change.schema}.${target.name}`;
      return [{ code: 'breaking-change', severity: 'medium', message: `Revokes ${what} on ${on} from ${change.grant.to}: what it runs that needs them starts failing` }];
    }
    case 'set-partition': {
      const t = `${change.schema}.${change.table}`;
      return [
        ...(change.from ? [detachHazard(change.from, t, detachForm(change)!)] : []),
        ...(change.to ? [
          change.provenBy !== undefined
            ? { code: 'blocking-lock' as const, severity: 'low' as const, message: `Attaching ${t} relies on the validated check ${change.provenBy} for its bound: a brief ACCESS EXCLUSIVE lock on ${t}, no scan` }
            : { code: 'full-scan' as const, severity: 'medium' as const, message: `Attaching ${t} scans its ${rows(ctx, change.schema, change.table)} to check the bound` },
          { code: 'may-fail' as const, severity: 'medium' as const, message: `Attaching ${t} fails if any row falls outside ${change.to.bound}, or if a default partition holds rows inside it` },
        ] : []),
      ];
    }
    case 'set-row-level-security':
      return [{ code: 'breaking-change', severity: 'high', message: change.enabled
        ? `Row-level security on ${change.schema}.${change.table}: rows become invisible to roles no policy admits`
        : `Row-level security off on ${change.schema}.${change.table}: every role with table access sees every row` }];
    case 'drop-policy':
      return [{ code: 'breaking-change', severity: 'medium', message: `Drops policy ${change.policy.name} on ${change.schema}.${change.table}: what it admitted or restricted changes` }];
    case 'drop-trigger':
      return [{ code: 'breaking-change', severity: 'medium', message: `Drops trigger ${change.trigger.name} on ${change.schema}.${change.table}: writes stop firing it` }];
    case 'create-trigger':
      return [{ code: 'blocking-lock', severity: 'low', message: `Creating trigger ${change.trigger.name} briefly blocks writes to ${change.schema}.${change.table}` }];
    case 'drop-index':
      return change.index.invalid
        ? [{ code: 'breaking-change', severity: 'low', message: `Index ${change.schema}.${change.index.name} is INVALID (PostgreSQL does not use it: an interrupted or failed concurrent build left it): it is dropped and built again` }]
        : [{ code: 'breaking-change', severity: 'low', message: `Drops index ${change.schema}.${change.index.name}: queries that used it may slow down` }];
    case 'restore-table':
      return [{ code: 'full-scan', severity: 'low', message: `Reinserts ${change.table.name}'s backed-up rows into ${change.schema}.${change.table.name}` }];
    case 'restore-column':
      return [{ code: 'full-scan', severity: 'low', message: `Writes backed-up values back into ${change.schema}.${change.table}.${change.column.name}` }];
    default:
      return [];
  }
}

function alterColumnHazards(change: Extract<Change, { kind: 'alter-column' }>, ctx: HazardContext): Hazard[] {
  const { from, to, schema, table } = change;
  const where = `${schema}.${table}.${to.name}`;
  const out: Hazard[] = [];
  const has = (a: string) => change.aspects.includes(a as never);
  if (has('type') || has('collation')) {
    if (!isLosslessWidening(from.type, to.type) || has('collation')) {
      out.push({ code: 'table-rewrite', severity: 'high', message: `Changing ${where} from ${from.type} to ${to.type} rewrites ${schema}.${table} (${rows(ctx, schema, table)}) under an ACCESS EXCLUSIVE lock` });
      out.push({ code: 'may-fail', severity: 'medium', message: `Converting ${where} to ${to.type} fails if a value does not convert${to.using ? '' : ' implicitly (add `using:` to say how)'}` });
    }
    if (!isValuePreserving(from.type, to.type)) {
      out.push({ code: 'data-loss', severity: 'high', message: `Converting ${where} from ${from.type} to ${to.type} may change values; the old values are backed up for rollback` });
    }
  }
  if (has('generated')) {
    out.push({ code: 'table-rewrite', severity: 'high', message: `Changing the generation of ${where} rewrites ${schema}.${table}` });
    if (from.generated === undefined) out.push({ code: 'data-loss', severity: 'high', message: `${where} becomes generated: its stored values are replaced; they are backed up for rollback` });
  }
  if (has('not-null') && to.notNull && change.provenBy !== undefined) {
    out.push({ code: 'blocking-lock', severity: 'low', message: `SET NOT NULL on ${where} relies on the validated check ${change.provenBy}: a brief ACCESS EXCLUSIVE lock on ${schema}.${table}, no scan` });
  } else if (has('not-null') && to.notNull) {
    out.push({ code: 'full-scan', severity: 'medium', message: `SET NOT NULL on ${where} reads every row of ${schema}.${table} (${rows(ctx, schema, table)}) under an ACCESS EXCLUSIVE lock` });
    out.push({ code: 'may-fail', severity: 'medium', message: `SET NOT NULL on ${where} fails if any row holds NULL` });
  }
  if (has('identity') && to.identity && !from.identity) {
    out.push({ code: 'blocking-lock', severity: 'medium', message: `Adding identity to ${where} takes an ACCESS EXCLUSIVE lock on ${schema}.${table}` });
  }
  return out;
}

/** What a detach does to the parent's readers and writers, in each of its three forms. */
function detachHazard(from: { schema: string; table: string }, t: string, form: 'plain' | 'concurrently' | 'finalize'): Hazard {
  const parent = `${from.schema}.${from.table}`;
  if (form === 'finalize') {
    return { code: 'blocking-lock', severity: 'low', message: `${t} was left pending by an interrupted DETACH ... CONCURRENTLY (its rows are already out of ${parent}'s queries): FINALIZE waits for transactions older than it, then takes a brief ACCESS EXCLUSIVE lock on ${t}; reads and writes to ${parent} go on` };
  }
  if (form === 'concurrently') {
    return { code: 'non-transactional', severity: 'low', message: `Detaching ${t} concurrently: reads and writes to ${parent} go on; it waits for transactions that use ${parent}, then takes a brief ACCESS EXCLUSIVE lock on ${t}; its rows leave ${parent}'s queries. An interrupted detach leaves it pending, and applying the plan again finishes it` };
  }
  return { code: 'blocking-lock', severity: 'medium', message: `Detaching ${t} locks ${parent} against reads and writes; its rows leave the parent's queries` };
}
