import type { Database } from '../db/database.js';
import { diffObjects } from '../diff/diff.js';
import { introspect, type ServerInfo } from '../introspect/introspect.js';
import type { Aggregate, Column, Domain, Index, Model, RangeType, Routine, Rule, Table, View } from '../model/types.js';
import { routineKey } from '../model/canonical.js';
import { adoptAggregate, adoptRange, unalterableProbes } from './unalterable-probes.js';
import { adoptRule, ruleProbes, ruleProbeScript } from './rule-probes.js';
import { hasStandardBody } from '../model/routine-body.js';
import { withRowColumns } from '../model/row-columns.js';
import { createRoutine } from '../plan/routines.js';
import { renderChange } from '../plan/render.js';
import { columnDefinition, constraintDefinition, createPolicyStatements, createTriggerStatements, indexDefinition } from '../plan/sql-fragments.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { displayIdentifier } from './type-names.js';
import { inRolledBackTransaction, withInertBody } from './planning-transaction.js';
import type { Change } from '../diff/changes.js';

/**
 * Make the desired model speak PostgreSQL's dialect of itself.
 *
 * People write `int`, `'pending'` or `now()`; the catalog says `integer`,
 * `'pending'::order_status`, `now()`. Comparing text would report changes
 * forever. So for every existing table whose desired types or expressions
 * are spelled differently from the live ones, the desired definition is
 * built as a temporary table inside a transaction that is always rolled
 * back, read back with the same introspector, and its spelling adopted.
 * Only differing tables are probed: a no-change plan costs no round trip.
 */
