import { isServerError, type Database } from '../db/database.js';
import { quoteList } from '../sql/quote.js';

/** A step as the rehearsal runs it: its statements, where names resolve, and which steps it needs run first. */
export interface RehearsedStep {
  statements: readonly string[];
  searchPath: readonly string[];
  /** Indexes (into the same list) of the steps this one depends on, from the dependency graph. */
  needs: readonly number[];
}

/** A statement PostgreSQL refused, with what it said. */
export interface Refusal {
  step: number;
  statement: string;
  message: string;
  /** 1-based character in `statement` where PostgreSQL found the problem, when it says. */
  position?: number;
}

export interface StepsOutcome {
  /** Steps PostgreSQL refuses even once everything else has run: the file's SQL, as this server reads it. */
  refused: Refusal[];
  /** Steps that failed where the plan put them and ran once the others had: the order is wrong. */
  misordered: Refusal[];
  /** Steps not run because a step they need never ran. */
  blocked: number[];
}

/**
 * Run the steps in order, inside one transaction the caller ends, each as
 * if in a savepoint of its own (see attemptBatch). A step that fails does
 * not stop the others: what needs it is held back, everything else runs,
 * so one rehearsal reports every problem at once. The failed and held-back
 * steps are tried once more at the end. One that then runs was misordered
 * (a schemaform bug); one that fails again is refused by PostgreSQL
 * wherever it runs.
 */
export async function runSteps(db: Database, steps: readonly RehearsedStep[]): Promise<StepsOutcome> {
  const ran = new Set<number>();
  const failed = new Map<number, Refusal>();
  const refused: Refusal[] = [];
  const misordered: Refusal[] = [];
  // Failed or held back, in the plan's order (a Set keeps it).
  const held = new Set<number>();
  const holdBack = (i: number, refusal?: Refusal) => {
    if (refusal) failed.set(i, refusal);
    held.add(i);
  };
  // Batches while they run clean; from the first that held a refusal on, step by step.
  let i = 0;
  while (i < steps.length) {
    const end = Math.min(steps.length, i + BATCH);
    if (!(await attemptBatch(db, steps.slice(i, end)))) break;
    for (; i < end; i++) ran.add(i);
  }
  for (; i < steps.length; i++) {
    if (steps[i]!.needs.some((n) => held.has(n))) { holdBack(i); continue; }
    const refusal = await attempt(db, steps[i]!, i);
    if (refusal) holdBack(i, refusal);
    else ran.add(i);
  }
  const blocked: number[] = [];
  for (const i of held) {
    if (steps[i]!.needs.some((n) => n !== i && !ran.has(n))) { blocked.push(i); continue; }
    const refusal = await attempt(db, steps[i]!, i);
    if (refusal) refused.push(refusal);
    else {
      ran.add(i);
      const first = failed.get(i);
      if (first) misordered.push(first);
    }
  }
  return { refused, misordered, blocked };
}

/**
 * Steps at a time. Nearly every rehearsal runs clean, and a savepoint of
 * its own per step (two more round trips and a subtransaction) was about a
 * third of the time its steps took: a batch runs in one savepoint, each
 * statement still alone over the extended protocol (see Database.run). A
 * refusal undoes the whole batch, which the caller then runs step by step,
 * so what is reported is the same as if every step had had its own.
 */
async function attemptBatch(db: Database, batch: readonly RehearsedStep[]): Promise<boolean> {
  await db.exec('SAVEPOINT schemaform_batch');
  let path: string | undefined;
  try {
    for (const step of batch) {
      const wanted = quoteList(step.searchPath);
      if (wanted !== path) await db.exec(`SET LOCAL search_path TO ${(path = wanted)}`);
      for (const statement of step.statements) await db.run(statement);
    }
  } catch (e) {
    if (!isServerError(e)) throw e;
    await db.exec('ROLLBACK TO SAVEPOINT schemaform_batch; RELEASE SAVEPOINT schemaform_batch');
    return false;
  }
  await db.exec('RELEASE SAVEPOINT schemaform_batch');
  return true;
}

/** Steps a batch holds: large enough that its savepoint costs nothing per step, small enough that redoing one after a refusal is cheap. */
const BATCH = 200;

/** One step in a savepoint: undefined if it ran, else what PostgreSQL said (and the step left nothing behind). */
async function attempt(db: Database, step: RehearsedStep, index: number): Promise<Refusal | undefined> {
  await db.exec(`SAVEPOINT schemaform_step; SET LOCAL search_path TO ${quoteList(step.searchPath)}`);
  for (const statement of step.statements) {
    try {
      await db.run(statement);
    } catch (e) {
      // Anything but the server's refusal (a lost connection) ends the rehearsal.
      if (!isServerError(e)) throw e;
      await db.exec('ROLLBACK TO SAVEPOINT schemaform_step; RELEASE SAVEPOINT schemaform_step');
      const position = Number(e.position);
      return { step: index, statement, message: e.message, ...(Number.isInteger(position) && position > 0 && { position }) };
    }
  }
  await db.exec('RELEASE SAVEPOINT schemaform_step');
  return undefined;
}
