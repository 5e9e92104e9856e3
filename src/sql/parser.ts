/**
 * PostgreSQL's own parser (libpg_query compiled to WebAssembly), used to
 * decide what a piece of SQL text is before any of it reaches a server.
 * Loaded once per process, on first use (~50 ms).
 */
type Parser = typeof import('libpg-query');

import { importExternal } from '../external-import.js';

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Load the parser; every other function here needs this to have resolved once. */
export function loadParser(): Promise<Parser> {
  loading ??= importExternal<Parser>('libpg-query').then(async (module) => {
    await module.loadModule();
    parser = module;
    return module;
  });
  return loading;
}

/** A parse tree node: `{ KindName: { ...fields } }`, as libpg_query's JSON prints it. */
export type Node = Record<string, unknown>;

export interface RawStatement {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}

export type ParseResult = { ok: true; statements: RawStatement[] } | { ok: false; message: string; position: number };

/** Parse SQL text into statements, or say what PostgreSQL's parser objects to and where (0-based). */
export function parseSql(sql: string): ParseResult {
  if (!parser) throw new Error('the SQL parser is not loaded: await loadParser() first');
  try {
    return { ok: true, statements: (parser.parseSync(sql).stmts ?? []) as RawStatement[] };
  } catch (e) {
    const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    return { ok: false, message: details?.message ?? (e as Error).message, position: Math.max(0, (details?.cursorPosition ?? 1) - 1) };
  }
}

/** One token of PostgreSQL's scanner: its text and where it is (0-based, end exclusive). */
export interface SqlToken { text: string; start: number; end: number; reserved: boolean }

/** Split SQL text into PostgreSQL's tokens (strings, quoted names and comments stay whole). */
export function scanSql(sql: string): SqlToken[] {
  if (!parser) throw new Error('the SQL parser is not loaded: await loadParser() first');
  // keywordKind 4 is RESERVED_KEYWORD in libpg_query's scanner.
  return parser.scanSync(sql).tokens.map((t) => ({ text: t.text, start: t.start, end: t.end, reserved: t.keywordKind === 4 }));
}

/** The node's kind and fields: `{ SelectStmt: {...} }` → ['SelectStmt', {...}]. */
export function nodeKind(node: unknown): [string, Record<string, unknown>] | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const value = (node as Record<string, unknown>)[keys[0]!];
  return value !== null && typeof value === 'object' ? [keys[0]!, value as Record<string, unknown>] : undefined;
}

/** The fields of `node` if it is of `kind`. */
export function fieldsOf(node: unknown, kind: string): Record<string, unknown> | undefined {
  const k = nodeKind(node);
  return k && k[0] === kind ? k[1] : undefined;
}

/** Every field set on a node, apart from source positions. */
export function fieldNames(fields: Record<string, unknown>): string[] {
  return Object.keys(fields).filter((k) => k !== 'location');
}
