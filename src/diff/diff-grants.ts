import type { Change, GrantTargetRef } from './changes.js';
import { atomKey, atomsOf, canonicalGrants, ROUTINE_DEFAULT_GRANTS, TYPE_DEFAULT_GRANTS, type GrantAtom } from '../model/grants.js';
import { routineKey } from '../model/canonical.js';
import type { DefaultPrivilegeObjects, Grant, Model, Schema } from '../model/types.js';

/**
 * GRANT and REVOKE steps that make every object's privileges, and each
 * schema's default privileges, what the file says.
 *
 * An object this plan creates (or rebuilds, as it does views) starts with
 * what PostgreSQL gives a new one: the built-in default for its kind plus
 * the schema's default privileges for `role`, the role that runs the plan
 * (the defaults in force then are the live ones: default privileges change
 * after every object is created). Objects that are dropped need nothing.
 */
export function diffGrants(from: Model, to: Model, changes: Change[], role?: string, managedRoles?: readonly string[]): Change[] {
  // With managedRoles, only privileges held by those roles are granted or revoked: a platform's own grants are left alone.
  const managed = managedRoles === undefined ? () => true : ((names) => (a: GrantAtom) => names.has(a.to))(new Set(managedRoles));
  const live = new Map<string, Grant[] | undefined>();
  const liveSchemas = new Map<string, Schema>();
  for (const s of from.schemas) {
    liveSchemas.set(s.name, s);
    for (const t of s.tables) live.set(key(s.name, t.name), t.grants);
    for (const v of s.views) live.set(key(s.name, v.name), v.grants);
    for (const q of s.sequences) live.set(key(s.name, q.name), q.grants);
    for (const f of s.functions) live.set(key(s.name, routineKey(f)), f.grants ?? ROUTINE_DEFAULT_GRANTS);
    for (const t of typesOf(s)) live.set(key(s.name, t.name), t.grants ?? TYPE_DEFAULT_GRANTS);
  }
  const created = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'create-table') created.add(key(c.schema, c.table.name));
    else if (c.kind === 'create-view') created.add(key(c.schema, c.view.name));
    else if (c.kind === 'create-sequence') created.add(key(c.schema, c.sequence.name));
    // CREATE OR REPLACE keeps a routine's privileges; a new one has the default.
    else if (c.kind === 'create-function' && !c.replace) created.add(key(c.schema, routineKey(c.routine)));
    else if (c.kind === 'create-enum') created.add(key(c.schema, c.enum.name));
    // A recreated enum is a new type under the old name.
    else if (c.kind === 'recreate-enum') created.add(key(c.schema, c.to.name));
    else if (c.kind === 'create-domain') created.add(key(c.schema, c.domain.name));
    else if (c.kind === 'create-composite') created.add(key(c.schema, c.composite.name));
    // Also a range rebuilt with a new definition: a new type under the old name.
    else if (c.kind === 'create-range') created.add(key(c.schema, c.range.name));
  }
  const initial = (schema: string, on: DefaultPrivilegeObjects, builtIn: Grant[] = []): GrantAtom[] => [
    ...atomsOf(builtIn),
    ...(role === undefined ? [] : atomsOf(liveSchemas.get(schema)?.defaultPrivileges?.find((d) => d.role === role && d.on === on)?.grants)),
  ];
  const out: Change[] = [];
  const emit = (schema: string, target: GrantTargetRef, allBefore: GrantAtom[], allAfter: GrantAtom[]) => {
    const before = allBefore.filter(managed);
    const after = allAfter.filter(managed);
    for (const grant of canonicalGrants(minus(before, after)) ?? []) out.push({ kind: 'revoke-privileges', schema, target, grant });
    for (const grant of canonicalGrants(minus(after, before)) ?? []) out.push({ kind: 'grant-privileges', schema, target, grant });
  };
  const compare = (schema: string, target: GrantTargetRef, desired: Grant[] | undefined, start: () => GrantAtom[], previousName = target.name) => {
    emit(schema, target, created.has(key(schema, target.name)) ? start() : atomsOf(live.get(key(schema, previousName))), atomsOf(desired));
  };
  for (const s of to.schemas) {
    const previous = liveSchemas.get(s.name);
    // A schema's own privileges only when the file sets them; a new one has none.
    if (s.grants !== undefined) emit(s.name, { type: 'schema', name: s.name }, atomsOf(previous?.grants), atomsOf(s.grants));
    for (const t of s.tables) {
      compare(s.name, { type: 'table', name: t.name }, t.grants, () => initial(s.name, 'tables'), live.has(key(s.name, t.name)) ? t.name : t.renamedFrom);
    }
    for (const v of s.views) compare(s.name, { type: 'view', name: v.name }, v.grants, () => initial(s.name, 'tables'));
    for (const q of s.sequences) compare(s.name, { type: 'sequence', name: q.name }, q.grants, () => initial(s.name, 'sequences'));
    for (const f of s.functions) {
      compare(s.name, { type: 'function', name: routineKey(f), routine: f }, f.grants ?? ROUTINE_DEFAULT_GRANTS, () => initial(s.name, 'functions', ROUTINE_DEFAULT_GRANTS));
    }
    for (const t of typesOf(s)) {
      compare(s.name, { type: t.type, name: t.name }, t.grants ?? TYPE_DEFAULT_GRANTS, () => initial(s.name, 'types', TYPE_DEFAULT_GRANTS));
    }
    const liveDefaults = previous?.defaultPrivileges ?? [];
    const wantedDefaults = s.defaultPrivileges ?? [];
    const entries = new Map<string, { role: string; on: DefaultPrivilegeObjects }>();
    for (const d of [...liveDefaults, ...wantedDefaults]) if (d.role !== undefined) entries.set(`${d.role}\u0000${d.on}`, { role: d.role, on: d.on });
    for (const { role: creator, on } of entries.values()) {
      const grantsIn = (list: typeof liveDefaults) => atomsOf(list.find((d) => d.role === creator && d.on === on)?.grants);
      emit(s.name, { type: 'default-privileges', name: `${on} created by ${creator}`, role: creator, on }, grantsIn(liveDefaults), grantsIn(wantedDefaults));
    }
  }
  return out;
}

/** The schema's types that carry privileges, with the kind GRANT names them by. */
function typesOf(s: Schema): Array<{ type: 'enum' | 'domain' | 'type'; name: string; grants?: Grant[] }> {
  return [
    ...s.enums.map((e) => ({ type: 'enum' as const, name: e.name, grants: e.grants })),
    ...s.domains.map((d) => ({ type: 'domain' as const, name: d.name, grants: d.grants })),
    ...(s.composites ?? []).map((t) => ({ type: 'type' as const, name: t.name, grants: t.grants })),
    ...(s.ranges ?? []).map((t) => ({ type: 'type' as const, name: t.name, grants: t.grants })),
  ];
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/** The privileges in `a` that `b` does not have. */
function minus(a: GrantAtom[], b: GrantAtom[]): GrantAtom[] {
  const keys = new Set(b.map(atomKey));
  return a.filter((x) => !keys.has(atomKey(x)));
}
