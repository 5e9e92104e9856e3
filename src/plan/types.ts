import type { Change, KeyColumn, ObjectRef } from '../diff/changes.js';
import type { Model } from '../model/types.js';
import type { Scope } from '../workflow/scope.js';
import type { StepLock } from './locks.js';
import type { Execution } from './online.js';

export const HAZARD_CODES = [
  'data-loss', 'table-rewrite', 'blocking-lock', 'full-scan', 'may-fail', 'breaking-change', 'non-transactional',
] as const;
export type HazardCode = (typeof HAZARD_CODES)[number];
export type Severity = 'high' | 'medium' | 'low';

export interface Hazard {
  code: HazardCode;
  severity: Severity;
  /** A sentence naming the object, e.g. "Drops table public.users (~1,200 rows)". */
  message: string;
}

/** Saves what a step destroys, in the tool's schema, in the same transaction. */
export interface BackupSpec {
  relation: string;
  /** A dropped table's rows; a column's values; or only the values a step clears (restored over the column, not into a new one). */
  kind: 'table' | 'column' | 'values';
  schema: string;
  table: string;
  column?: string;
  /** Saved columns, values cast to text so the copy outlives the types. */
  columns: string[];
  key?: KeyColumn[];
  sql: string;
}

export interface PlanStep {
  index: number;
  description: string;
  object: ObjectRef;
  action: 'create' | 'update' | 'delete';
  change: Change;
  sql: string[];
  /** False for statements PostgreSQL refuses inside a transaction block (a concurrent index build): such a step is a unit of its own. */
  transactional: boolean;
  /** The execution unit: steps of one unit commit together (see assignUnits); numbered from 1. */
  unit: number;
  /** Table locks the step takes on relations that exist, held until its unit commits. */
  locks: StepLock[];
  /** Part of the online form of a neighbouring step's change (a validation, an index a constraint takes over): not counted as a change. */
  helper?: true;
  /** Unqualified names in types and expressions resolve here. */
  searchPath: string[];
  hazards: Hazard[];
  backup?: BackupSpec;
}

export interface PlanTarget {
  systemIdentifier: string;
  database: string;
  serverVersion: number;
}

export interface Plan {
  formatVersion: 2;
  id: string;
  kind: 'migrate' | 'rollback';
  createdAt: string;
  toolVersion: string;
  target: PlanTarget;
  /** Schemas and extensions this plan manages; apply re-reads exactly these. */
  scope: Scope;
  /**
   * The live schema planned from: its fingerprint, a digest per object (to
   * name what changed if the plan goes stale) and the definitions of just the
   * objects this plan touches (to show reviewers before/after).
   */
  source: { fingerprint: string; snapshotId: number | null; objects: Record<string, string>; model: Model };
  desired: { checksum: string; model: Model };
  allowDestructive: boolean;
  /** Objects the file marks preventDestroy (protection keys): recorded with the snapshot, so that a later plan keeps them even once they leave the file. */
  preventDestroy?: string[];
  /** How the marks differ from those the last apply recorded: a plan with only these has no steps, and is applied to record them. */
  protectionChanges?: { added: string[]; removed: string[] };
  /** `plan --skip-destructive`: the data-loss changes left out (the file still asks for them; the next plan shows them again). */
  skipped?: string[];
  /** online: short units with the online forms; atomic: one transaction, plain forms. */
  execution: Execution;
  rollbackTo?: number;
  /** A rollback plan that undoes an apply that stopped part-way: that apply's plan id. Applying it marks that apply abandoned. */
  abandons?: string;
  summary: { create: number; update: number; delete: number };
  /** Objects in managed schemas that schemaform does not model: listed, never touched. */
  unmanaged: Array<{ kind: string; schema: string; name: string }>;
  /** Whether the steps were run in a scratch database before the plan was written (plans with steps only). */
  rehearsal?: Rehearsal;
  steps: PlanStep[];
  checksum: string;
}

export type Rehearsal = { rehearsed: true; where: string } | { rehearsed: false; reason: string };

/**
 * What executing a plan needs: all of it but the two models, which are there
 * for reviewers (`schema show`) and are tens of megabytes at thousands of
 * tables. A whole Plan is one too.
 */
export type ExecutablePlan = Omit<Plan, 'source' | 'desired'> & {
  source: Omit<Plan['source'], 'model'>;
  desired: Omit<Plan['desired'], 'model'>;
};

/** Nothing to apply: no steps, and no preventDestroy marks to record. */
export function isEmptyPlan(plan: Pick<Plan, 'steps' | 'protectionChanges'>): boolean {
  return plan.steps.length === 0 && plan.protectionChanges === undefined;
}
