import type { Grant } from '../model/types.js';
import { allPrivileges, atomsOf, canonicalGrants, grantsBesidesDefault, type GrantTarget } from '../model/grants.js';

/** A grant as the schema file writes it. */
export interface RawGrant { to: string; privileges: string[]; columns?: string[]; withGrantOption?: boolean }

/**
 * PUBLIC is a keyword, not a role: any spelling of it means everyone. ALL is
 * spelled out where it means the same on every server; on tables and
 * sequences it stays until the server version is known.
 */
export function grantAtoms(raw: RawGrant[] | undefined, target?: GrantTarget) {
  return atomsOf((raw ?? []).map((g) => ({
    to: g.to.toLowerCase() === 'public' ? 'public' : g.to,
    privileges: g.privileges.flatMap((p) => (p.toUpperCase() === 'ALL' && target ? allPrivileges(target, 0) : [p.toUpperCase()])),
    ...(g.columns && { columns: g.columns }),
    ...(g.withGrantOption && { withGrantOption: true }),
  })));
}

export function grantsOf(raw: RawGrant[] | undefined): { grants?: Grant[] } {
  const grants = canonicalGrants(grantAtoms(raw));
  return grants ? { grants } : {};
}

/** For kinds everyone may use by default (routines, types): omitted is that default, [] is the owner only. */
export function defaultedGrantsOf(raw: RawGrant[] | undefined, target: GrantTarget, defaults: Grant[]): { grants?: Grant[] } {
  if (raw === undefined) return {};
  const grants = grantsBesidesDefault(grantAtoms(raw, target), defaults);
  return grants ? { grants } : {};
}
