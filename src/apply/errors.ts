import { SchemaformError } from '../errors.js';

/**
 * What became of the apply when something failed, as checked afterwards:
 * its transaction rolled back (and, online, no earlier unit had committed),
 * never committed (the connection went first), committed part-way (the
 * server says so), or, online, stopped between units with earlier units
 * committed and recorded, to be resumed.
 */
export type Outcome = 'rolled-back' | 'not-committed' | 'committed' | 'partial';

const outcomeText: Record<Exclude<Outcome, 'partial'>, string> = {
  'rolled-back': 'Everything was rolled back: the schema, the data and the state are as they were before this apply.',
  'not-committed': 'The connection was lost before COMMIT was sent, so nothing was committed: PostgreSQL rolls back a transaction whose session ends. `schema state list` shows no snapshot for this plan.',
  committed: 'The apply\'s transaction was committed part-way (PostgreSQL reports it committed): the database may be partly changed and no snapshot was recorded. Run `schema drift` and `schema plan` to see where it stands.',
};

/** Where an online apply stopped: the units that committed before the one that failed. */
export interface PartialProgress {
  unitsDone: number;
  units: number;
  stepsDone: number;
  failedUnit: number;
  /** Whether the failed unit's own work was undone (its transaction rolled back, or an INVALID index it left removed). */
  failedUnitUndone: boolean;
}

/** Something failed during the apply; `outcome` says, checked, what became of it. */
export class ApplyFailedError extends SchemaformError {
  constructor(
    readonly where: string, readonly statement: string | undefined, cause: Error & { detail?: string; hint?: string },
    readonly outcome: Outcome, blockers: string[] = [], readonly progress?: PartialProgress,
  ) {
    super(`${where} failed: ${cause.message}`, {
      cause,
      details: [
        ...(cause.detail ? [`detail: ${cause.detail}`] : []),
        ...(statement ? [`statement: ${statement}`] : []),
        ...blockers.map((b) => `blocked by ${b}`),
        outcome === 'partial' && progress ? partialText(progress) : outcomeText[outcome as Exclude<Outcome, 'partial'>],
      ],
      hint: blockers.length
        ? 'Wait for those sessions to finish (or end them), then apply the same plan again; --lock-timeout sets how long each statement may wait, --retry-budget how long the apply keeps trying.'
        : outcome === 'partial'
          ? 'Fix the cause, then run `schema apply` with the same plan: it checks what was done and resumes at the failed unit. `schema state show` lists the units.'
          : outcome === 'not-committed'
            ? 'Once the database is reachable again, apply the same plan again.'
            : cause.hint ?? 'Fix the data or the schema file, run `schema plan` again and apply the new plan.',
    });
    this.name = 'ApplyFailedError';
  }
}

function partialText(p: PartialProgress): string {
  const undone = p.failedUnitUndone ? 'its changes were undone' : 'it may have left part of its work (applying the plan again finishes or removes it)';
  const committed = p.unitsDone === 0 ? `No unit of ${p.units} was committed` : `Units 1–${p.unitsDone} of ${p.units} (steps 1–${p.stepsDone}) were committed and are recorded in the apply journal`;
  return `${committed}; unit ${p.failedUnit} failed and ${undone}. No snapshot was recorded: this apply is partial.`;
}

/** The connection went while COMMIT was on its way: whether it committed is known only to the server. */
export class CommitInDoubtError extends SchemaformError {
  constructor(planId: string, cause: Error) {
    super(`the connection was lost while the apply was committing (${cause.message}): it may or may not have committed`, {
      cause,
      details: [`If it committed, a snapshot for plan ${planId} was recorded with it; if not, nothing changed.`],
      hint: `Run \`schema state list\`: plan ${planId} is listed there if it committed. \`schema apply\` of the same plan says "already applied" if it did, and applies (or resumes) it if it did not.`,
    });
    this.name = 'CommitInDoubtError';
  }
}
