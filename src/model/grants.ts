import type { Grant, Model } from './types.js';

/** PostgreSQL's order, which is also how GRANT statements read best. */
const ORDER = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN', 'USAGE', 'EXECUTE'];

export type GrantTarget = 'table' | 'sequence' | 'column';

/** What ALL means for each target; MAINTAIN exists from PostgreSQL 17. */
export function allPrivileges(target: GrantTarget, serverVersion: number): string[] {
  switch (target) {
    case 'table': return ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', ...(serverVersion >= 170000 ? ['MAINTAIN'] : [])];
    case 'sequence': return ['SELECT', 'UPDATE', 'USAGE'];
    case 'column': return ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'];
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
 * from PostgreSQL 17), so the file compares with what the catalog holds.
 */
export function withAllPrivilegesExpanded(model: Model, serverVersion: number): Model {
  const hasAll = (o: { grants?: Grant[] }) => o.grants?.some((g) => g.privileges.includes('ALL')) ?? false;
  if (!model.schemas.some((s) => s.tables.some(hasAll) || s.views.some(hasAll) || s.sequences.some(hasAll))) return model;
  const expand = <T extends { grants?: Grant[] }>(o: T, target: 'table' | 'sequence'): T => (hasAll(o)
    ? {
      ...o,
      grants: canonicalGrants(atomsOf(o.grants!.map((g) => ({
        ...g,
        privileges: g.privileges.flatMap((p) => (p === 'ALL' ? allPrivileges(g.columns ? 'column' : target, serverVersion) : [p])),
      })))),
    }
    : o);
  return {
    ...model,
    schemas: model.schemas.map((s) => ({
      ...s,
      tables: s.tables.map((t) => expand(t, 'table')),
      views: s.views.map((v) => expand(v, 'table')),
      sequences: s.sequences.map((q) => expand(q, 'sequence')),
    })),
  };
}

/** What a new function or procedure allows: everyone may execute it. */
export const ROUTINE_DEFAULT_GRANTS: Grant[] = [{ to: 'public', privileges: ['EXECUTE'] }];

/**
 * A routine's privileges as the model keeps them: undefined when they are
 * PostgreSQL's default, however the catalog or the file spells that.
 */
export function routineGrants(atoms: readonly GrantAtom[]): Grant[] | undefined {
  const grants = canonicalGrants(atoms) ?? [];
  const isDefault = grants.length === 1 && grants[0]!.to === 'public' && !grants[0]!.withGrantOption && !grants[0]!.columns
    && grants[0]!.privileges.length === 1 && grants[0]!.privileges[0] === 'EXECUTE';
  return isDefault ? undefined : grants;
}
