import { PlanRefusedError } from '../errors.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { checkShapes } from '../sql/shape-checker.js';

/**
 * What an apply will send, checked before anything is: every statement of
 * every step is exactly one statement by PostgreSQL's parser (the executor
 * sends each over the extended protocol, which refuses a second one anyway)
 * and none of them ends, commits or otherwise controls the apply's
 * transaction. A plan file can be edited and its checksum recomputed, so
 * this does not trust it. Every step must also run in the apply's
 * transaction: no step of this version runs outside it, and skipping one
 * would apply a different plan.
 */
export async function refuseUnsafeStatements(plan: ExecutablePlan): Promise<void> {
  const verdicts = await checkShapes(new Map([['plan-statement', new Set(plan.steps.flatMap(statementsOf))]]));
  const problems: string[] = [];
  for (const step of plan.steps) {
    if (!step.transactional) problems.push(`step ${step.index} (${step.description}) is marked to run outside the transaction, which this version of schemaform never plans`);
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

export function statementsOf(step: PlanStep): string[] {
  return [...(step.backup ? [step.backup.sql] : []), ...step.sql];
}
