import type { ExecutablePlan, PlanStep } from '../plan/types.js';

/** One execution unit: steps that commit together, or a single step that runs outside any transaction. */
export interface Unit {
  number: number;
  steps: PlanStep[];
  transactional: boolean;
}

/** The plan's steps grouped by unit, in order (the plan's structure is checked by unitProblems first). */
export function unitsOf(plan: Pick<ExecutablePlan, 'steps'>): Unit[] {
  const units: Unit[] = [];
  for (const step of plan.steps) {
    const last = units.at(-1);
    if (last && last.number === step.unit) last.steps.push(step);
    else units.push({ number: step.unit, steps: [step], transactional: step.transactional });
  }
  return units;
}

/**
 * What is wrong with a plan's units, if anything: they are numbered 1, 2,
 * ... in step order; a step outside a transaction is a unit of its own; an
 * atomic plan has one unit, all of it transactional.
 */
export function unitProblems(plan: Pick<ExecutablePlan, 'steps' | 'execution'>): string[] {
  const problems: string[] = [];
  let previous = 0;
  for (const step of plan.steps) {
    if (step.unit !== previous && step.unit !== previous + 1) problems.push(`step ${step.index} is in unit ${step.unit}, after unit ${previous}: units are numbered in order`);
    previous = step.unit;
    if (plan.execution === 'atomic' && !step.transactional) problems.push(`step ${step.index} (${step.description}) runs outside the transaction in an atomic plan`);
    if (plan.execution === 'atomic' && step.unit !== 1) problems.push(`step ${step.index} is in unit ${step.unit} of an atomic plan, which has one`);
  }
  for (const unit of unitsOf(plan)) {
    if (unit.steps.length > 1 && unit.steps.some((s) => !s.transactional)) problems.push(`unit ${unit.number} mixes steps that run outside a transaction with others`);
  }
  return problems;
}
