import { detachForm, type Change } from '../diff/changes.js';
import { qualifiedName, tableKey } from '../model/names.js';

/** PostgreSQL's table lock modes that plan steps take, weakest first. */
export const LOCK_MODES = ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'ACCESS EXCLUSIVE'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** A lock a step takes on an existing relation, held until its unit commits. */
export interface StepLock {
  relation: string;
  mode: LockMode;
}

/** What other sessions can still do while the lock is held (PostgreSQL's conflict table, for ordinary reads and writes). */
export function lockEffect(mode: LockMode): 'reads and writes go on' | 'writes wait' | 'reads and writes wait' {
  if (mode === 'ACCESS EXCLUSIVE') return 'reads and writes wait';
  return mode === 'SHARE' || mode === 'SHARE ROW EXCLUSIVE' ? 'writes wait' : 'reads and writes go on';
}

export const blocksWrites = (mode: LockMode) => lockEffect(mode) !== 'reads and writes go on';

/**
 * The table locks a change's statements take, as PostgreSQL's ALTER TABLE,
 * CREATE INDEX, CREATE TRIGGER and COMMENT pages give them, on relations
 * that exist before the plan (a relation the plan creates blocks nobody).
 * Catalog-only changes (types, routines, grants) take no table lock.
 * `newTables`: the tables the plan creates, by tableKey.
 */
export function locksOf(change: Change, newTables: ReadonlySet<string>): StepLock[] {
  const on = (schema: string, table: string, mode: LockMode): StepLock[] => (newTables.has(tableKey(schema, table)) ? [] : [{ relation: qualifiedName(schema, table), mode }]);
  switch (change.kind) {
    case 'create-index':
      return on(change.schema, change.table, change.concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
    case 'drop-index':
      return on(change.schema, change.table, change.concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    case 'add-constraint': {
      const c = change.constraint;
      if (c.type !== 'foreign-key') return on(change.schema, change.table, 'ACCESS EXCLUSIVE');
      return [...on(change.schema, change.table, 'SHARE ROW EXCLUSIVE'), ...on(c.references.schema, c.references.table, 'SHARE ROW EXCLUSIVE')];
    }
    case 'validate-constraint':
      return on(change.schema, change.table, 'SHARE UPDATE EXCLUSIVE');
    case 'create-trigger': case 'alter-trigger':
      return change.kind === 'create-trigger' && change.onView ? on(change.schema, change.table, 'ACCESS EXCLUSIVE') : on(change.schema, change.table, 'SHARE ROW EXCLUSIVE');
    case 'set-table-comment': case 'set-index-comment': case 'set-constraint-comment': case 'set-table-cluster':
      return on(change.schema, change.table, 'SHARE UPDATE EXCLUSIVE');
    case 'alter-column':
      return on(change.schema, change.table, change.aspects.every((a) => a === 'statistics' || a === 'comment') ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    case 'restore-column':
      return on(change.schema, change.table, 'ROW EXCLUSIVE');
    case 'restore-table':
      return on(change.schema, change.table.name, 'ROW EXCLUSIVE');
    case 'clear-enum-values':
      return on(change.use.schema, change.use.table, 'ROW EXCLUSIVE');
    case 'recreate-enum':
      return [...new Set(change.columns.map((u) => `${u.schema}\u0000${u.table}`))].flatMap((k) => {
        const [schema, table] = k.split('\u0000') as [string, string];
        return on(schema, table, 'ACCESS EXCLUSIVE');
      });
    case 'set-partition': {
      // ATTACH, DETACH ... CONCURRENTLY and DETACH ... FINALIZE need only SHARE UPDATE EXCLUSIVE on the parent; a plain DETACH takes it exclusively.
      const from = change.from;
      return [
        ...(from ? on(from.schema, from.table, detachForm(change) === 'plain' ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE') : []),
        ...(change.to && !(from && from.schema === change.to.schema && from.table === change.to.table) ? on(change.to.schema, change.to.table, 'SHARE UPDATE EXCLUSIVE') : []),
        ...on(change.schema, change.table, 'ACCESS EXCLUSIVE'),
      ];
    }
    case 'drop-table':
      return on(change.schema, change.table.name, 'ACCESS EXCLUSIVE');
    case 'rename-table':
      return on(change.schema, change.from, 'ACCESS EXCLUSIVE');
    case 'drop-view':
      return on(change.schema, change.view.name, 'ACCESS EXCLUSIVE');
    case 'create-view':
      return [];
    case 'rename-index':
      return on(change.schema, change.from, 'SHARE UPDATE EXCLUSIVE');
    case 'grant-privileges': case 'revoke-privileges':
      return [];
    default:
      return 'table' in change && typeof change.table === 'string' ? on(change.schema, change.table, 'ACCESS EXCLUSIVE') : [];
  }
}
