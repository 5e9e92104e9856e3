import type { Routine } from './types.js';

/**
 * A SQL-standard body (`RETURN expr`, `BEGIN ATOMIC … END`) is written as
 * SQL, not as a quoted string, and PostgreSQL parses it when the routine is
 * created: the tables it names must exist then, and the routine depends on
 * them (and on their columns) as a view does. Neither form is valid inside
 * a quoted SQL body, so the text tells the two apart.
 */
export function hasStandardBody(r: Pick<Routine, 'language' | 'body'>): boolean {
  return r.language === 'sql' && /^\s*(RETURN\b|BEGIN\s+ATOMIC\b)/i.test(r.body);
}