export async function normalizeDesired(
  db: Database, desired: Model, live: Model, server: ServerInfo, schemaRenames: Array<{ from: string; to: string }> = [],
): Promise<Model> {
  const liveTables = new Map<string, Table>();
  for (const s of live.schemas) for (const t of s.tables) liveTables.set(`${s.name}\u0000${t.name}`, t);

  const desiredTables = new Map<string, Table>();
  for (const s of desired.schemas) for (const t of s.tables) desiredTables.set(`${s.name}\u0000${t.name}`, t);

  const probes: TableProbe[] = [];
  const columnProbes: ColumnProbe[] = [];
  const partitionProbes: PartitionProbe[] = [];
  for (const s of desired.schemas) {
    for (const t of s.tables) {
      const current = liveTables.get(`${s.name}\u0000${t.name}`) ?? (t.renamedFrom ? liveTables.get(`${s.name}\u0000${t.renamedFrom}`) : undefined);
      if (!current) continue;
      if (t.partitionBy !== undefined && current.partitionBy !== undefined && t.partitionBy !== current.partitionBy) {
        partitionProbes.push({ schema: s.name, table: t });
      }
      const parent = t.partitionOf && desiredTables.get(`${t.partitionOf.schema}\u0000${t.partitionOf.table}`);
      if (t.partitionOf && current.partitionOf && t.partitionOf.bound !== current.partitionOf.bound && parent?.partitionBy !== undefined) {
        partitionProbes.push({ schema: s.name, table: t, parent });
      }
      const differs = spelledDifferently(t, current);
      if (differs.beyondColumns) probes.push({ schema: s.name, table: t, live: current });
      else for (const column of differs.columns) columnProbes.push({ schema: s.name, table: t, live: current, column });
    }
  }
  const liveDomains = new Map<string, Domain>();
  for (const s of live.schemas) for (const d of s.domains ?? []) liveDomains.set(`${s.name}\u0000${d.name}`, d);
  const domainProbes: Array<{ schema: string; domain: Domain }> = [];
  for (const s of desired.schemas) {
    for (const d of s.domains) {
      const current = liveDomains.get(`${s.name}\u0000${d.name}`);
      if (current && (current.type !== d.type || current.default !== d.default || JSON.stringify(current.checks) !== JSON.stringify(d.checks))) domainProbes.push({ schema: s.name, domain: d });
    }
  }
  const { rangeProbes, aggregateProbes } = unalterableProbes(desired, live);
  const rules = ruleProbes(desired, live);
  const liveViews = new Map<string, View>();
  for (const s of live.schemas) for (const v of s.views ?? []) liveViews.set(`${s.name}\u0000${v.name}`, v);
  const viewProbes: Array<{ schema: string; view: View }> = [];
  for (const s of desired.schemas) {
    for (const v of s.views) {
      const current = liveViews.get(`${s.name}\u0000${v.name}`);
      const indexesDiffer = current && JSON.stringify(current.indexes.map((i) => [i.keys, i.where])) !== JSON.stringify(v.indexes.map((i) => [i.keys, i.where]));
      if (current && (current.query !== v.query || indexesDiffer)) viewProbes.push({ schema: s.name, view: v });
    }
  }
  // A routine is matched by its argument list, so `n int` must become `n integer` first.
  // A SQL-standard body comes back as PostgreSQL prints it, so it is spelled through PostgreSQL too.
  const liveRoutines = new Map<string, Routine>();
  for (const s of live.schemas) for (const f of s.functions ?? []) liveRoutines.set(`${s.name}\u0000${routineKey(f)}\u0000${f.returns}`, f);
  const routineProbes: Array<{ schema: string; routine: Routine }> = [];
  for (const s of desired.schemas) {
    for (const f of s.functions) {
      const current = liveRoutines.get(`${s.name}\u0000${routineKey(f)}\u0000${f.returns}`);
      if (!current || (hasStandardBody(f) && current.body !== f.body)) routineProbes.push({ schema: s.name, routine: f });
    }
  }
  if (probes.length === 0 && columnProbes.length === 0 && partitionProbes.length === 0 && domainProbes.length === 0 && rangeProbes.length === 0 && aggregateProbes.length === 0 && rules.length === 0 && viewProbes.length === 0 && (routineProbes.length === 0 || live.schemas.every((s) => (s.functions ?? []).length === 0))) return desired;

  const normalized = new Map<Table, Table>();
  const normalizedDomains = new Map<Domain, Domain>();
  const normalizedRanges = new Map<RangeType, RangeType>();
  const normalizedAggregates = new Map<Aggregate, Aggregate>();
  const normalizedRules = new Map<Rule, Rule>();
  const normalizedViews = new Map<View, View>();
  const normalizedRoutines = new Map<Routine, Routine>();
  await inRolledBackTransaction(db, async () => {
    for (const r of schemaRenames) await db.exec(renderChange({ kind: 'rename-schema', ...r }, { serverVersion: server.versionNum }).join(';\n'));
    await createPrerequisites(db, desired, live, server);
    // An inheriting table's checks and indexes may name its parents' columns.
    const tableSet = probeSet(probes, 'schemaform_probe', (probeName, { schema, table }) => probeScript(schema, probeName, withRowColumns(table, desired)), (p) => p.table);
    const domainSet = probeSet(domainProbes, 'schemaform_probe_domain', (probeName, { schema, domain }) => [
      searchPath(schema),
      ...renderChange({ kind: 'create-domain', schema: 'pg_temp', domain: { ...domain, name: probeName, comment: undefined } }, { serverVersion: server.versionNum }),
    ].join(';\n'), (p) => p.domain);
    const rangeSet = probeSet(rangeProbes, 'schemaform_probe_range', (probeName, { schema, range }) => [
      searchPath(schema),
      ...renderChange({ kind: 'create-range', schema: 'pg_temp', range: { ...range, name: probeName, multirange: undefined, comment: undefined } }, { serverVersion: server.versionNum }),
    ].join(';\n'), (p) => p.range);
    const aggregateSet = probeSet(aggregateProbes, 'schemaform_probe_aggregate', (probeName, { schema, aggregate }) => [
      searchPath(schema),
      ...renderChange({ kind: 'create-aggregate', schema: 'pg_temp', aggregate: { ...aggregate, name: probeName, comment: undefined } }, { serverVersion: server.versionNum }),
    ].join(';\n'), (p) => p.aggregate);
    const ruleSet = probeSet(rules, 'schemaform_probe_rule', (probeName, p) => [searchPath(p.schema), ...ruleProbeScript(probeName, p)].join(';\n'), (p) => p.rule);
    // A temporary view is deparsed exactly like a materialized one; a
    // temporary table stands in for a materialized view's indexes.
    const viewSet = probeSet(viewProbes, 'schemaform_probe_view', (probeName, { schema, view }) => [
      searchPath(schema),
      `CREATE TEMP VIEW ${quoteIdent(probeName)} AS ${view.query}`,
      ...(view.indexes.length ? [`CREATE TEMP TABLE ${quoteIdent(`${probeName}_rows`)} AS SELECT * FROM ${quoteIdent(probeName)} WITH NO DATA`] : []),
      ...view.indexes.map((index, j) => indexDefinition('pg_temp', `${probeName}_rows`, { ...index, name: `${probeName}_rows_${j}` })),
    ].join(';\n'), (p) => p.view);
    // A SQL-standard body is parsed at creation (what it is probed for) and runs nothing then; other bodies are not needed.
    const routineSet = probeSet(routineProbes, 'schemaform_probe_fn', (probeName, { schema, routine }) => [
      searchPath(schema),
      'SET LOCAL check_function_bodies = off',
      ...createRoutine('pg_temp', {
        ...(hasStandardBody(routine) ? { ...routine, body: renamedInBody(routine, probeName) } : withInertBody(routine)), name: probeName, settings: undefined, comment: undefined,
      }, false),
    ].join(';\n'), (p) => p.routine);
    const columnSet = columnProbeSet(columnProbes);
    const partitionSet = probeSet(partitionProbes, 'schemaform_probe_partition', (probeName, probe) => partitionProbeScript(probeName, probe), (p) => p.table);
    const sets = [tableSet, columnSet, partitionSet, domainSet, viewSet, routineSet, rangeSet, aggregateSet, ruleSet] as const;
    const builtAt = await attemptAll(db, sets.flatMap((set) => set.map((p) => p.script)));
    let next = 0;
    const built = <O>(set: Array<Probe<O>>) => set.filter(() => builtAt[next++]);
    const [probed, probedColumns, probedPartitions, probedDomains, probedViews, probedRoutines, probedRanges, probedAggregates, probedRules] = [
      built(tableSet), built(columnSet), built(partitionSet), built(domainSet), built(viewSet), built(routineSet), built(rangeSet), built(aggregateSet), built(ruleSet),
    ];
    // A probe fails whole if one part of it does not build: the tables of
    // a failed batch or probe are built again part by part, so the other
    // parts still get their spelling.
    const retried = [
      ...uniqueTables(columnSet.filter((p) => !probedColumns.includes(p)).flatMap((p) => p.original)),
      ...probes.filter((_, i) => !probed.includes(tableSet[i]!)),
    ];
    const retrySet = probeSet(retried, 'schemaform_probe_retry', (probeName, { schema, table, live }) => partScripts(schema, probeName, withRowColumns(table, desired), live), (p) => p.table);
    await attemptAll(db, retrySet.flatMap((p) => p.script));
    const tablesBuilt = [...probed, ...retrySet];
    if (tablesBuilt.length || probedColumns.length || probedPartitions.length || probedDomains.length || probedViews.length || probedRoutines.length || probedRanges.length || probedAggregates.length || probedRules.length) {
      // The session's temporary schema exists once it holds something.
      const [{ name: tempSchema }] = (await db.query<{ name: string }>(
        'SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE oid = pg_catalog.pg_my_temp_schema()',
      )) as [{ name: string }];
      const { model } = await introspect(db, { schemas: [tempSchema] }, server);
      const byName = new Map((model.schemas[0]?.tables ?? []).map((t) => [t.name, t]));
      for (const { probeName, original } of tablesBuilt) {
        const result = byName.get(probeName);
        if (result) normalized.set(original, adoptSpelling(original, result));
      }
      const spelledColumns = new Map<Column, Column>();
      for (const { probeName, original } of probedColumns) {
        const result = new Map((byName.get(probeName)?.columns ?? []).map((c) => [c.name, c]));
        original.forEach(({ column }, k) => {
          const p = result.get(batchColumnName(k));
          if (p) spelledColumns.set(column, adoptColumnSpelling(column, p));
        });
      }
      for (const table of uniqueTables(probedColumns.flatMap((p) => p.original)).map((p) => p.table)) {
        if (!normalized.has(table)) normalized.set(table, { ...table, columns: table.columns.map((c) => spelledColumns.get(c) ?? c) });
      }
      for (const { probeName, original } of probedPartitions) {
        const result = byName.get(probeName);
        const base = normalized.get(original) ?? original;
        // A bound probe is itself a partition; a key probe is not.
        if (result?.partitionOf && base.partitionOf) normalized.set(original, { ...base, partitionOf: { ...base.partitionOf, bound: result.partitionOf.bound } });
        else if (result?.partitionBy !== undefined && base.partitionBy !== undefined) normalized.set(original, { ...base, partitionBy: result.partitionBy });
      }
      const viewsByName = new Map((model.schemas[0]?.views ?? []).map((v) => [v.name, v]));
      const tablesByName = new Map((model.schemas[0]?.tables ?? []).map((t) => [t.name, t]));
      for (const { probeName, original } of probedViews) {
        const result = viewsByName.get(probeName);
        if (!result) continue;
        const rows = tablesByName.get(`${probeName}_rows`);
        const indexes = original.indexes.map((index, j) => {
          const p = rows?.indexes.find((x) => x.name === `${probeName}_rows_${j}`);
          return p ? { ...index, keys: p.keys, ...(p.where !== undefined && { where: p.where }) } : index;
        });
        normalizedViews.set(original, { ...original, query: result.query, indexes });
      }
      const routinesByName = new Map((model.schemas[0]?.functions ?? []).map((f) => [f.name, f]));
      for (const { probeName, original } of probedRoutines) {
        const result = routinesByName.get(probeName);
        if (!result) continue;
        // Where the body names a parameter by its routine, it was printed with the probe's name.
        const body = hasStandardBody(original) && hasStandardBody(result) ? { body: renamedInBody(result, displayIdentifier(original.name)) } : {};
        normalizedRoutines.set(original, { ...original, arguments: result.arguments, ...(result.returns !== undefined && { returns: result.returns }), ...body });
      }
      const rangesByName = new Map((model.schemas[0]?.ranges ?? []).map((r) => [r.name, r]));
      for (const { probeName, original } of probedRanges) {
        const result = rangesByName.get(probeName);
        if (result) normalizedRanges.set(original, adoptRange(original, result));
      }
      const aggregatesByName = new Map((model.schemas[0]?.aggregates ?? []).map((a) => [a.name, a]));
      for (const { probeName, original } of probedAggregates) {
        const result = aggregatesByName.get(probeName);
        if (result) normalizedAggregates.set(original, adoptAggregate(original, result));
      }
      for (const { probeName, original } of probedRules) normalizedRules.set(original, adoptRule(original, byName.get(probeName)?.rules?.[0]));
      const domainsByName = new Map((model.schemas[0]?.domains ?? []).map((d) => [d.name, d]));
      for (const { probeName, original } of probedDomains) {
        const result = domainsByName.get(probeName);
        if (result) normalizedDomains.set(original, { ...original, type: result.type, ...(result.default !== undefined && { default: result.default }), checks: result.checks });
      }
    }
  });
  return {
    ...desired,
    schemas: desired.schemas.map((s) => ({
      ...s,
      domains: s.domains.map((d) => normalizedDomains.get(d) ?? d),
      ...(s.ranges && { ranges: s.ranges.map((r) => normalizedRanges.get(r) ?? r) }),
      ...(s.aggregates && { aggregates: s.aggregates.map((a) => normalizedAggregates.get(a) ?? a) }),
      tables: s.tables.map((t) => withRules(normalized.get(t) ?? t, normalizedRules)),
      views: s.views.map((v) => withRules(normalizedViews.get(v) ?? v, normalizedRules)),
      functions: s.functions.map((f) => normalizedRoutines.get(f) ?? f),
    })),
  };
}

