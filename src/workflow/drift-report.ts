import { objectOf, type Change, type ObjectRef } from '../diff/changes.js';
import { describeChange } from '../plan/build.js';

/** One change in a drift report, as data: what it does to which object, and the sentence shown. */
export interface DriftEntry {
  action: 'create' | 'update' | 'delete';
  kind: Change['kind'];
  object: ObjectRef;
  description: string;
}

export const DRIFT_SYMBOL = { create: '+', update: '~', delete: '-' } as const;

/** Changes someone made, told in the past tense ("added column hotfix to table public.t"). */
export function manualEntries(changes: readonly Change[]): DriftEntry[] {
  return changes.map((c) => entry(c, pastTense(describeChange(c))));
}

/** Changes that would undo them, as a plan would name its steps. */
export function undoEntries(changes: readonly Change[]): DriftEntry[] {
  return changes.map((c) => entry(c, describeChange(c)));
}

function entry(change: Change, description: string): DriftEntry {
  return { action: partAction(change), kind: change.kind, object: objectOf(change), description };
}

/** Whether the change adds, alters or removes the part it is about (a column is added to a table, which is altered). */
function partAction(change: Change): DriftEntry['action'] {
  if (/^(create|add|grant)-/.test(change.kind)) return 'create';
  if (/^(drop|revoke)-/.test(change.kind)) return 'delete';
  return 'update';
}

const PAST: Record<string, string> = {
  add: 'added', alter: 'altered', attach: 'attached', clear: 'cleared', cluster: 'clustered', create: 'created', detach: 'detached',
  disable: 'disabled', drop: 'dropped', enable: 'enabled', grant: 'granted', make: 'made', move: 'moved', recreate: 'recreated',
  rename: 'renamed', replace: 'replaced', restore: 'restored', revoke: 'revoked', set: 'set', stop: 'stopped', update: 'updated', validate: 'validated',
};

/** The step sentences start with their verb: put it in the past tense. */
export function pastTense(sentence: string): string {
  const space = sentence.indexOf(' ');
  const verb = space === -1 ? sentence : sentence.slice(0, space);
  const past = PAST[verb];
  return past ? past + sentence.slice(verb.length) : `changed: ${sentence}`;
}
