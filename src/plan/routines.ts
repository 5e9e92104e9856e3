import { hasStandardBody } from '../model/routine-body.js';
import type { Routine } from '../model/types.js';
import { commentOn } from './sql-fragments.js';
import { qualify, quoteIdent, quoteLiteral } from '../sql/quote.js';

/**
 * The argument list without DEFAULT clauses: the form DROP and COMMENT ON
 * accept. Splits on top-level commas only (defaults may hold calls and strings).
 */
export function argumentsWithoutDefaults(args: string): string {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of args) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.replace(/\s+(DEFAULT\s|=\s).*$/is, '').trim()).join(', ');
}

/** The AS clause: a SQL-standard body as it is, a C routine's library and symbol, or the source dollar-quoted. */
function routineBody(r: Routine): string {
  if (hasStandardBody(r)) return r.body;
  if (r.objectFile !== undefined) return `AS ${quoteLiteral(r.objectFile)}, ${quoteLiteral(r.body)}`;
  return `AS ${dollarQuote(r.body)}`;
}

/** A dollar-quote tag that does not occur in the body. */
function dollarQuote(body: string): string {
  let tag = '$schemaform$';
  for (let n = 1; body.includes(tag); n++) tag = `$schemaform${n}$`;
  return `${tag}${body}${tag}`;
}

function settingValue(key: string, value: string): string {
  // search_path is a list: each element becomes its own literal.
  if (key === 'search_path') return value.split(',').map((v) => quoteLiteral(v.trim().replace(/^"(.*)"$/, '$1'))).join(', ');
  return quoteLiteral(value);
}

export function routineSignature(schema: string, r: Routine): string {
  return `${qualify(schema, r.name)}(${argumentsWithoutDefaults(r.arguments)})`;
}

export function createRoutine(schema: string, r: Routine, replace: boolean): string[] {
  const head = `CREATE${replace ? ' OR REPLACE' : ''} ${r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qualify(schema, r.name)}(${r.arguments})`;
  const clauses = [
    ...(r.kind === 'function' ? [`RETURNS ${r.returns ?? 'void'}`] : []),
    `LANGUAGE ${quoteIdent(r.language)}`,
    ...(r.kind === 'function' ? [r.volatility.toUpperCase()] : []),
    ...(r.kind === 'function' && r.strict ? ['STRICT'] : []),
    ...(r.securityDefiner ? ['SECURITY DEFINER'] : []),
    ...(r.kind === 'function' && r.parallel !== 'unsafe' ? [`PARALLEL ${r.parallel.toUpperCase()}`] : []),
    ...(r.kind === 'function' && r.leakproof ? ['LEAKPROOF'] : []),
    ...(r.kind === 'function' ? [`COST ${r.cost}`] : []),
    ...(r.kind === 'function' && r.rows !== '0' ? [`ROWS ${r.rows}`] : []),
    ...Object.entries(r.settings ?? {}).map(([k, v]) => `SET ${quoteIdent(k)} TO ${settingValue(k, v)}`),
  ];
  return [
    `${head}\n  ${clauses.join(' ')}\n${routineBody(r)}`,
    ...(r.comment !== undefined || replace ? [commentOn(`${r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${routineSignature(schema, r)}`, r.comment)] : []),
  ];
}

export function dropRoutine(schema: string, r: Routine): string {
  return `DROP ${r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${routineSignature(schema, r)}`;
}
