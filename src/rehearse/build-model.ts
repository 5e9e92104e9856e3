import type { Change } from '../diff/changes.js';
import type { Database } from '../db/database.js';
import { diffModels } from '../diff/diff.js';
import { orderChanges } from '../graph/graph.js';
import { introspect } from '../introspect/introspect.js';
import type { Model } from '../model/types.js';
import { withInertBody } from '../normalize/planning-transaction.js';
import { renderChange, type RenderContext } from '../plan/render.js';
import { searchPathOf } from '../plan/build.js';
import { loadParser } from '../sql/parser.js';
import { quoteList } from '../sql/quote.js';

export interface BuildOptions {
  /** Routines with bodies that do nothing (a rehearsal runs no code of the file), or as written (their bodies are not run at creation either). */
  routines: 'inert' | 'as written';
  /** The role that will own what is built, for the privileges it has without a grant. */
  role?: string;
  /** Called with the number of statements once they are rendered. */
  onRendered?: (statements: number) => void;
}

/**
 * Build `model` in a scratch database, whose own schemas (public) stay
 * whether the model names them or not. Materialized views are created
 * without their rows: filling one runs its query.
 */
export async function buildInScratch(db: Database, model: Model, ctx: RenderContext, options: BuildOptions): Promise<void> {
  await db.exec("SET check_function_bodies = off; SET lock_timeout = '5s'; SET statement_timeout = '5min'");
  const empty = (await introspect(db, {})).model;
  const known = new Set(model.schemas.map((s) => s.name));
  const target: Model = { ...model, schemas: [...model.schemas, ...empty.schemas.filter((s) => !known.has(s.name))] };
  // The dependency graph reads SQL texts with PostgreSQL's parser.
  await loadParser();
  const steps = orderChanges(diffModels(empty, target, options.role ? { role: options.role } : {}), { live: empty })
    .map((c) => ({ path: searchPathOf(c), statements: renderChange(options.routines === 'inert' ? inert(c) : withoutRows(c), ctx) }));
  options.onRendered?.(steps.reduce((n, s) => n + s.statements.length, 0));
  try {
    for (const batch of batches(steps)) await db.exec(['BEGIN', ...batch, 'COMMIT'].join(';\n'));
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * The statements in transactions of about BATCH (one transaction of
 * thousands of DDL statements grows slower with each one), each change's
 * names resolving as in a plan's step: its schema, then public.
 */
function* batches(steps: ReadonlyArray<{ path: string[]; statements: string[] }>): Generator<string[]> {
  let batch: string[] = [];
  let path = '';
  for (const step of steps) {
    const wanted = quoteList(step.path);
    if (batch.length === 0 || wanted !== path) batch.push(`SET LOCAL search_path TO ${(path = wanted)}`);
    batch.push(...step.statements);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

const BATCH = 500;

/**
 * A step as a rehearsal runs it: routines with bodies that do nothing,
 * materialized views without their rows.
 */
export function inert(c: Change): Change {
  if (c.kind === 'create-function') return { ...c, routine: withInertBody(c.routine, 'return nothing') };
  return withoutRows(c);
}

function withoutRows(c: Change): Change {
  if (c.kind === 'create-view' && c.view.materialized && c.view.withData !== false) return { ...c, view: { ...c.view, withData: false } };
  return c;
}
