import { describeObject, rebuilds, type ObjectRef } from '../diff/changes.js';
import type { Hazard, Plan, PlanStep } from './types.js';
import { definitionOf } from './definitions.js';
import { createRequire } from 'node:module';

export type ObjectAction = 'create' | 'update' | 'replace' | 'delete';

export interface ObjectSummary {
  ref: ObjectRef;
  label: string;
  /** replace: dropped and created again (PostgreSQL cannot alter it in place, or what it uses changes). */
  action: ObjectAction;
  /** Why a replaced object is replaced, for the reviewer. */
  reason?: string;
  steps: PlanStep[];
  hazards: Array<Hazard & { step: number }>;
  /** Unified diff of the object's definition, for objects that change. */
  patch?: string;
}

const summaries = new WeakMap<Plan, { objects: ObjectSummary[]; counts: PlanCounts }>();

/**
 * The plan regrouped per object, the way a reviewer reads it: what happens to
 * each table or type, with its hazards and the diff of its definition.
 * Worked out once per plan (the text and the command's JSON result both
 * read it, and rendering every changed object's definition twice is most
 * of a plan's rendering time); callers only read it.
 */
export function summarizePlan(plan: Plan): { objects: ObjectSummary[]; counts: PlanCounts } {
  let summary = summaries.get(plan);
  if (!summary) summaries.set(plan, (summary = summarize(plan)));
  return summary;
}

function summarize(plan: Plan): { objects: ObjectSummary[]; counts: PlanCounts } {
  const groups = new Map<string, ObjectSummary>();
  for (const step of plan.steps) {
    const key = `${step.object.type}\u0000${step.object.schema ?? ''}\u0000${step.object.name}`;
    let group = groups.get(key);
    if (!group) {
      group = { ref: step.object, label: describeObject(step.object), action: step.action, steps: [], hazards: [] };
      groups.set(key, group);
    }
    group.steps.push(step);
    if (step.action === 'delete') group.action = 'delete';
    else if (step.action === 'create' && group.action !== 'delete') group.action = 'create';
    group.hazards.push(...step.hazards.map((h) => ({ ...h, step: step.index })));
  }
  const counts: PlanCounts = { create: 0, update: 0, replace: 0, delete: 0, restore: 0 };
  for (const g of groups.values()) {
    const replaced = g.action !== 'delete' ? replacement(g.steps) : undefined;
    if (replaced) {
      g.action = 'replace';
      g.reason = replaced;
    }
    counts[g.action]++;
    counts.restore += g.steps.filter(restoresData).length;
    if (g.action === 'update' || g.action === 'replace') {
      const before = definitionOf(plan.source.model, g.ref) ?? '';
      const after = definitionOf(plan.desired.model, g.ref) ?? '';
      if (before !== after) {
        g.patch = unifiedDiff()(`${g.label} (live)`, `${g.label} (planned)`, before, after, '', '', { context: 3 })
          .split('\n').slice(1).join('\n').trimEnd();
      }
    }
  }
  return { objects: [...groups.values()], counts };
}

/** Objects per action, and the steps that put backed-up data back. */
export type PlanCounts = Record<ObjectAction | 'restore', number>;

export function countsLine(counts: PlanCounts): string {
  const restores = counts.restore ? `; ${counts.restore} data restore(s) from backups` : '';
  return `Plan: ${counts.create} to create, ${counts.update} to change, ${counts.replace} to replace, ${counts.delete} to destroy${restores}.`;
}

/** The marks a rendering uses, Terraform's where it has one. */
export const ACTION_SYMBOL: Record<ObjectAction, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };
export const RESTORE_SYMBOL = '<=';

/** A line explaining the marks that appear in this rendering, and only those. */
export function legend(objects: readonly ObjectSummary[], mark: (symbol: string) => string = (m) => m): string {
  const used = new Set(objects.map((o) => o.action));
  const meaning: Record<ObjectAction, string> = { create: 'create', update: 'change in place', replace: 'replace (drop, then create again)', delete: 'destroy' };
  const parts = (['create', 'update', 'replace', 'delete'] as const).filter((a) => used.has(a)).map((a) => `${mark(ACTION_SYMBOL[a])} ${meaning[a]}`);
  if (objects.some((o) => o.steps.some(restoresData))) parts.push(`${mark(RESTORE_SYMBOL)} restore data from a backup`);
  return parts.join('   ');
}

/** A step that puts backed-up rows or values back. */
export function restoresData(step: PlanStep): boolean {
  const c = step.change;
  return c.kind === 'restore-table' || c.kind === 'restore-column' || (c.kind === 'alter-column' && c.restoreFrom !== undefined);
}

/**
 * Why an object's steps drop it and create it again, or undefined if they do
 * not: what it uses changes (the graph took it off to let that happen), or its
 * own definition changed in a way PostgreSQL cannot alter in place.
 */
function replacement(steps: readonly PlanStep[]): string | undefined {
  for (const { change: c } of steps) {
    if (c.kind === 'recreate-enum') return 'PostgreSQL cannot remove or reorder the values of an enum';
    if (!rebuilds(c)) continue;
    if ((c.kind === 'drop-view' || c.kind === 'drop-function') && c.because) return `it uses ${c.because}, which this plan changes`;
    return 'PostgreSQL cannot change its definition in place';
  }
  return undefined;
}

/** Loaded when a plan first changes an object in place: plans that only create, and --version or --help, never pay for it. */
let createTwoFilesPatch: typeof import('diff').createTwoFilesPatch | undefined;
function unifiedDiff() {
  createTwoFilesPatch ??= (createRequire(import.meta.url)('diff') as typeof import('diff')).createTwoFilesPatch;
  return createTwoFilesPatch;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** Hazards as a reviewer reads them: the most severe first, then by step. */
export function bySeverity<H extends Hazard & { step: number }>(hazards: readonly H[]): H[] {
  return [...hazards].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.step - b.step);
}

export const PROTECTIONS_HEADING = 'preventDestroy marks to record with this apply:';

/** The preventDestroy marks a plan records when applied, one line each ("+ table public.t: protected from now on"). */
export function protectionItems(changes: NonNullable<Plan['protectionChanges']>): string[] {
  return [...changes.added.map((k) => `+ ${k}: protected from now on`), ...changes.removed.map((k) => `- ${k}: no longer protected`)];
}
