import { LOCK_MODES, lockEffect, type LockMode, type StepLock } from './locks.js';
import type { Plan, PlanStep } from './types.js';

const strength = (mode: LockMode) => LOCK_MODES.indexOf(mode);

/** The strongest lock per relation over some steps: what the unit holds until it commits. */
export function unitLocks(steps: readonly PlanStep[]): StepLock[] {
  const strongest = new Map<string, LockMode>();
  for (const lock of steps.flatMap((s) => s.locks)) {
    const held = strongest.get(lock.relation);
    if (!held || strength(lock.mode) > strength(held)) strongest.set(lock.relation, lock.mode);
  }
  return [...strongest].map(([relation, mode]) => ({ relation, mode }));
}

/** One line per execution unit: its steps, whether it runs in a transaction (and so is undone whole on failure), and the locks it holds. */
export function executionLines(plan: Pick<Plan, 'steps' | 'execution'>): string[] {
  const units = new Map<number, PlanStep[]>();
  for (const step of plan.steps) units.set(step.unit, [...(units.get(step.unit) ?? []), step]);
  const head = plan.execution === 'atomic'
    ? 'Execution: atomic, one transaction: every step commits together or none does; its locks are held until it commits.'
    : `Execution: online, ${units.size} unit(s), each committed on its own and recorded; if one fails, the ones before stay, and applying the plan again resumes.`;
  const lines = [head];
  for (const [unit, steps] of units) {
    const range = steps.length === 1 ? `step ${steps[0]!.index}` : `steps ${steps[0]!.index}–${steps.at(-1)!.index}`;
    const how = steps.every((s) => s.transactional) ? 'in a transaction (undone whole if it fails)' : `outside a transaction (${interrupted(steps[0]!)})`;
    const locks = unitLocks(steps);
    const held = locks.length ? locks.map((l) => `${l.mode} on ${l.relation} (${lockEffect(l.mode)})`).join('; ') : 'no lock on existing tables';
    lines.push(`  unit ${unit}: ${range}, ${how}; ${held}`);
  }
  return lines;
}

/** What becomes of a step outside a transaction that is interrupted, and of it when the plan is applied again. */
function interrupted(step: PlanStep): string {
  switch (step.change.kind) {
    case 'set-partition': return 'an interrupted detach is left pending, and finished when the plan is applied again';
    case 'drop-index': return 'an interrupted drop leaves the index INVALID, and it is dropped when the plan is applied again';
    default: return 'an interrupted build is removed and built again';
  }
}
