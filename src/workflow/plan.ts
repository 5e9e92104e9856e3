import { withSequenceRestarts } from '../introspect/sequence-positions.js';
import { ignoredObjects } from '../model/ignore.js';
import { destroysData, keepingLive } from '../plan/skip-destructive.js';
import { protectionChanges, refuseProtectedDrops } from '../plan/protection.js';
import { randomBytes } from 'node:crypto';
import { profiled } from '../profile.js';
import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { SchemaformError } from '../errors.js';
import { completeChanges, diffObjects, refuseRepartitioning, type DiffOptions } from '../diff/diff.js';
import { inPlanNames, seedsOf, type LiveDependent } from '../graph/facts.js';
import { readDependents } from '../introspect/dependents.js';
import { withServerPrivileges } from '../model/grants.js';
import { introspect, lanesIssued, serverInfo, withCatalogLanes } from '../introspect/introspect.js';
import type { Model } from '../model/types.js';
import { normalizeDesired } from '../normalize/probe.js';
import { describeChange, draftPlan, finishPlan, sealPlan, type BuildPlanInput } from '../plan/build.js';
import { loadParser } from '../sql/parser.js';
import type { Plan } from '../plan/types.js';
import { rehearse } from '../rehearse/rehearse.js';
import type { RehearsalTarget } from '../rehearse/scratch.js';
import type { EdgeRule } from '../graph/rules.js';
import { toolVersion } from '../paths.js';
import { latestSnapshotSummary, protectionsAt } from '../state/store.js';
import { scanCatalog, unmanagedAmong, unmanagedLabel } from '../introspect/unmanaged.js';
import { tableSizes } from '../introspect/table-sizes.js';
import { managedScope, readInScope, restrictToScope, type Scope } from './scope.js';
import { renderChange } from '../plan/render.js';
import type { Execution } from '../plan/online.js';
import { inRolledBackTransaction } from '../normalize/planning-transaction.js';
import { knownFragments as knownFragmentsOf } from '../validate/fragments.js';
import type { ShapeRequests } from '../sql/shape-checker.js';

export interface CreatePlanOptions {
  allowDestructive?: boolean;
  /** Leave the changes that lose data out of the plan (keeping those objects as they are), and list them. */
  skipDestructive?: boolean;
  /** online by default (see Execution). */
  execution?: Execution;
  /** Refuse to plan when managed schemas hold objects schemaform does not manage. */
  strict?: boolean;
  /** Injected for reproducible tests. */
  now?: () => Date;
  newId?: () => string;
  onPhase?: (phase: string) => void;
  /** Where to rehearse a plan that has steps (see rehearse); without one the plan records that it was not rehearsed. */
  rehearsal?: RehearsalTarget;
  /** Why there is no rehearsal target, for the plan's one line about it. */
  noRehearsalReason?: string;
  /** The ordering rules; all of them unless a test takes one out to see the rehearsal catch the wrong order. */
  orderRules?: readonly EdgeRule[];
}

/** What a loader of the desired schema may use: the SQL texts the live database already spells (see loadSchema's knownFragments). */
export interface PlanContext {
  knownFragments: Promise<ShapeRequests>;
}

export function newPlanId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Read the live database and plan the way to `desired`. Changes nothing.
 * `desired` may be a function that loads it: it is called once the catalog
 * queries are on their way, so the file is parsed while the server answers.
 */
