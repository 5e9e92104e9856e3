import type { Database } from '../db/database.js';
import type { Change } from '../diff/changes.js';
import { diffModels } from '../diff/diff.js';
import { SchemaformError } from '../errors.js';
import { introspect } from '../introspect/introspect.js';
import { latestSnapshot } from '../state/store.js';
import { restrictToScope } from './scope.js';

/** Changes that would take the live database back to the latest snapshot. */
export async function detectDrift(db: Database): Promise<{ snapshotId: number; changes: Change[] }> {
  const latest = await latestSnapshot(db);
  if (!latest) throw new SchemaformError('no snapshot to compare with: nothing has been applied to this database yet', { hint: 'Run `schema plan` and `schema apply` first.' });
  const live = restrictToScope((await introspect(db, { schemas: latest.scope.schemas })).model, latest.scope);
  return { snapshotId: latest.id, changes: diffModels(live, latest.model) };
}
