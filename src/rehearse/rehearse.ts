import type { Change } from '../diff/changes.js';
import type { Database } from '../db/database.js';
import { diffModels } from '../diff/diff.js';
import { SchemaformError } from '../errors.js';
import { orderChanges } from '../graph/graph.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import { normalizeDesired } from '../normalize/probe.js';
import { restrictModel } from '../model/objects.js';
import type { Model } from '../model/types.js';
import { withInertBody } from '../normalize/planning-transaction.js';
import { describeChange } from '../plan/build.js';
import { renderChange, type RenderContext } from '../plan/render.js';
import type { Plan, PlanStep, Rehearsal } from '../plan/types.js';
import { objectOf, type ObjectRef } from '../diff/changes.js';
import { quoteIdent } from '../sql/quote.js';
import { rehearsalModel } from './closure.js';
import { withScratchDatabase, type RehearsalTarget } from './scratch.js';

/**
 * Run a plan before anyone applies it: in a scratch database, rebuild the
 * live objects the plan touches and everything they depend on, run the
 * plan's steps there in order, and read the result back. A step that fails
 * or a result that differs from the file stops the plan, naming the step.
 *
 * What it cannot see: rows (a NOT NULL the data would refuse), and what
 * routine bodies do. Routines are created with bodies that do nothing and
 * materialized views without rows, so no code from the file runs (the
 * tables are empty: defaults, checks and conversions meet no row); their
 * signatures, and everything that uses them, are rehearsed.
 */
export async function rehearse(target: RehearsalTarget, plan: Plan, live: Model): Promise<Rehearsal> {
  const lap = profiler();
  const { model: base, objects } = rehearsalModel(live, plan.steps);
  lap('closure');
  const ctx = { serverVersion: plan.target.serverVersion };
  const outcome = await withScratchDatabase(target, async (db) => {
    lap('created');
    await db.exec("SET check_function_bodies = off; SET lock_timeout = '5s'; SET statement_timeout = '5min'");
    const empty = (await introspect(db, {})).model;
    lap('introspected empty');
    // Only add: the scratch database's own schemas (public) stay, whether the plan touches them or not.
    const known = new Set(base.schemas.map((s) => s.name));
    // Privileges are left out, as in the comparison: a shadow server need not have the same roles.
    const target: Model = comparable({ ...base, schemas: [...base.schemas, ...empty.schemas.filter((s) => !known.has(s.name))] });
    const setup = orderChanges(diffModels(empty, target, {}), { live: empty }).flatMap((c) => renderChange(inert(c), ctx));
    lap(`rendered setup (${setup.length} statements)`);
    try {
      // In batches: one transaction of thousands of DDL statements grows slower with each one.
      for (let i = 0; i < setup.length; i += SETUP_BATCH) await db.exec(['BEGIN', ...setup.slice(i, i + SETUP_BATCH), 'COMMIT'].join(';\n'));
      lap('setup ran');
    } catch (e) {
      await db.exec('ROLLBACK').catch(() => undefined);
      return `the live objects the plan touches could not be rebuilt there (${(e as Error).message})`;
    }
    await runSteps(db, plan.steps, ctx);
    lap('steps ran');
    await converged(db, plan, [...plan.steps.map((s) => objectOf(s.change)), ...objects]);
    lap('compared');
    return undefined;
  });
  if (!outcome.ok) return { rehearsed: false, reason: outcome.reason };
  if (typeof outcome.value === 'string') return { rehearsed: false, reason: outcome.value };
  return { rehearsed: true, where: target.where };
}

const SETUP_BATCH = 500;

/** With SCHEMAFORM_PROFILE set, each call prints how long the rehearsal has run so far. */
function profiler(): (phase: string) => void {
  const started = Date.now();
  return (phase) => {
    if (process.env.SCHEMAFORM_PROFILE) process.stderr.write(`rehearsal ${phase}: ${Date.now() - started} ms\n`);
  };
}

/** The steps in order, as apply runs them, in one transaction kept at the end (the database is thrown away). */
async function runSteps(db: Database, steps: readonly PlanStep[], ctx: RenderContext) {
  await db.exec('BEGIN');
  try {
    for (const step of steps) {
      if (step.change.kind === 'grant-privileges' || step.change.kind === 'revoke-privileges') continue;
      const rehearsed = inert(step.change);
      const statements = rehearsed === step.change ? step.sql : renderChange(rehearsed, ctx);
      await db.exec(`SET LOCAL search_path TO ${step.searchPath.map(quoteIdent).join(', ')}`);
      for (const statement of statements) {
        try {
          await db.run(statement);
        } catch (e) {
          throw new SchemaformError(`rehearsal: step ${step.index} (${step.description}) failed in a scratch database: ${(e as Error).message}; no plan was written`, {
            details: [statement.length > 400 ? `${statement.slice(0, 400)}…` : statement],
            hint: 'The plan would fail the same way at apply. Check the file around that object; if the file is right, this is a schemaform bug in ordering: please report it with the plan output.',
          });
        }
      }
    }
    await db.exec('COMMIT');
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Refuses the plan unless a replan against the scratch database, after the steps, is empty for these objects. */
async function converged(db: Database, plan: Plan, refs: ObjectRef[]): Promise<void> {
  const server = await serverInfo(db);
  const after = comparable(restrictModel((await introspect(db, { schemas: plan.scope.schemas }, server)).model, refs));
  // What a plan against the scratch database would now find to do: spelled by it, as a replan is.
  const wanted = await normalizeDesired(db, comparable(restrictModel(plan.desired.model, refs)), after, server);
  const left = diffModels(after, wanted, {});
  if (left.length === 0) return;
  throw new SchemaformError(`rehearsal: after the plan's steps ran in a scratch database, ${left.length} difference(s) from the file remain; no plan was written`, {
    details: left.slice(0, 20).map((c) => `still to do: ${describeChange(c)}`),
    hint: 'A plan that does not reach the file would leave the next plan non-empty. This is a schemaform bug: please report it with the file.',
  });
}

/**
 * What a rehearsal can judge: structure, not privileges (the scratch
 * database has its own defaults, a shadow server its own roles; grant and
 * revoke steps are not run) nor routine bodies (inert).
 */
function comparable(model: Model): Model {
  const bare = <T extends { grants?: unknown }>(x: T): T => ({ ...x, grants: undefined });
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s, grants: undefined, defaultPrivileges: undefined,
      tables: s.tables.map(bare), views: s.views.map((v) => bare({ ...v, ...(v.materialized && { withData: false }) })), sequences: s.sequences.map(bare), enums: s.enums.map(bare),
      domains: s.domains.map(bare), ...(s.composites && { composites: s.composites.map(bare) }),
      functions: s.functions.map((f) => bare(withInertBody(f, 'return nothing'))),
    })),
  };
}

/**
 * A step as the rehearsal runs it: routines with bodies that do nothing,
 * materialized views without their rows (filling one runs its query).
 */
function inert(c: Change): Change {
  if (c.kind === 'create-function') return { ...c, routine: withInertBody(c.routine, 'return nothing') };
  if (c.kind === 'create-view' && c.view.materialized && c.view.withData !== false) return { ...c, view: { ...c.view, withData: false } };
  return c;
}
