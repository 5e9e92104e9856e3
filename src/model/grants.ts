import type { DefaultPrivilegeObjects, DefaultPrivileges, Grant, Model, Schema } from './types.js';

/** PostgreSQL's order, which is also how GRANT statements read best. */
const ORDER = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN', 'USAGE', 'CREATE', 'EXECUTE'];

export type GrantTarget = 'table' | 'sequence' | 'column' | 'routine' | 'type' | 'schema';

/** What ALL means for each target; MAINTAIN exists from PostgreSQL 17. */
export function allPrivileges(target: GrantTarget, serverVersion: number): string[] {
  switch (target) {
    case 'table': return ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', ...(serverVersion >= 170000 ? ['MAINTAIN'] : [])];
    case 'sequence': return ['SELECT', 'UPDATE', 'USAGE'];
    case 'column': return ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'];
    case 'routine': return ['EXECUTE'];
    case 'type': return ['USAGE'];
    case 'schema': return ['USAGE', 'CREATE'];
  }
}

/** The target whose privileges a default-privileges entry hands out. */
export function defaultPrivilegeTarget(on: DefaultPrivilegeObjects): GrantTarget {
  switch (on) {
    case 'tables': return 'table';
    case 'sequences': return 'sequence';
    case 'functions': return 'routine';
    case 'types': return 'type';
  }
}

/** One privilege of one role on the object or one of its columns. */
export interface GrantAtom { to: string; privilege: string; column?: string; withGrantOption: boolean }

export function atomsOf(grants: readonly Grant[] | undefined): GrantAtom[] {
  const atoms: GrantAtom[] = [];
  for (const g of grants ?? []) {
    for (const privilege of g.privileges) {
      const withGrantOption = g.withGrantOption ?? false;
      if (g.columns) for (const column of g.columns) atoms.push({ to: g.to, privilege, column, withGrantOption });
      else atoms.push({ to: g.to, privilege, withGrantOption });
    }
  }
  return atoms;
}

export const atomKey = (a: GrantAtom) => [a.to, a.privilege, a.column ?? '', a.withGrantOption ? 'g' : ''].join('\u0000');

/**
 * The one way to write a set of privileges: whole-object privileges grouped
 * per role and grant option, column privileges per role, grant option and
 * privilege, everything sorted. Equal sets of privileges compare equal
 * however they were written.
 */
export function canonicalGrants(atoms: readonly GrantAtom[]): Grant[] | undefined {
  const groups = new Map<string, { grant: Grant; items: Set<string> }>();
  for (const a of atoms) {
    const key = a.column === undefined ? `${a.to}\u0000${a.withGrantOption}` : `${a.to}\u0000${a.withGrantOption}\u0000${a.privilege}`;
    let group = groups.get(key);
    if (!group) {
      group = { grant: { to: a.to, privileges: [], ...(a.column !== undefined && { privileges: [a.privilege], columns: [] }), ...(a.withGrantOption && { withGrantOption: true }) }, items: new Set() };
      groups.set(key, group);
    }
    group.items.add(a.column ?? a.privilege);
  }
  if (groups.size === 0) return undefined;
  const rank = (p: string) => (ORDER.indexOf(p) + 1 || ORDER.length + 1);
  const grants = [...groups.values()].map(({ grant, items }) => (grant.columns
    ? { ...grant, columns: [...items].sort() }
    : { ...grant, privileges: [...items].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)) }));
  const sortKey = (g: Grant) => [g.to, g.columns ? '1' : '0', g.columns ? g.privileges[0] : '', g.withGrantOption ? '1' : '0'].join('\u0000');
  return grants.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/**
 * ALL spelled out for the server at hand (MAINTAIN is a table privilege
 * from PostgreSQL 17), so the file compares with what the catalog holds;
 * and default privileges without a role given to the role that applies.
 */
export function withServerPrivileges(model: Model, serverVersion: number, currentRole: string): Model {
  const hasAll = (grants: Grant[] | undefined) => grants?.some((g) => g.privileges.includes('ALL')) ?? false;
  // Types, routines and schemas have the same ALL everywhere: the loader spells theirs out.
  const schemaNeeds = (s: Schema) => s.defaultPrivileges?.some((d) => d.role === undefined || hasAll(d.grants))
    || [s.tables, s.views, s.sequences].some((list) => list.some((o) => hasAll(o.grants)));
  if (!model.schemas.some(schemaNeeds)) return model;
  const spelled = (grants: Grant[], target: GrantTarget) => canonicalGrants(atomsOf(grants.map((g) => ({
    ...g,
    privileges: g.privileges.flatMap((p) => (p === 'ALL' ? allPrivileges(g.columns ? 'column' : target, serverVersion) : [p])),
  })))) ?? [];
  const expand = <T extends { grants?: Grant[] }>(o: T, target: GrantTarget): T => (hasAll(o.grants) ? { ...o, grants: spelled(o.grants!, target) } : o);
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s,
      tables: s.tables.map((t) => expand(t, 'table')),
      views: s.views.map((v) => expand(v, 'table')),
      sequences: s.sequences.map((q) => expand(q, 'sequence')),
      ...(s.defaultPrivileges && {
        defaultPrivileges: canonicalDefaultPrivileges(s.defaultPrivileges.map((d) => ({ ...expand(d, defaultPrivilegeTarget(d.on)), role: d.role ?? currentRole }))),
      }),
    })),
  };
}

/** One entry per role and kind of object, sorted, none empty: equal defaults compare equal. */
export function canonicalDefaultPrivileges(entries: readonly DefaultPrivileges[]): DefaultPrivileges[] {
  const merged = new Map<string, DefaultPrivileges>();
  for (const e of entries) {
    const key = `${e.role ?? ''}\u0000${e.on}`;
    const previous = merged.get(key);
    merged.set(key, { ...(e.role !== undefined && { role: e.role }), on: e.on, grants: [...(previous?.grants ?? []), ...e.grants] });
  }
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([, e]) => {
      const grants = canonicalGrants(atomsOf(e.grants));
      return grants ? [{ ...e, grants }] : [];
    });
}

/** What a new function or procedure allows: everyone may execute it. */
export const ROUTINE_DEFAULT_GRANTS: Grant[] = [{ to: 'public', privileges: ['EXECUTE'] }];
/** What a new type (enum, domain, composite) allows: everyone may use it. */
export const TYPE_DEFAULT_GRANTS: Grant[] = [{ to: 'public', privileges: ['USAGE'] }];

/**
 * Privileges of an object whose kind PostgreSQL grants to everyone by
 * default (routines, types), as the model keeps them: undefined when they
 * are that default, however the catalog or the file spells it.
 */
export function grantsBesidesDefault(atoms: readonly GrantAtom[], defaults: readonly Grant[]): Grant[] | undefined {
  const grants = canonicalGrants(atoms) ?? [];
  const defaultKeys = atomsOf(defaults).map(atomKey);
  const keys = atomsOf(grants).map(atomKey);
  const isDefault = keys.length === defaultKeys.length && keys.every((k) => defaultKeys.includes(k));
  return isDefault ? undefined : grants;
}
