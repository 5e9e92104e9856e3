import type { Database } from '../db/database.js';
import { introspect } from '../introspect/introspect.js';
import { withoutIgnored } from '../model/ignore.js';
import type { Model } from '../model/types.js';
import type { Snapshot } from '../state/store.js';

export interface Scope {
  schemas: string[];
  extensions: string[];
  /** The file's ignore patterns: matching objects are left out of the live schema wherever it is read. */
  ignore?: string[];
  /** The file's managedRoles: only their privileges are granted or revoked. */
  managedRoles?: string[];
}

/**
 * What a plan may touch: everything the desired schema declares, plus
 * everything schemaform managed at the last apply (so removing an object from
 * the file drops it). Schemas and extensions never declared are left alone.
 */
export function managedScope(desired: Model, latest: Pick<Snapshot, 'scope'> | undefined): Scope {
  const schemas = new Set(desired.schemas.flatMap((s) => (s.renamedFrom ? [s.name, s.renamedFrom] : [s.name])));
  const extensions = new Set(desired.extensions.map((e) => e.name));
  for (const s of latest?.scope.schemas ?? []) schemas.add(s);
  for (const e of latest?.scope.extensions ?? []) extensions.add(e);
  return {
    schemas: [...schemas].sort(), extensions: [...extensions].sort(),
    ...(desired.ignore?.length && { ignore: desired.ignore }),
    ...(desired.managedRoles && { managedRoles: desired.managedRoles }),
  };
}

/** The introspected model restricted to the schemas and extensions in scope. */
export function restrictToScope(model: Model, scope: Scope): Model {
  const extensions = new Set(scope.extensions);
  const schemas = new Set(scope.schemas);
  return withoutIgnored({ extensions: model.extensions.filter((e) => extensions.has(e.name)), schemas: model.schemas.filter((s) => schemas.has(s.name)) }, scope.ignore);
}

/** The live schema, read and cut down to what the scope manages. */
export async function readInScope(db: Database, scope: Scope): Promise<Model> {
  return restrictToScope((await introspect(db, { schemas: scope.schemas })).model, scope);
}
