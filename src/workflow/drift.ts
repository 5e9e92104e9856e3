import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { diffModels } from '../diff/diff.js';
import { SchemaformError } from '../errors.js';
import { introspect, serverInfo } from '../introspect/introspect.js';
import { scanCatalog, unmanagedAmong, type UnmanagedObject } from '../introspect/unmanaged.js';
import { latestSnapshot } from '../state/store.js';
import { restrictToScope } from './scope.js';

/**
 * Changes that would take the live database back to the latest snapshot,
 * and what in the managed schemas is not modelled, so not compared: "no
 * drift" speaks only for what schemaform manages, and says what that leaves out.
 */
export async function detectDrift(db: Database): Promise<{ snapshotId: number; changes: Change[]; unmanaged: UnmanagedObject[] }> {
  const latest = await latestSnapshot(db);
  if (!latest) throw new SchemaformError('no snapshot to compare with: nothing has been applied to this database yet', { hint: 'Run `schema plan` and `schema apply` first.' });
  const server = await serverInfo(db);
  const [{ model, read }, scan] = await Promise.all([introspect(db, { schemas: latest.scope.schemas }, server), scanCatalog(db, server, latest.scope.schemas)]);
  return { snapshotId: latest.id, changes: diffModels(restrictToScope(model, latest.scope), latest.model), unmanaged: await unmanagedAmong(db, scan, read) };
}
