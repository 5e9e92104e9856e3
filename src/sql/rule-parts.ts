import { Buffer } from 'node:buffer';
import { scanSql } from './parser.js';

/**
 * The condition and commands of a rule, from pg_get_ruledef's text. The
 * catalog keeps them only as one parsed tree (ev_qual, ev_action) that no
 * function prints apart, so they are cut out of the printed definition with
 * PostgreSQL's own scanner: DO and WHERE are reserved words, so the first of
 * each outside parentheses is the rule's; commands are split at semicolons
 * outside parentheses (a semicolon in a string is part of its token).
 */
export function ruleParts(definition: string): { where?: string; actions: string[] } {
  const tokens = scanSql(definition);
  // Token positions count bytes.
  const bytes = Buffer.from(definition);
  const cut = (from: number, to: number) => bytes.subarray(from, to).toString().trim();
  const at = (word: string) => {
    let depth = 0;
    return tokens.findIndex((t) => {
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      return depth === 0 && t.reserved && t.text.toUpperCase() === word;
    });
  };
  const doAt = at('DO');
  if (doAt < 0) throw new Error(`not a rule definition: ${definition.slice(0, 80)}`);
  const whereAt = at('WHERE');
  const where = whereAt >= 0 && whereAt < doAt ? cut(tokens[whereAt]!.end, tokens[doAt]!.start) : undefined;
  let first = doAt + 1;
  if (/^(INSTEAD|ALSO)$/i.test(tokens[first]?.text ?? '')) first++;
  const last = tokens.at(-1)?.text === ';' ? tokens.length - 1 : tokens.length;
  if (tokens[first]?.text.toUpperCase() === 'NOTHING') return { ...(where !== undefined && { where }), actions: [] };
  const grouped = tokens[first]?.text === '(';
  const inner = tokens.slice(grouped ? first + 1 : first, grouped ? last - 1 : last);
  const actions: string[] = [];
  let depth = 0;
  let start = inner[0]?.start;
  for (const [i, t] of inner.entries()) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    const ends = (depth === 0 && t.text === ';') || i === inner.length - 1;
    if (ends && start !== undefined) {
      const piece = cut(start, t.text === ';' ? t.start : t.end);
      if (piece) actions.push(piece);
      start = inner[i + 1]?.start;
    }
  }
  return { ...(where !== undefined && { where }), actions };
}
