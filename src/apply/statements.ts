import { PlanRefusedError } from '../errors.js';
import { isTransactional } from '../plan/build.js';
import { renderChange } from '../plan/render.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { checkShapes } from '../sql/shape-checker.js';
import { unitProblems } from './units.js';

/**
 * What an apply will send, checked before anything is: every statement of
 * every step is exactly one statement by PostgreSQL's parser (the executor
 * sends each over the extended protocol, which refuses a second one anyway)
 * and none of them ends, commits or otherwise controls the apply's
 * transaction. A plan file can be edited and its checksum recomputed, so
 * this does not trust it. A step may run outside a transaction only if it
 * is a concurrent index build or drop whose statements are exactly what
 * its change renders: nothing else is ever run where it cannot be rolled
 * back. And the units must be well formed (see unitProblems).
 */
export async function refuseUnsafeStatements(plan: ExecutablePlan): Promise<void> {
  const verdicts = await checkShapes(new Map([['plan-statement', new Set(plan.steps.flatMap(statementsOf))]]));
  const problems: string[] = [...unitProblems(plan)];
  for (const step of plan.steps) {
    if (!step.transactional) problems.push(...outsideTransactionProblems(step, plan.target.serverVersion));
    for (const statement of verdicts.any ? statementsOf(step) : []) {
      const problem = verdicts.problem('plan-statement', statement);
      if (problem) problems.push(`step ${step.index} (${step.description}): ${problem}: ${statement.length > 200 ? `${statement.slice(0, 200)}...` : statement}`);
    }
  }
  if (problems.length) {
    throw new PlanRefusedError('invalid', 'this plan holds statements schemaform does not run; refusing it. Nothing was changed.', {
      details: problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []),
      hint: 'Plans are written by `schema plan` and `schema rollback`; make a new one instead of editing this one.',
    });
  }
}

function outsideTransactionProblems(step: PlanStep, serverVersion: number): string[] {
  const where = `step ${step.index} (${step.description}) is marked to run outside the transaction`;
  if (isTransactional(step.change)) return [`${where}, which schemaform plans only for concurrent index builds, drops and detaches`];
  if (step.backup) return [`${where} but takes a backup, which must commit with it`];
  const expected = renderChange(step.change, { serverVersion });
  if (expected.length !== step.sql.length || expected.some((s, i) => s !== step.sql[i])) return [`${where} and its statements are not the ones its change renders`];
  return [];
}

export function statementsOf(step: PlanStep): string[] {
  return [...(step.backup ? [step.backup.sql] : []), ...step.sql];
}