export async function createPlan(db: Database, desiredInput: Model | Promise<Model> | ((context: PlanContext) => Promise<Model>), options: CreatePlanOptions = {}): Promise<Plan> {
  const now = (options.now ?? (() => new Date()))();
  const phase = options.onPhase ?? (() => undefined);
  phase('reading the database');
  const server = await profiled('server info', () => serverInfo(db));
  // Every user schema: which ones are in scope is known once the file is loaded.
  let issued!: () => void;
  const queriesIssued = new Promise<void>((resolve) => (issued = resolve));
  const reading = withCatalogLanes(db, (lanes) => {
    const all = Promise.all([
      profiled('latest snapshot', () => latestSnapshotSummary(db)),
      profiled('catalog read (introspect)', () => introspect(db, { lanes }, server)),
      profiled('catalog scan (for unmanaged objects)', () => scanCatalog(db, server, undefined, lanes)),
    ]);
    // Not before the other connections have their queries: a reader still joining when the parse
    // starts sends its query only after it (measured at 1,000 tables: the constraints 0.6 s late).
    lanesIssued(lanes).then(issued, issued);
    return all;
  });
  // A broken file is the more useful error; don't leave the other one unhandled.
  reading.catch(() => undefined);
  // The file's parse holds the event loop: the queries must be on their way before it starts.
  await Promise.race([queriesIssued, reading.then(() => undefined, () => undefined)]);
  const knownFragments = reading.then(([, live]) => knownFragmentsOf(live.model));
  knownFragments.catch(() => undefined);
  const loaded = await profiled('schema file', () => (typeof desiredInput === 'function' ? desiredInput({ knownFragments }) : desiredInput));
  const desired = withServerPrivileges(loaded, server.versionNum, server.currentRole);
  const [latest, live, scan] = await profiled('waiting for the catalog', () => reading);
  const scope = managedScope(desired, latest);
  refuseDeclaredAndIgnored(loaded);
  const unmanaged = (await profiled('unmanaged objects', () => unmanagedAmong(db, scan, live.read))).filter((o) => scope.schemas.includes(o.schema));
  if (options.strict && unmanaged.length) {
    throw new SchemaformError(`${unmanaged.length} object(s) in managed schemas are not managed by schemaform (--strict)`, {
      details: unmanaged.slice(0, 30).map(unmanagedLabel),
      hint: 'Drop them, move them to a schema the file does not declare, or plan without --strict (they are then listed and left untouched).',
    });
  }
  const source = restrictToScope(live.model, scope);
  phase('normalising expressions');
  // Schema renames change how the catalog spells every name inside those
  // schemas: compare against the live schema as it reads after the renames.
  const { renames, base } = await comparisonBase(db, source, desired, scope);
  const normalized = await profiled('normalising (probe)', () => normalizeDesired(db, desired, base, server, renames));
  phase('comparing');
  refuseRepartitioning(base, normalized);
  const { changes: planned, dependents, target, fileTarget, skipped } = await profiled('diff and dependents', () => plannedChanges(db, base, normalized, desired, renames, { role: server.currentRole, managedRoles: scope.managedRoles }, options.skipDestructive ?? false));
  const changes = await profiled('sequence positions', () => withSequenceRestarts(db, planned));
  refuseDroppingEverythingForNothing(loaded, changes, options.allowDestructive ?? false);
  const marks = await profiled('checks (protections, extensions, roles)', async () => {
    const recorded = await protections(db, changes, loaded.preventDestroy ?? [], latest?.id);
    await requireAvailableExtensions(db, changes);
    await requireExistingRoles(db, changes);
    return recorded;
  });
  phase('building the plan');
  // The dependency graph reads SQL texts with PostgreSQL's parser.
  if (changes.length) await profiled('loading the SQL parser', () => loadParser());
  const plan = await buildSizedPlan(db, {
    id: options.newId?.() ?? newPlanId(now),
    createdAt: now.toISOString(),
    toolVersion,
    kind: 'migrate',
    target: { systemIdentifier: server.systemIdentifier, database: server.database, serverVersion: server.versionNum },
    scope,
    source: { model: source, snapshotId: latest?.id ?? null, rowEstimates: live.rowEstimates },
    desired: target,
    changes,
    dependents,
    unmanaged,
    allowDestructive: options.allowDestructive ?? false,
    ...marks,
    ...(skipped.length && { skipped: skipped.map(describeChange) }),
    ...(options.execution && { execution: options.execution }),
    ...(options.orderRules && { orderRules: options.orderRules }),
    ...(!options.rehearsal && changes.length > 0 && { rehearsal: { rehearsed: false, reason: options.noRehearsalReason ?? NO_TARGET } }),
  });
  // Sealed a second time only when rehearsed: a rehearsal needs the steps first.
  if (plan.steps.length === 0 || !options.rehearsal) return plan;
  phase('rehearsing the plan');
  return sealPlan({ ...plan, rehearsal: await profiled('rehearsal', () => rehearse(options.rehearsal!, plan, { live: source, file: fileTarget, dependents })) });
}

