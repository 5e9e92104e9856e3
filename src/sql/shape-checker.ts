import { loadParser } from './parser.js';
import { sqlShapeProblem, type SqlShape } from '../validate/sql-shapes.js';

/**
 * Which SQL texts are not of their shape, decided by PostgreSQL's parser
 * (libpg_query compiled to WebAssembly). Loaded on first need: it costs
 * ~50 ms and 20-30 MiB of compiled code, so a command that has nothing to
 * check (a plan whose file spells everything as the catalog does) does
 * without it.
 */
export interface ShapeVerdicts {
  /** Why `text` is not a `shape`; undefined when it is. */
  problem(shape: SqlShape, text: string): string | undefined;
  /** Whether any text checked is not of its shape. */
  readonly any: boolean;
}

export type ShapeRequests = Map<SqlShape, Set<string>>;

export async function checkShapes(requests: ShapeRequests): Promise<ShapeVerdicts> {
  let any = false;
  if ([...requests.values()].some((texts) => texts.size > 0)) {
    await loadParser();
    for (const [shape, texts] of requests) for (const text of texts) if (sqlShapeProblem(shape, text) !== undefined) any = true;
  }
  return { any, problem: (shape, text) => (any ? sqlShapeProblem(shape, text) : undefined) };
}
