import type { PlanStep } from './types.js';

/**
 * Execution units: the transactions an online apply commits one after the
 * other. Steps that only take brief locks share a unit, so a plan of many
 * small changes commits a few times, not once per step. A step gets a unit
 * of its own when it must run outside a transaction (a concurrent index
 * build), or when it reads or rewrites an existing table's rows (a
 * validation, a rewrite, a backup): grouped, it would hold its neighbours'
 * locks for as long as it works; and a value added to an enum commits
 * before the steps that may use it. Every step of an atomic plan is in unit 1.
 * Pure; returns the unit of each step, in order, numbered from 1.
 */
export function assignUnits(steps: ReadonlyArray<Pick<PlanStep, 'transactional' | 'hazards' | 'backup' | 'locks' | 'change'>>, execution: 'online' | 'atomic'): number[] {
  if (execution === 'atomic') return steps.map(() => 1);
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

function worksAlone(step: Pick<PlanStep, 'transactional' | 'hazards' | 'backup' | 'locks' | 'change'>): boolean {
  // A value added to an enum can be used only once its transaction commits: what follows may use it.
  if (!step.transactional || step.change.kind === 'validate-constraint' || step.change.kind === 'add-enum-value') return true;
  if (step.locks.length === 0) return false;
  return step.backup !== undefined || step.hazards.some((h) => h.code === 'table-rewrite' || h.code === 'full-scan');
}