/**
 * The changes to reach the file, or (skipping what loses data) to reach the
 * file with those objects kept as they are live: planned again from that
 * target, so that what the skipped changes took along goes too.
 */
async function plannedChanges(db: Database, base: Model, normalized: Model, file: Model, renames: SchemaRename[], options: DiffOptions, skip: boolean) {
  const full = await planChanges(db, base, normalized, renames, options);
  const skipped = skip ? full.changes.filter(destroysData) : [];
  if (skipped.length === 0) return { ...full, target: normalized, fileTarget: file, skipped };
  const target = keepingLive(normalized, base, skipped);
  return { ...(await planChanges(db, base, target, renames, options)), target, fileTarget: keepingLive(file, base, skipped), skipped };
}

/**
 * The preventDestroy marks against those the latest apply recorded: a change
 * that would drop a marked object stops the plan; otherwise, what the plan
 * records (the marks, and how they differ from the recorded ones).
 */
export async function protections(db: Database, changes: readonly Change[], marks: readonly string[], latestId: number | undefined): Promise<{ preventDestroy: string[]; protectionChanges?: Plan['protectionChanges'] }> {
  const recorded = latestId === undefined ? [] : await protectionsAt(db, latestId);
  refuseProtectedDrops(changes, marks, latestId === undefined ? undefined : { snapshotId: latestId, keys: recorded });
  const changed = protectionChanges(marks, recorded);
  return { preventDestroy: [...marks], ...(changed && { protectionChanges: changed }) };
}

const NO_TARGET = 'no scratch database was available (plan against a server where the role may create databases, or pass --shadow-database-url)';

/**
 * buildPlan, with the sizes the hazards quote asked for first: the server
 * measures the tables (a stat() of each file) while this process orders and
 * renders the steps, which do not need them (see draftPlan).
 */
export async function buildSizedPlan(db: Database, input: Omit<BuildPlanInput, 'source'> & { source: Omit<BuildPlanInput['source'], 'tableBytes'> }): Promise<Plan> {
  const sizes = tableSizes(db, input.changes);
  sizes.catch(() => undefined);
  const draft = profiled('building the plan (graph, SQL, digests)', () => draftPlan(input));
  const tableBytes = await profiled('table sizes', () => sizes);
  return profiled('building the plan (hazards, units)', () => finishPlan(draft, tableBytes));
}

/**
 * An empty or comment-only file (a bad merge, a wrong -f) plans to drop
 * every managed object. That is a plan nobody means by accident: it is
 * written only when --allow-destructive says it is meant.
 */
function refuseDroppingEverythingForNothing(file: Model, changes: Change[], allowDestructive: boolean) {
  if (allowDestructive || file.schemas.length > 0 || file.extensions.length > 0) return;
  const drops = changes.filter((c) => c.kind.startsWith('drop-'));
  if (drops.length === 0) return;
  const tables = drops.filter((c) => c.kind === 'drop-table').length;
  throw new SchemaformError(`the file declares nothing: planning it would drop every managed object (${drops.length} drop step(s), ${tables} table(s)); no plan was written`, {
    hint: 'Check -f (an empty file, or only comments?). If dropping everything is intended, plan again with --allow-destructive.',
  });
}

/** An object the file declares and also ignores: which one it means cannot be guessed. */
function refuseDeclaredAndIgnored(file: Model) {
  const both = ignoredObjects(file, file.ignore);
  if (both.length === 0) return;
  throw new SchemaformError(`${both.length} object(s) are declared in the file and also match its ignore patterns; no plan was written`, {
    details: both.slice(0, 20),
    hint: 'Remove them from the file (to leave them alone), or add a "!KIND SCHEMA.NAME" pattern after the one that matches (to manage them).',
  });
}

