import { objectOf, rebuilds } from '../diff/changes.js';
import { blocksWrites } from './locks.js';
import type { PlanStep } from './types.js';

type UnitStep = Pick<PlanStep, 'transactional' | 'hazards' | 'backup' | 'locks' | 'change'>;

/**
 * Execution units: the transactions an online apply commits one after the
 * other. Steps that only take brief locks share a unit, so a plan of many
 * small changes commits a few times, not once per step. A step gets a unit
 * of its own when it must run outside a transaction (a concurrent index
 * build), or when it reads or rewrites an existing table's rows (a
 * validation, a rewrite, a backup): grouped, it would hold its neighbours'
 * locks for as long as it works; and a value added to an enum commits
 * before the steps that may use it. Every step of an atomic plan is in unit 1.
 *
 * An object dropped to be created again (a view over a retyped column, a
 * routine with a new signature) is created again in the unit that dropped
 * it, with whatever lies between: committed apart, it would be missing for
 * the sessions that use it in between. Its lock costs nothing extra, since
 * what it reads is locked by the change it was taken off for.
 * Pure; returns the unit of each step, in order, numbered from 1.
 */
export function assignUnits(steps: ReadonlyArray<UnitStep>, execution: 'online' | 'atomic'): number[] {
  if (execution === 'atomic') return steps.map(() => 1);
  return keepingRebuildsWhole(steps, unitsByWork(steps));
}

function unitsByWork(steps: ReadonlyArray<UnitStep>): number[] {
  const units: number[] = [];
  let unit = 0;
  let open = false;
  for (const step of steps) {
    if (worksAlone(step)) {
      units.push(++unit);
      open = false;
    } else {
      if (!open) unit++;
      units.push(unit);
      open = true;
    }
  }
  return units;
}

/** Units merged from each rebuilt object's drop to its creation, where every step between can share a transaction; renumbered from 1. */
function keepingRebuildsWhole(steps: ReadonlyArray<UnitStep>, units: number[]): number[] {
  const key = (step: UnitStep) => JSON.stringify(objectOf(step.change));
  for (let i = 0; i < steps.length; i++) {
    if (!rebuilds(steps[i]!.change)) continue;
    const object = key(steps[i]!);
    const j = steps.findIndex((s, k) => k > i && s.change.kind.startsWith('create-') && key(s) === object);
    if (j === -1 || steps.slice(i, j + 1).some((s) => !s.transactional)) continue;
    const last = units[j]!;
    // Up to the creation, and what followed it in its unit.
    for (let k = i + 1; k < steps.length && units[k]! <= last; k++) units[k] = units[i]!;
  }
  const renumbered = new Map<number, number>();
  return units.map((u) => renumbered.get(u) ?? (renumbered.set(u, renumbered.size + 1), renumbered.size));
}

function worksAlone(step: UnitStep): boolean {
  // A value added to an enum can be used only once its transaction commits: what follows may use it.
  if (!step.transactional || step.change.kind === 'validate-constraint' || step.change.kind === 'add-enum-value') return true;
  if (step.locks.length === 0) return false;
  return step.backup !== undefined || step.hazards.some((h) => h.code === 'table-rewrite' || h.code === 'full-scan');
}

/**
 * A step meant to change only the catalog while it holds a lock that blocks
 * writes (an added column, a renamed index, a constraint added NOT VALID):
 * it should take milliseconds, so the apply bounds it (the brief-step
 * timeout) rather than let a surprise (a rewrite, a huge catalog) hold the
 * table for as long as it runs.
 */
export function expectedBrief(step: UnitStep): boolean {
  if (worksAlone(step) || step.change.kind.startsWith('restore-') || !step.locks.some((l) => blocksWrites(l.mode))) return false;
  // A blocking-lock hazard above low says the step works under its lock (a plain index build, a key that builds its index).
  return !step.hazards.some((h) => h.code === 'table-rewrite' || h.code === 'full-scan' || (h.code === 'blocking-lock' && h.severity !== 'low'));
}
