import type { Change } from '../diff/changes.js';

/**
 * Execution order as phases. Within a phase the differ's deterministic order
 * is kept (a stable sort), so equal inputs always give equal plans.
 *
 * The phases encode the dependencies between kinds: containers before their
 * contents, renames before anything that uses the new names, constraints and
 * indexes dropped before the columns they cover, foreign keys added only when
 * every table and key they point at exists, and drops of whole objects last.
 */
export function phaseOf(change: Change): number {
  switch (change.kind) {
    case 'rename-schema': return -1;
    case 'create-schema': return 0;
    case 'set-schema-comment': return 0;
    case 'create-extension': case 'alter-extension': return 1;
    case 'create-enum': case 'add-enum-value': case 'set-enum-comment': return 2;
    // Before the columns that use it; a rebuilt one is dropped just before.
    case 'create-collation': case 'set-collation-comment': return 1.6;
    // Fields may be enums or domains; tables and routines may use the type.
    case 'create-composite': return 2.6;
    case 'alter-composite': return 2.65;
    case 'drop-composite': return 19.2;
    case 'drop-collation': return change.rebuild ? 1.55 : 19.5;
    case 'create-sequence': return 2;
    // After enums (a domain may be based on one), before the tables that use it.
    case 'create-domain': return 2.5;
    // Domain checks, defaults and views may call routines, so they come
    // early; a routine whose signature names a domain this plan creates waits for it.
    // One dropped to be created again goes once its dependents are off
    // (defaults, views, policies, checks, indexes) and comes back after
    // the enums it names are rebuilt, before any table needs it.
    // A SQL-standard body naming tables the plan changes: around those changes,
    // back before the checks and indexes that may call it are added.
    case 'drop-function': return change.rebuild || change.beforeTypeRebuild || change.beforeTables ? 6.95 : 18.7;
    case 'create-function': return change.afterTables ? 12.9 : change.afterTypeRebuild ? 7.05 : change.usesNewTypes ? 2.7 : 2.4;
    // Checks and NOT NULL on a domain validate the columns using it: after those change.
    case 'alter-domain': return 10.5;
    // A rebuilt domain is dropped just before it is created again.
    case 'drop-domain': return change.rebuild ? 2.4 : 18.5;
    case 'rename-table': return 3;
    case 'rename-column': case 'rename-constraint': case 'rename-index': return 4;
    // Views come off before anything they read changes, and back after,
    // even after dropped tables (a view may take a dropped table's name).
    case 'drop-view': return 4.5;
    case 'create-view': return 17.5;
    case 'set-view-comment': return 17.6;
    // Once every object exists in its final form (views are recreated just before).
    case 'revoke-privileges': case 'grant-privileges':
      // Default privileges last of all: objects this plan creates start with the ones in force now.
      return change.target.type === 'default-privileges' ? 17.7 : change.kind === 'revoke-privileges' ? 17.62 : 17.65;
    case 'drop-constraint': return change.constraint.type === 'foreign-key' ? 5 : 6;
    case 'drop-index': return 6;
    case 'drop-trigger': case 'drop-policy': return 6;
    case 'create-policy': return 16.8;
    case 'set-row-level-security': return 16.9;
    // Triggers go on last, once functions, columns and keys they use exist.
    case 'create-trigger': return change.onView ? 17.55 : 16.8;
    case 'alter-trigger': return 16.8;
    case 'recreate-enum': return 7;
    case 'clear-enum-values': return 6.9;
    // A partition after its parent.
    case 'create-table': return change.table.partitionOf || change.table.inherits ? 8.1 : 8;
    // After the partition's own columns changed, before indexes and keys are added.
    case 'set-partition': return 10.2;
    case 'set-table-logging': return 10.3;
    // Once the table has every column a new parent requires.
    case 'set-inheritance': return 10.25;
    case 'add-column': return change.afterInheritedDrop ? 11.5 : 9;
    // A NOT NULL that waits for restored values runs after the restore.
    case 'alter-column': return change.beforeRoutineRebuild ? 2.2 : change.afterRestore ? 12.5 : 10;
    case 'set-table-comment': case 'set-index-comment': case 'set-constraint-comment': return 10;
    case 'drop-column': return 11;
    case 'restore-table': case 'restore-column': return 12;
    case 'add-constraint': return change.constraint.type === 'foreign-key' ? 15 : 13;
    // Once the rows it checks are in their final form, after foreign keys are added.
    case 'validate-constraint': return 15.5;
    case 'create-index': return 14;
    case 'alter-sequence': return 16;
    // Partitions before their parent (dropping the parent would take them along).
    case 'drop-table': return change.table.partitionOf ? 16.95 : 17;
    case 'drop-sequence': return 18;
    case 'drop-enum': return 19;
    case 'drop-extension': return 20;
    case 'drop-schema': return 21;
    default: {
      const unreachable: never = change;
      throw new Error(`no phase for ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Split changes that must happen in two places in the order. */
function expand(change: Change): Change[] {
  // OWNED BY needs the owning column, which may be created later in the plan.
  if (change.kind === 'create-sequence' && change.sequence.ownedBy) {
    const { ownedBy: _owner, ...unowned } = change.sequence;
    return [{ ...change, sequence: unowned }, { kind: 'alter-sequence', schema: change.schema, from: unowned, to: change.sequence }];
  }
  return [change];
}

export function orderChanges(changes: Change[]): Change[] {
  return changes
    .flatMap(expand)
    .map((change, i) => ({ change, i, phase: phaseOf(change) }))
    .sort((a, b) => a.phase - b.phase || a.i - b.i)
    .map((x) => x.change);
}
