import type { Change } from './changes.js';

/*
 * Which SQL text names which objects. The catalog records no dependency on
 * a routine named in a plpgsql body, and the desired side has no catalog at
 * all, so the differ reads names in text: a false match only costs a
 * needless rebuild, never a wrong order.
 */

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether SQL text names any of these (bare, or schema.name) as a whole word, quoted or not. */
export function mentionsAny(names: string[]): (text: string) => boolean {
  const pattern = new RegExp(`(^|[^A-Za-z0-9_$])"?(${names.map(escapeRegExp).join('|')})"?($|[^A-Za-z0-9_$])`);
  return (text) => pattern.test(text);
}

/** Whether an expression calls any of these functions. */
export function callsAny(names: string[]): (expression: string) => boolean {
  const pattern = new RegExp(`(^|[^A-Za-z0-9_$])"?(${names.map(escapeRegExp).join('|')})"?\\s*\\(`);
  return (expression) => pattern.test(expression);
}

/** Routines this plan drops before anything that uses them is created again: what depends on them must come off first. */
export function rebuiltRoutineNames(changes: Change[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.kind === 'drop-function' && (c.rebuild || c.beforeTypeRebuild) ? [c.routine.name] : [])))];
}

