import { describeObject, type ObjectRef } from '../diff/changes.js';
import { SchemaformError } from '../errors.js';

/**
 * SQL from the file that PostgreSQL refused in the rehearsal, wherever the
 * plan runs it: the object it belongs to and the server's own words, so a
 * caller that knows the files can point at the value (see
 * yaml/locate-refusals.ts).
 */
export interface SqlRefusal {
  object: ObjectRef;
  /** The plan step that ran it; none when it is what a replan after the steps would still do. */
  step?: { index: number; description: string };
  statement: string;
  message: string;
  /** 1-based character in `statement` where PostgreSQL found the problem, when it says. */
  position?: number;
}

export class RefusedSqlError extends SchemaformError {
  readonly refusals: SqlRefusal[];
  constructor(refusals: SqlRefusal[], held: number) {
    super(`rehearsal: PostgreSQL refuses ${refusals.length === 1 ? 'a statement' : `${refusals.length} statements`} of this plan in a scratch database; no plan was written`, {
      details: [
        ...refusals.map((r) => `${whereRefused(r)}: ${r.message}`),
        ...(held > 0 ? [`${held} step(s) that need those were not rehearsed`] : []),
      ],
      hint: 'Fix each value in the schema file; the plan would fail the same way at apply.',
    });
    this.name = 'RefusedSqlError';
    this.refusals = refusals;
  }
}

/** "step 3 (add column x to table public.t)", or the object for what the steps left undone. */
export function whereRefused(r: SqlRefusal): string {
  return r.step ? `step ${r.step.index} (${r.step.description})` : describeObject(r.object);
}
