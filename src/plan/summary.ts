import { describeObject, type ObjectRef } from '../diff/changes.js';
import type { Hazard, Plan, PlanStep } from './types.js';
import { definitionOf } from './definitions.js';
import { createRequire } from 'node:module';

export interface ObjectSummary {
  ref: ObjectRef;
  label: string;
  action: 'create' | 'update' | 'delete';
  steps: PlanStep[];
  hazards: Array<Hazard & { step: number }>;
  /** Unified diff of the object's definition, for objects that change. */
  patch?: string;
}

/**
 * The plan regrouped per object, the way a reviewer reads it: what happens to
 * each table or type, with its hazards and the diff of its definition.
 */
export function summarizePlan(plan: Plan): { objects: ObjectSummary[]; counts: Record<'create' | 'update' | 'delete', number> } {
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
  const counts = { create: 0, update: 0, delete: 0 };
  for (const g of groups.values()) {
    counts[g.action]++;
    if (g.action === 'update') {
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

export function countsLine(counts: Record<'create' | 'update' | 'delete', number>): string {
  return `Plan: ${counts.create} to create, ${counts.update} to change, ${counts.delete} to destroy.`;
}

/** Loaded when a plan first changes an object in place: plans that only create, and --version or --help, never pay for it. */
let createTwoFilesPatch: typeof import('diff').createTwoFilesPatch | undefined;
function unifiedDiff() {
  createTwoFilesPatch ??= (createRequire(import.meta.url)('diff') as typeof import('diff')).createTwoFilesPatch;
  return createTwoFilesPatch;
}
