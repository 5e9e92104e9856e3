import type { Change, GrantTargetRef } from './changes.js';
import { atomKey, atomsOf, canonicalGrants, ROUTINE_DEFAULT_GRANTS, type GrantAtom } from '../model/grants.js';
import { routineKey } from '../model/canonical.js';
import type { Grant, Model } from '../model/types.js';

/**
 * GRANT and REVOKE steps that make each table's, view's and sequence's
 * privileges what the file says. An object this plan creates (or rebuilds,
 * as it does views) starts with none, whatever it had before. Objects that
 * are dropped need nothing.
 */
export function diffGrants(from: Model, to: Model, changes: Change[]): Change[] {
  const live = new Map<string, Grant[] | undefined>();
  for (const s of from.schemas) {
    for (const t of s.tables) live.set(key(s.name, t.name), t.grants);
    for (const v of s.views) live.set(key(s.name, v.name), v.grants);
    for (const q of s.sequences) live.set(key(s.name, q.name), q.grants);
    for (const f of s.functions) live.set(key(s.name, routineKey(f)), f.grants ?? ROUTINE_DEFAULT_GRANTS);
  }
  const created = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'create-table') created.add(key(c.schema, c.table.name));
    else if (c.kind === 'create-view') created.add(key(c.schema, c.view.name));
    else if (c.kind === 'create-sequence') created.add(key(c.schema, c.sequence.name));
    // CREATE OR REPLACE keeps a routine's privileges; a new one has the default.
    else if (c.kind === 'create-function' && !c.replace) created.add(key(c.schema, routineKey(c.routine)));
  }
  const out: Change[] = [];
  const compare = (schema: string, target: GrantTargetRef, desired: Grant[] | undefined, previousName = target.name, initial: Grant[] = []) => {
    const before = atomsOf(created.has(key(schema, target.name)) ? initial : live.get(key(schema, previousName)));
    const after = atomsOf(desired);
    for (const grant of canonicalGrants(minus(before, after)) ?? []) out.push({ kind: 'revoke-privileges', schema, target, grant });
    for (const grant of canonicalGrants(minus(after, before)) ?? []) out.push({ kind: 'grant-privileges', schema, target, grant });
  };
  for (const s of to.schemas) {
    for (const t of s.tables) compare(s.name, { type: 'table', name: t.name }, t.grants, live.has(key(s.name, t.name)) ? t.name : t.renamedFrom);
    for (const v of s.views) compare(s.name, { type: 'view', name: v.name }, v.grants);
    for (const q of s.sequences) compare(s.name, { type: 'sequence', name: q.name }, q.grants);
    for (const f of s.functions) {
      const name = routineKey(f);
      compare(s.name, { type: 'function', name, routine: f }, f.grants ?? ROUTINE_DEFAULT_GRANTS, name, ROUTINE_DEFAULT_GRANTS);
    }
  }
  return out;
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/** The privileges in `a` that `b` does not have. */
function minus(a: GrantAtom[], b: GrantAtom[]): GrantAtom[] {
  const keys = new Set(b.map(atomKey));
  return a.filter((x) => !keys.has(atomKey(x)));
}
