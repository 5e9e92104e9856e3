import { rebuilds, type Change } from '../diff/changes.js';
import { SchemaformError } from '../errors.js';
import { protectionKey } from '../yaml/protections.js';

/** What a change drops for good, as a protection key (an object dropped to be created again is not). */
export function droppedObject(c: Change): string | undefined {
  if (rebuilds(c)) return undefined;
  switch (c.kind) {
    case 'drop-schema': return protectionKey('schema', c.schema);
    case 'drop-table': return protectionKey('table', c.schema, c.table.name);
    case 'drop-column': return protectionKey('column', c.schema, c.table, c.column.name);
    case 'drop-view': return protectionKey('view', c.schema, c.view.name);
    case 'drop-sequence': return protectionKey('sequence', c.schema, c.sequence.name);
    case 'drop-enum': return protectionKey('enum', c.schema, c.enum.name);
    case 'drop-domain': return protectionKey('domain', c.schema, c.domain.name);
    case 'drop-function': return protectionKey('function', c.schema, c.routine.name);
    default: return undefined;
  }
}

/**
 * `preventDestroy: true` holds while the file says so, and also after the
 * object (or the flag with it) is removed from the file, as long as the last
 * apply recorded it: deleting a table's lines is the mistake it guards
 * against. To drop a protected object, first apply the file with the flag
 * set to false, then remove it.
 */
export function refuseProtectedDrops(changes: readonly Change[], file: readonly string[], recorded: { snapshotId: number; keys: readonly string[] } | undefined): void {
  const inFile = new Set(file);
  const atSnapshot = new Set(recorded?.keys ?? []);
  const refused = [...new Set(changes.map(droppedObject).filter((k): k is string => k !== undefined && (inFile.has(k) || atSnapshot.has(k))))];
  if (refused.length === 0) return;
  throw new SchemaformError(`the plan would drop ${refused.length} object(s) marked preventDestroy; no plan was written`, {
    details: refused.map((k) => `${k}: ${inFile.has(k) ? 'preventDestroy: true in the schema file' : `preventDestroy: true when snapshot ${recorded!.snapshotId} was applied, and it is no longer in the file`}`),
    hint: 'If the object must stay, put it back in the file. To drop it, set preventDestroy: false on it (keeping the object), plan and apply that, then remove it.',
  });
}

/** The marks the file adds and removes against those recorded, or undefined when they are the same. */
export function protectionChanges(file: readonly string[], recorded: readonly string[]): { added: string[]; removed: string[] } | undefined {
  const before = new Set(recorded);
  const after = new Set(file);
  const added = [...after].filter((k) => !before.has(k)).sort();
  const removed = [...before].filter((k) => !after.has(k)).sort();
  return added.length || removed.length ? { added, removed } : undefined;
}