/**
 * Which columns' types or defaults are spelled differently from the live
 * table, and whether anything else (generated columns, checks, indexes,
 * exclusions, trigger conditions, policies) is. Plain columns are probed in
 * batches; anything else needs the table rebuilt as a whole.
 */
function spelledDifferently(desired: Table, live: Table): { columns: Column[]; beyondColumns: boolean } {
  const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
  const columns: Column[] = [];
  for (const c of desired.columns) {
    const l = liveColumns.get(c.name) ?? (c.renamedFrom ? liveColumns.get(c.renamedFrom) : undefined);
    if (!l) continue;
    if (l.generated !== c.generated) return { columns, beyondColumns: true };
    if (l.type !== c.type || l.default !== c.default) columns.push(c);
  }
  return { columns, beyondColumns: otherPartsDiffer(desired, live) };
}

function otherPartsDiffer(desired: Table, live: Table): boolean {
  const livePolicies = new Map((live.policies ?? []).map((p) => [p.name, p]));
  if (desired.policies.some((p) => {
    const l = livePolicies.get(p.name);
    return l !== undefined && (l.using !== p.using || l.withCheck !== p.withCheck);
  })) return true;
  const liveExclusions = new Map((live.exclusions ?? []).map((x) => [x.name, x.definition]));
  if (desired.exclusions.some((x) => liveExclusions.has(x.name) && liveExclusions.get(x.name) !== x.definition)) return true;
  const liveChecks = new Map(live.checks.map((c) => [c.name, c.expression]));
  if (desired.checks.some((c) => liveChecks.has(c.name) && liveChecks.get(c.name) !== c.expression)) return true;
  const liveTriggers = new Map((live.triggers ?? []).map((t) => [t.name, t.when]));
  if (desired.triggers.some((t) => t.when !== undefined && liveTriggers.has(t.name) && liveTriggers.get(t.name) !== t.when)) return true;
  const liveIndexes = new Map(live.indexes.map((i) => [i.name, i]));
  return desired.indexes.some((i) => {
    const l = liveIndexes.get(i.name);
    return l !== undefined && (l.where !== i.where || JSON.stringify(l.keys) !== JSON.stringify(i.keys));
  });
}

