import type { Change, GrantTargetRef } from '../diff/changes.js';
import { ruleDefinitionChanged } from './rule-sql.js';
import { actionOf, describeObject, detachForm, objectOf, type ObjectRef } from '../diff/changes.js';
import { fingerprintOf, objectDigests, restrictModel } from '../model/objects.js';
import type { Grant, Model } from '../model/types.js';
import { hazardsOf } from './hazards.js';
import { backupFor } from './backups.js';
import { orderChanges } from '../graph/graph.js';
import { modelDependents, type LiveDependent } from '../graph/facts.js';
import type { EdgeRule } from '../graph/rules.js';
import { renderChange } from './render.js';
import { modelChecksum, planChecksum } from './checksum.js';
import type { Hazard, Plan, PlanStep, PlanTarget } from './types.js';
import { onlineForms, type Execution, type StepDraft } from './online.js';
import { locksOf } from './locks.js';
import { assignUnits } from './units.js';
import { bigTableThresholds, byRelation, withSizeSeverity, type BigTable } from './size-severity.js';
import { tableKey } from '../model/names.js';

export interface BuildPlanInput {
  id: string;
  createdAt: string;
  toolVersion: string;
  kind: Plan['kind'];
  target: PlanTarget;
  scope: Plan['scope'];
  source: { model: Model; snapshotId: number | null; rowEstimates: Map<string, number>; tableBytes?: ReadonlyMap<string, number> };
  desired: Model;
  changes: Change[];
  allowDestructive: boolean;
  /** The file's preventDestroy marks, recorded with the snapshot the apply writes. */
  preventDestroy?: string[];
  protectionChanges?: Plan['protectionChanges'];
  skipped?: string[];
  rollbackTo?: number;
  unmanaged?: Plan['unmanaged'];
  /** Hazards only the caller can know, e.g. data a rollback cannot bring back. */
  extraHazards?: Map<Change, Hazard[]>;
  /** What in the live database depends on what the changes drop or rewrite (readDependents). */
  dependents?: readonly LiveDependent[];
  /** The ordering rules, when not all of them (tests). */
  orderRules?: readonly EdgeRule[];
  /** Whether the steps were rehearsed, when the caller knows before sealing (see sealPlan). */
  rehearsal?: Plan['rehearsal'];
  /** online by default. */
  execution?: Execution;
  /** A rollback of an apply that stopped part-way: that plan's id. */
  abandons?: string;
  /** When a table is big (see withSizeSeverity); from the environment by default. */
  bigTable?: BigTable;
}

/** Where a step's unqualified names resolve: its object's schema, then public. */
export function searchPathOf(change: Change): string[] {
  const schema = objectOf(change).schema ?? ('schema' in change && typeof change.schema === 'string' ? change.schema : change.kind === 'rename-schema' ? change.to : undefined);
  return schema && schema !== 'public' ? [schema, 'public'] : ['public'];
}

/**
 * Order, render and annotate changes into a plan. Pure: id and clock come in.
 * The SQL parser must be loaded (loadParser) when there are changes: the
 * dependency graph reads the texts that may name what the plan creates.
 */
export function buildPlan(input: BuildPlanInput): Plan {
  return finishPlan(draftPlan(input), input.source.tableBytes);
}

/**
 * A plan before the sizes of its tables are known: the steps ordered and
 * rendered, the source's digests and the file's checksum. What the sizes
 * change (the hazards' sentences and severities) and what follows from the
 * hazards (the units) is left to finishPlan, so that a caller can have the
 * server measure the tables while this runs.
 */
export interface PlanDraft {
  input: BuildPlanInput;
  execution: Execution;
  newTables: Set<string>;
  /** Their hazards are empty until finishPlan (the key holds its place in the plan file's order). */
  steps: Array<Omit<PlanStep, 'unit'>>;
  source: Plan['source'];
  desiredChecksum: string;
}

