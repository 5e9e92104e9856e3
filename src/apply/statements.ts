import { PlanRefusedError } from '../errors.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { loadParser, nodeKind, parseSql } from '../sql/parser.js';

/**
 * What an apply will send, checked before anything is: every statement of
 * every step is exactly one statement (the executor sends each over the
 * extended protocol, which refuses a second one anyway) and none of them
 * ends, commits or otherwise controls the apply's transaction. A plan file
 * can be edited and its checksum recomputed, so this does not trust it.
 * Every step must also run in the apply's transaction: no step of this
 * version runs outside it, and skipping one would apply a different plan.
 */
export async function refuseUnsafeStatements(plan: ExecutablePlan): Promise<void> {
  await loadParser();
  const problems: string[] = [];
  for (const step of plan.steps) {
    if (!step.transactional) problems.push(`step ${step.index} (${step.description}) is marked to run outside the transaction, which this version of schemaform never plans`);
    for (const statement of statementsOf(step)) {
      const problem = statementProblem(statement);
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

function statementProblem(statement: string): string | undefined {
  const parsed = parseSql(statement);
  if (!parsed.ok) return `PostgreSQL's parser rejects it (${parsed.message})`;
  if (parsed.statements.length !== 1) return `it is ${parsed.statements.length} statements, not one`;
  const kind = nodeKind(parsed.statements[0]!.stmt)?.[0];
  return kind === 'TransactionStmt' ? 'it controls the transaction (BEGIN, COMMIT, ROLLBACK, SAVEPOINT ...)' : undefined;
}