/**
 * Types and sequences the desired tables may use that do not exist yet.
 * Only creations matter here, and none of them comes from a table or a view:
 * those are left out of this diff, which would otherwise compare every
 * table once more (most of a 5% plan's probing time at 1,000 tables).
 */
async function createPrerequisites(db: Database, desired: Model, live: Model, server: ServerInfo) {
  const needed = diffObjects(withoutRelations(live), withoutRelations(desired)).changes.filter((c) =>
    c.kind === 'create-schema' || c.kind === 'create-extension' || c.kind === 'create-collation' || c.kind === 'create-composite' || c.kind === 'create-enum' || c.kind === 'create-sequence'
    || c.kind === 'create-domain' || c.kind === 'create-function' || c.kind === 'create-range'
    || c.kind === 'create-ts-dictionary' || c.kind === 'create-ts-configuration' || c.kind === 'create-aggregate')
    // An aggregate needs its support functions.
    .sort((a, b) => Number(a.kind === 'create-aggregate') - Number(b.kind === 'create-aggregate'));
  await db.exec('SET LOCAL check_function_bodies = off');
  await attemptAll(db, needed.map((change) => renderChange(inert(change), { serverVersion: server.versionNum }).join(';\n')));
}

const withoutRelations = (model: Model): Model => ({ ...model, schemas: model.schemas.map((s) => ({ ...s, tables: [], views: [] })) });