/** Fail at plan time, not halfway through apply, when the server lacks an extension. */
async function requireAvailableExtensions(db: Database, changes: Change[]) {
  const wanted = changes.flatMap((c) => (c.kind === 'create-extension' ? [c.extension.name] : []));
  if (wanted.length === 0) return;
  const rows = await db.query<{ name: string }>('SELECT name FROM pg_catalog.pg_available_extensions ORDER BY name');
  const available = new Set(rows.map((r) => r.name));
  const missing = wanted.filter((w) => !available.has(w));
  if (missing.length) {
    throw new SchemaformError(`extension(s) ${missing.join(', ')} are not available on this server`, {
      details: [`available: ${[...available].join(', ')}`],
      hint: 'Install the extension on the database server (e.g. the postgresql-contrib package), or remove it from the schema file.',
    });
  }
}

/** Roles belong to the cluster: the file may only reference roles that exist. */
async function requireExistingRoles(db: Database, changes: Change[]) {
  const named = [...new Set(changes.flatMap((c) => (c.kind === 'grant-privileges'
    ? [...(c.grant.to !== 'public' ? [c.grant.to] : []), ...(c.target.type === 'default-privileges' ? [c.target.role] : [])]
    : [])))];
  if (named.length === 0) return;
  const rows = await db.query<{ name: string }>('SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])', [named]);
  const existing = new Set(rows.map((r) => r.name));
  const missing = named.filter((r) => !existing.has(r)).sort();
  if (missing.length) {
    throw new SchemaformError(`the schema grants privileges to role(s) that do not exist: ${missing.join(', ')}`, {
      hint: 'Roles belong to the whole server and schemaform does not create them: create them first (CREATE ROLE ...), or correct the names in the grants.',
    });
  }
}

type SchemaRename = Extract<Change, { kind: 'rename-schema' }>;

/**
 * The changes from `base` (the live schema, as it reads after `renames`) to
 * `desired`, with what they take along: the live dependents of whatever
 * they drop or rewrite come from pg_depend, read as the catalog will be
 * once the schema renames ran.
 */
export async function planChanges(db: Database, base: Model, desired: Model, renames: SchemaRename[], options: DiffOptions): Promise<{ changes: Change[]; dependents: LiveDependent[] }> {
  const { changes: direct, from } = diffObjects(base, desired, options);
  const seeds = seedsOf(direct);
  const dependents = seeds.length === 0 ? [] : inPlanNames(direct, await afterSchemaRenames(db, renames, () => readDependents(db, seeds)));
  return { changes: [...renames, ...completeChanges(direct, from, desired, dependents, options)], dependents };
}

/**
 * What to diff the desired schema against: the live one, or, when schemas
 * are renamed, the live one as it reads after the renames (every expression
 * and type inside them is spelled with the new name).
 */
export async function comparisonBase(db: Database, live: Model, desired: Model, scope: Scope): Promise<{ renames: SchemaRename[]; base: Model }> {
  const renames = schemaRenames(live, desired);
  return { renames, base: renames.length ? await readAfterRenames(db, renames, scope) : live };
}

function schemaRenames(live: Model, desired: Model): SchemaRename[] {
  const names = new Set(live.schemas.map((s) => s.name));
  return desired.schemas.flatMap((s): SchemaRename[] =>
    s.renamedFrom && names.has(s.renamedFrom) && !names.has(s.name) ? [{ kind: 'rename-schema', from: s.renamedFrom, to: s.name }] : []);
}

/** The scoped live schema as it would read once the renames ran. */
async function readAfterRenames(db: Database, renames: SchemaRename[], scope: Scope): Promise<Model> {
  return afterSchemaRenames(db, renames, () => readInScope(db, scope));
}

/** `read` run as the catalog will be once the schema renames ran (in a transaction that is rolled back), or as it is when there are none. */
async function afterSchemaRenames<T>(db: Database, renames: readonly SchemaRename[], read: () => Promise<T>): Promise<T> {
  if (renames.length === 0) return read();
  return inRolledBackTransaction(db, async () => {
    for (const r of renames) await db.exec(renderChange(r, { serverVersion: 0 }).join(';\n'));
    return read();
  });
}
