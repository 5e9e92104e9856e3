import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { completeChanges, diffObjects } from '../diff/diff.js';
import { SchemaformError } from '../errors.js';
import { introspect, serverInfo, withCatalogLanes } from '../introspect/introspect.js';
import { scanCatalog, unmanagedAmong, type UnmanagedObject } from '../introspect/unmanaged.js';
import { withoutIgnored } from '../model/ignore.js';
import type { Model } from '../model/types.js';
import { latestSnapshot } from '../state/store.js';
import { restrictToScope } from './scope.js';

export interface Drift {
  snapshotId: number;
  /** What was changed in the database since the snapshot: the changes that lead from it to the live schema. */
  manual: Change[];
  /** The changes that would take the live database back to the snapshot (a plan adds what they take along). */
  changes: Change[];
  /** What in the managed schemas is not modelled, so not compared. */
  unmanaged: UnmanagedObject[];
}

/**
 * The live database against the latest snapshot, both ways: what someone
 * changed, and what undoing it changes. "No drift" speaks only for what
 * schemaform manages, and says what that leaves out.
 */
export async function detectDrift(db: Database): Promise<Drift> {
  const latest = await latestSnapshot(db);
  if (!latest) throw new SchemaformError('no snapshot to compare with: nothing has been applied to this database yet', { hint: 'Run `schema plan` and `schema apply` first, or `schema adopt` for a database that exists.' });
  const server = await serverInfo(db);
  const [{ model, read }, scan] = await withCatalogLanes(db, (lanes) =>
    Promise.all([introspect(db, { schemas: latest.scope.schemas, lanes }, server), scanCatalog(db, server, latest.scope.schemas, lanes)]));
  const live = restrictToScope(model, latest.scope);
  const recorded = withoutIgnored(latest.model, latest.scope.ignore);
  const roles = latest.scope.managedRoles;
  return { snapshotId: latest.id, manual: directChanges(recorded, live, roles), changes: directChanges(live, recorded, roles), unmanaged: await unmanagedAmong(db, scan, read) };
}

/**
 * Each object's own changes and the privileges, without the rebuilds a plan
 * adds around them: a view over a table that gained a column did not change,
 * and drift reports what changed. `schema plan` gives the steps in full.
 */
function directChanges(from: Model, to: Model, managedRoles: string[] | undefined): Change[] {
  const { changes, from: renamed } = diffObjects(from, to);
  return completeChanges(changes, renamed, to, [], { ...(managedRoles && { managedRoles }) });
}