/** A prerequisite as planning creates it: a sequence without its owner (created later), a routine whose body cannot run. */
function inert(change: Change): Change {
  if (change.kind === 'create-sequence') return { ...change, sequence: { ...change.sequence, ownedBy: undefined } };
  if (change.kind === 'create-function') return { ...change, routine: withInertBody(change.routine) };
  return change;
}

/**
 * Run each script, in order, in its own subtransaction, all in one round
 * trip: which ones succeeded. A failed one leaves nothing behind. (One
 * savepoint round trip per script made a 5% change to 1,000 tables spend
 * most of its planning time waiting.) The scripts travel as a parameter.
 */
async function attemptAll(db: Database, scripts: string[]): Promise<boolean[]> {
  if (scripts.length === 0) return [];
  await db.exec(`CREATE OR REPLACE FUNCTION pg_temp.schemaform_attempt(script text) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN EXECUTE script; RETURN true;
    EXCEPTION WHEN lock_not_available OR query_canceled THEN RAISE; WHEN OTHERS THEN RETURN false; END $$`);
  const rows = await db.query<{ i: string; ok: boolean }>(
    'SELECT t.i, pg_temp.schemaform_attempt(t.script) AS ok FROM unnest($1::text[]) WITH ORDINALITY AS t(script, i)', [scripts]);
  const ok = new Array<boolean>(scripts.length).fill(false);
  for (const r of rows) ok[Number(r.i) - 1] = r.ok;
  return ok;
}