export function draftPlan(input: BuildPlanInput): PlanDraft {
  const ordered = orderChanges(input.changes, { live: input.source.model, describe: describeChange, dependents: input.dependents ?? modelDependents(input.source.model), ...(input.orderRules && { rules: input.orderRules }) });
  const newTables = new Set(ordered.flatMap((c) => (c.kind === 'create-table' ? [tableKey(c.schema, c.table.name)] : [])));
  const execution = input.execution ?? 'online';
  const drafts: StepDraft[] = execution === 'online'
    ? onlineForms(ordered, { live: input.source.model, newTables, serverVersion: input.target.serverVersion })
    : ordered.map((change) => ({ change }));
  // The whole plan id: backups of plans made in the same minute must not collide.
  const backupPrefix = `backup_${input.id.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
  const steps = drafts.map(({ change, helper }, i): Omit<PlanStep, 'unit'> => {
    const backup = backupFor(change, `${backupPrefix}_${i + 1}`);
    return {
      index: i + 1,
      description: describeChange(change),
      object: objectOf(change),
      action: actionOf(change),
      change,
      sql: renderChange(change, { serverVersion: input.target.serverVersion }),
      transactional: isTransactional(change),
      locks: locksOf(change, newTables),
      searchPath: searchPathOf(change),
      hazards: [],
      ...(helper && { helper }),
      ...(backup && { backup }),
    };
  });
  const sourceObjects = objectDigests(input.source.model);
  const source = {
    fingerprint: fingerprintOf(sourceObjects),
    snapshotId: input.source.snapshotId,
    objects: sourceObjects,
    model: restrictModel(input.source.model, touched(steps)),
  };
  return { input, execution, newTables, steps, source, desiredChecksum: modelChecksum(input.desired) };
}

/** The draft with its hazards (sized by `tableBytes`, by tableKey), units and summary, sealed. */
export function finishPlan({ input, execution, newTables, steps: drafted, source, desiredChecksum }: PlanDraft, tableBytes?: ReadonlyMap<string, number>): Plan {
  const ctx = { rowEstimates: input.source.rowEstimates, ...(tableBytes && { tableBytes }), newTables };
  const unnumbered = drafted.map((s): Omit<PlanStep, 'unit'> => ({ ...s, hazards: [...hazardsOf(s.change, ctx), ...(input.extraHazards?.get(s.change) ?? [])] }));
  const units = assignUnits(unnumbered, execution);
  const big = input.bigTable ?? bigTableThresholds();
  const [rowsByRelation, bytesByRelation] = [byRelation(ctx.rowEstimates), byRelation(tableBytes ?? new Map())];
  const steps: PlanStep[] = unnumbered.map((s, i) => ({ ...s, hazards: withSizeSeverity(s, rowsByRelation, bytesByRelation, big), unit: units[i]! }));
  const summary = { create: 0, update: 0, delete: 0 };
  for (const s of steps) if (!s.helper) summary[s.action]++;
  const plan: Omit<Plan, 'checksum'> = {
    formatVersion: 2,
    id: input.id,
    kind: input.kind,
    createdAt: input.createdAt,
    toolVersion: input.toolVersion,
    target: input.target,
    scope: input.scope,
    source,
    desired: { checksum: desiredChecksum, model: input.desired },
    allowDestructive: input.allowDestructive,
    ...(input.preventDestroy?.length && { preventDestroy: input.preventDestroy }),
    ...(input.protectionChanges && { protectionChanges: input.protectionChanges }),
    ...(input.skipped?.length && { skipped: input.skipped }),
    execution,
    ...(input.rollbackTo !== undefined && { rollbackTo: input.rollbackTo }),
    ...(input.abandons !== undefined && { abandons: input.abandons }),
    summary,
    unmanaged: input.unmanaged ?? [],
    steps,
  };
  return sealPlan(input.rehearsal ? { ...plan, rehearsal: input.rehearsal } : plan);
}

/** The plan with its checksum over everything else, replacing any it had (at thousands of tables it is a large serialisation: seal once). */
export function sealPlan(plan: Omit<Plan, 'checksum'> | Plan): Plan {
  return { ...plan, checksum: planChecksum(plan) };
}

/** Objects the steps act on, plus the tables on the far side of new foreign keys. */
export function touched(steps: ReadonlyArray<Pick<PlanStep, 'object' | 'change'>>): ObjectRef[] {
  return steps.flatMap((s) => {
    const c = s.change;
    const refs: ObjectRef[] = [s.object];
    if (c.kind === 'add-constraint' && c.constraint.type === 'foreign-key') refs.push({ type: 'table', schema: c.constraint.references.schema, name: c.constraint.references.table });
    if (c.kind === 'rename-table') refs.push({ type: 'table', schema: c.schema, name: c.from });
    return refs;
  });
}

/**
 * Whether a step may run inside a transaction block: PostgreSQL refuses
 * concurrent index builds and drops and concurrent detaches there. A detach
 * left pending is finished by FINALIZE, which it allows: detachForm decides
 * the SQL and this alike.
 */
export function isTransactional(change: Change): boolean {
  if (change.kind === 'set-partition') return detachForm(change) !== 'concurrently';
  return !((change.kind === 'create-index' || change.kind === 'drop-index') && change.concurrently);
}

export function hasDataLoss(plan: Pick<Plan, 'steps'>): boolean {
  return plan.steps.some((s) => s.hazards.some((h) => h.code === 'data-loss'));
}

/** One line a reviewer reads: what happens to which object. */
export function describeChange(change: Change): string {
  const object = describeObject(objectOf(change));
  switch (change.kind) {
    case 'create-schema': case 'create-extension': case 'create-enum': case 'create-domain': case 'create-sequence': case 'create-table':
    case 'create-collation': case 'create-composite':
      return `create ${object}`;
    case 'drop-composite': return `drop ${object}`;
    case 'alter-composite': return `alter ${object}`;
    case 'drop-collation': return `drop ${object}${change.rebuild ? ' (to create it with its new definition)' : ''}`;
    case 'set-collation-comment': case 'set-range-comment': return `set comment on ${object}`;
    case 'create-range': return `create range ${object}`;
    case 'create-aggregate': return `create ${object}`;
    case 'create-rule': return `create rule ${change.rule.name} on ${object}`;
    case 'alter-rule': return `${ruleDefinitionChanged(change.from, change.to) ? 'replace' : 'alter'} rule ${change.to.name} on ${object}`;
    case 'drop-rule': return `drop rule ${change.rule.name} from ${object}`;
    case 'drop-aggregate': return `drop ${object}${change.rebuild ? ' (to create it with its new definition)' : ''}`;
    case 'set-aggregate-comment': return `set comment on ${object}`;
    case 'create-ts-dictionary': case 'create-ts-configuration': return `create ${object}`;
    case 'alter-ts-dictionary': case 'alter-ts-configuration': return `alter ${object}`;
    case 'drop-ts-dictionary': return `drop ${object}${change.rebuild ? ' (to create it with its new template)' : ''}`;
    case 'drop-ts-configuration': return `drop ${object}${change.rebuild ? ' (to create it with its new parser)' : ''}`;
    case 'drop-range': return `drop range ${object}${change.rebuild ? ' (to create it with its new definition)' : ''}`;
    case 'drop-schema': case 'drop-extension': case 'drop-enum': case 'drop-domain': case 'drop-sequence': case 'drop-table':
      return `drop ${object}`;
    case 'alter-domain': return `alter ${object}`;
    case 'create-view': return `create ${object}`;
    case 'create-function': return `${change.replace ? 'replace' : 'create'} ${change.routine.kind} ${change.schema}.${change.routine.name}(${change.routine.arguments})`;
    case 'drop-function': return `drop ${change.routine.kind} ${change.schema}.${change.routine.name}(${change.routine.arguments})${change.rebuild ? ' (created again below)' : ''}`;
    case 'drop-view': return change.rebuild ? `drop ${object} (created again below)` : `drop ${object}`;
    case 'set-view-comment': return `set comment on ${object}`;
    case 'alter-extension': return `update ${object}`;
    case 'rename-schema': return `rename schema ${change.from} to ${change.to}`;
    case 'set-schema-comment': case 'set-enum-comment': case 'set-table-comment': return `set comment on ${object}`;
    case 'add-enum-value': return `add value '${change.value}' to ${object}`;
    case 'recreate-enum': return `recreate ${object} with values (${change.to.values.join(', ')})`;
    case 'clear-enum-values': return `clear value(s) ${change.values.join(', ')} of enum ${change.schema}.${change.enum} from column ${change.use.column} of ${object}`;
    case 'alter-sequence': return `alter ${object}`;
    case 'rename-table': return `rename table ${change.schema}.${change.from} to ${change.to}`;
    case 'add-column': return `add column ${change.column.name} to ${object}`;
    case 'drop-column': return `drop column ${change.column.name} from ${object}`;
    case 'rename-column': return `rename column ${change.from} to ${change.to} in ${object}`;
    case 'alter-column': return `alter column ${change.to.name} of ${object} (${change.aspects.join(', ')})${change.restoreFrom ? ', values restored from backup' : ''}${change.provenBy ? `, proven by check ${change.provenBy}` : ''}`;
    case 'add-constraint': return `add ${change.constraint.type} ${change.constraint.name} to ${object}${change.usingIndex ? ' using its index' : 'validated' in change.constraint && change.constraint.validated === false ? ' (not valid)' : ''}`;
    case 'validate-constraint': return `validate ${change.type} ${change.constraint} of ${object}`;
    case 'drop-constraint': return `drop ${change.constraint.type} ${change.constraint.name} from ${object}`;
    case 'rename-constraint': return `rename constraint ${change.from} to ${change.to} on ${object}`;
    case 'create-index': return `create ${change.index.unique ? 'unique ' : ''}index ${change.index.name} on ${object}${change.concurrently ? ' concurrently' : ''}`;
    case 'create-trigger': return `create trigger ${change.trigger.name} on ${object}`;
    case 'create-policy': return `create policy ${change.policy.name} on ${object}`;
    case 'drop-policy': return `drop policy ${change.policy.name} from ${object}`;
    case 'grant-privileges': return `grant ${privilegeText(change.grant)} on ${grantedObject(change.target, object)} to ${change.grant.to}${change.grant.withGrantOption ? ' with grant option' : ''}`;
    case 'revoke-privileges': return `revoke ${privilegeText(change.grant)} on ${grantedObject(change.target, object)} from ${change.grant.to}${change.grant.withGrantOption ? ' (and its grant option)' : ''}`;
    case 'set-inheritance': return [
      ...change.add.map((p) => `make ${object} inherit from ${p.schema}.${p.table}`),
      ...change.remove.map((p) => `stop ${object} inheriting from ${p.schema}.${p.table}`),
    ].join('; ');
    case 'set-table-logging': return `make ${object} ${change.unlogged ? 'unlogged' : 'logged'}`;
    case 'set-table-cluster': return change.index !== undefined ? `cluster ${object} on ${change.index}` : `set ${object} without cluster`;
    case 'set-partition': {
      const form = detachForm(change);
      const pending = form === 'finalize' ? `finish detaching ${object} from ${change.from!.schema}.${change.from!.table} (an interrupted concurrent detach left it pending)` : undefined;
      if (!change.to) return pending ?? `detach ${object} from ${change.from!.schema}.${change.from!.table}${form === 'concurrently' ? ' concurrently' : ''}`;
      const attach = `${object} as a partition of ${change.to.schema}.${change.to.table} ${change.to.bound}${change.provenBy ? `, proven by check ${change.provenBy}` : ''}`;
      return pending ? `${pending}, then attach ${attach}` : `${change.from ? 'move' : 'attach'} ${attach}`;
    }
    case 'set-row-level-security': return `${change.enabled ? 'enable' : 'disable'} row-level security${change.forced ? ' (forced)' : ''} on ${object}`;
    case 'drop-trigger': return `drop trigger ${change.trigger.name} from ${object}`;
    case 'alter-trigger': return `alter trigger ${change.to.name} on ${object} (${change.from.enabled !== change.to.enabled ? change.to.enabled : 'comment'})`;
    case 'drop-index': return `drop ${change.index.invalid ? 'invalid ' : ''}index ${change.index.name} from ${object}${change.concurrently ? ' concurrently' : ''}`;
    case 'rename-index': return `rename index ${change.from} to ${change.to} on ${object}`;
    case 'set-index-comment': return `set comment on index ${change.index} of ${object}`;
    case 'set-constraint-comment': return `set comment on constraint ${change.constraint} of ${object}`;
    case 'restore-table': return `restore rows of ${object} from backup`;
    case 'restore-column': return `restore values of column ${change.column.name} in ${object} from backup`;
    default: {
      const unreachable: never = change;
      throw new Error(`undescribed change ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Default privileges are not on the schema itself but on what is created in it later. */
function grantedObject(target: GrantTargetRef, object: string): string {
  return target.type === 'default-privileges' ? `${target.name} in ${object} (default privileges)` : object;
}

function privilegeText(grant: Grant): string {
  return grant.privileges.join(', ') + (grant.columns ? ` (${grant.columns.join(', ')})` : '');
}