interface Probe<O, S = string> { probeName: string; original: O; script: S }

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A SQL-standard body may name a parameter by its routine (`f.x`; PostgreSQL
 * prints some that way), and the probe has another name: its body says the
 * probe's name going in, and the routine's coming back.
 */
function renamedInBody(routine: Routine, to: string): string {
  if (!hasStandardBody(routine)) return routine.body;
  return routine.body.replace(new RegExp(`(^|[^A-Za-z0-9_$."])${escapeRegExp(routine.name)}\\.`, 'g'), `$1${to}.`);
}

/**
 * One probe object per item under a numbered name. An item whose definition
 * does not build (e.g. it needs an enum value this very plan adds) keeps its
 * text: apply will tell.
 */
function probeSet<T extends { schema: string }, O, S = string>(
  items: T[], prefix: string, script: (probeName: string, item: T) => S, original: (item: T) => O,
): Array<Probe<O, S>> {
  return items.map((item, i) => {
    const probeName = `${prefix}_${i}`;
    return { probeName, original: original(item), script: script(probeName, item) };
  });
}

/** A desired table whose spelling differs from the live one's. */
interface TableProbe { schema: string; table: Table; live: Table }

interface ColumnProbe extends TableProbe { column: Column }

/** A partition key to spell (no parent), or a partition bound (with the parent whose key it is for). */
interface PartitionProbe { schema: string; table: Table; parent?: Table }

/**
 * A key is spelled by a temporary partitioned table with the same column
 * types; a bound by a temporary partition of a temporary stand-in for the
 * parent (a temporary table cannot be a partition of a permanent one).
 */
function partitionProbeScript(probeName: string, { schema, table, parent }: PartitionProbe): string {
  const columnsOf = (t: Table) => t.columns
    .map((c) => columnDefinition({ ...c, default: undefined, generated: undefined, identity: undefined, notNull: false, comment: undefined }))
    .join(', ');
  if (!parent) return [searchPath(schema), `CREATE TEMP TABLE ${quoteIdent(probeName)} (${columnsOf(table)}) PARTITION BY ${table.partitionBy}`].join(';\n');
  const stand = `${probeName}_parent`;
  return [
    searchPath(schema),
    `CREATE TEMP TABLE ${quoteIdent(stand)} (${columnsOf(parent)}) PARTITION BY ${parent.partitionBy}`,
    `CREATE TEMP TABLE ${quoteIdent(probeName)} PARTITION OF pg_temp.${quoteIdent(stand)} ${table.partitionOf!.bound}`,
  ].join(';\n');
}

/** Columns per batch table: well under PostgreSQL's 1,600. */
const COLUMNS_PER_BATCH = 1000;
const batchColumnName = (k: number) => `c_${k}`;

/**
 * Differing plain columns, per schema (types resolve through its
 * search_path), as the columns of one wide temporary table per batch:
 * creating one table of 1,000 columns costs about what one table of ten
 * does, and a 5% change to 1,000 tables otherwise builds a hundred tables.
 */
function columnProbeSet(columns: ColumnProbe[]): Array<Probe<ColumnProbe[]>> {
  const bySchema = new Map<string, ColumnProbe[]>();
  for (const c of columns) bySchema.set(c.schema, [...(bySchema.get(c.schema) ?? []), c]);
  const batches: ColumnProbe[][] = [];
  for (const list of bySchema.values()) {
    for (let i = 0; i < list.length; i += COLUMNS_PER_BATCH) batches.push(list.slice(i, i + COLUMNS_PER_BATCH));
  }
  return batches.map((batch, i) => {
    const probeName = `schemaform_probe_columns_${i}`;
    const definitions = batch.map(({ column }, k) => columnDefinition({ ...column, name: batchColumnName(k), identity: undefined, notNull: false, comment: undefined }));
    return {
      probeName,
      original: batch,
      script: [
        searchPath(batch[0]!.schema),
        `CREATE TEMP TABLE ${quoteIdent(probeName)} (${definitions.join(', ')}) ON COMMIT DROP`,
      ].join(';\n'),
    };
  });
}

function uniqueTables(columns: ColumnProbe[]): TableProbe[] {
  const seen = new Map<Table, TableProbe>();
  for (const { schema, table, live } of columns) if (!seen.has(table)) seen.set(table, { schema, table, live });
  return [...seen.values()];
}

function adoptColumnSpelling(column: Column, probe: Column): Column {
  const out: Column = { ...column, type: probe.type };
  if (column.default !== undefined && probe.default !== undefined) out.default = probe.default;
  if (column.generated !== undefined && probe.generated !== undefined) out.generated = probe.generated;
  return out;
}

/** Probes resolve names as the object's own schema would, then public. */
function searchPath(schema: string): string {
  return `SET LOCAL search_path TO ${[schema, 'public'].map(quoteIdent).join(', ')}`;
}

function probeScript(schema: string, probeName: string, table: Table): string {
  const { columns, constraints, statements } = probeParts(probeName, table);
  return [
    searchPath(schema),
    `CREATE TEMP TABLE ${quoteIdent(probeName)} (${[...columns, ...constraints].join(', ')}) ON COMMIT DROP`,
    ...statements,
  ].join(';\n');
}

/**
 * The same probe one part at a time, each its own attempt: a part that does
 * not build (a misspelled type, a default naming a column) leaves the
 * others to be spelled, so one bad column does not make the table's
 * unchanged checks and defaults read as changed.
 */
function partScripts(schema: string, probeName: string, table: Table, live: Table): string[] {
  const { columns, constraints, statements } = probeParts(probeName, table);
  const on = `ALTER TABLE pg_temp.${quoteIdent(probeName)}`;
  const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
  return [
    `CREATE TEMP TABLE ${quoteIdent(probeName)} () ON COMMIT DROP`,
    ...table.columns.flatMap((c, i) => {
      const now = liveColumns.get(c.renamedFrom ?? c.name) ?? liveColumns.get(c.name);
      // A column that does not build stands in with its live type, so that the checks and
      // indexes over it are still spelled; its comment marks it as no spelling to adopt.
      return [`${on} ADD COLUMN ${columns[i]}`, ...(now ? [[
        `${on} ADD COLUMN ${quoteIdent(c.name)} ${now.type}`,
        `COMMENT ON COLUMN pg_temp.${quoteIdent(probeName)}.${quoteIdent(c.name)} IS ${quoteLiteral(STAND_IN)}`,
      ].join(';\n')] : [])];
    }),
    ...constraints.map((c) => `${on} ADD ${c}`),
    ...statements,
  ].map((script) => `${searchPath(schema)};\n${script}`);
}

const STAND_IN = 'schemaform: a stand-in for a column that did not build';

function probeParts(probeName: string, table: Table): { columns: string[]; constraints: string[]; statements: string[] } {
  const columns = table.columns.map((c: Column) => columnDefinition({ ...c, identity: undefined, notNull: false, comment: undefined }));
  const constraints = [
    ...table.checks.map((c) => constraintDefinition({ type: 'check', ...c })),
    ...table.exclusions.map((x) => constraintDefinition({ type: 'exclusion', ...x })),
  ];
  const indexes = table.indexes.map((index: Index, j) => indexDefinition('pg_temp', probeName, { ...index, name: `${probeName}_${j}` }));
  // Only WHEN conditions need PostgreSQL's spelling; the rest of a trigger is compared as data.
  const triggers = table.triggers.filter((t) => t.when !== undefined)
    .flatMap((t) => createTriggerStatements('pg_temp', probeName, { ...t, constraint: false, enabled: 'origin', comment: undefined }));
  const policies = table.policies.flatMap((p) => createPolicyStatements('pg_temp', probeName, { ...p, roles: ['public'], comment: undefined }));
  return { columns, constraints, statements: [...indexes, ...triggers, ...policies] };
}

function adoptSpelling(original: Table, probe: Table): Table {
  const probeColumns = new Map(probe.columns.map((c) => [c.name, c]));
  const probeChecks = new Map(probe.checks.map((c) => [c.name, c]));
  const indexName = (j: number) => `schemaform_probe_${probe.name.slice('schemaform_probe_'.length)}_${j}`;
  const probeIndexes = new Map(probe.indexes.map((i) => [i.name, i]));
  return {
    ...original,
    columns: original.columns.map((c) => {
      const p = probeColumns.get(c.name);
      return p && p.comment !== STAND_IN ? adoptColumnSpelling(c, p) : c;
    }),
    checks: original.checks.map((c) => ({ ...c, expression: probeChecks.get(c.name)?.expression ?? c.expression })),
    policies: original.policies.map((p) => {
      const spelled = probe.policies.find((x) => x.name === p.name);
      return spelled ? { ...p, ...(p.using !== undefined && spelled.using !== undefined && { using: spelled.using }), ...(p.withCheck !== undefined && spelled.withCheck !== undefined && { withCheck: spelled.withCheck }) } : p;
    }),
    exclusions: original.exclusions.map((x) => ({ ...x, definition: probe.exclusions.find((p) => p.name === x.name)?.definition ?? x.definition })),
    triggers: original.triggers.map((t) => {
      const when = probe.triggers.find((p) => p.name === t.name)?.when;
      return when !== undefined && t.when !== undefined ? { ...t, when } : t;
    }),
    indexes: original.indexes.map((index, j) => {
      const p = probeIndexes.get(indexName(j));
      return p ? { ...index, keys: p.keys, ...(p.where !== undefined && { where: p.where }) } : index;
    }),
  };
}


/** The relation with its rules as PostgreSQL spells them, where they were probed. */
function withRules<T extends { rules?: Rule[] }>(owner: T, spelled: Map<Rule, Rule>): T {
  return owner.rules?.some((r) => spelled.has(r)) ? { ...owner, rules: owner.rules.map((r) => spelled.get(r) ?? r) } : owner;
}
