import type { Database } from '../db/database.js';
import { describeObject, type ObjectRef } from '../diff/changes.js';
import { PlanRefusedError } from '../errors.js';
import { objectDigests } from '../model/objects.js';
import { touched } from '../plan/build.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import type { JournalEntry } from '../state/journal.js';
import { readInScope } from '../workflow/scope.js';

/**
 * Before a partial apply is resumed: it is the same plan, and the database
 * is where the journal says the apply stopped. Objects no step touches
 * must still be as planned from; an object a finished step created must be
 * there, one it dropped must be gone. (A transactional unit's journal row
 * commits with its changes, so it cannot claim work that did not commit;
 * this catches what happened since, by hand.) Refuses, naming the
 * objects, otherwise.
 */
export async function refuseIfDiverged(db: Database, plan: ExecutablePlan, journal: { checksum?: string; entries: JournalEntry[] }): Promise<void> {
  if (journal.checksum !== undefined && journal.checksum !== plan.checksum) {
    throw new PlanRefusedError('edited', `the apply journal holds plan ${plan.id} with another checksum: this file is not the plan whose apply stopped part-way; nothing was changed`, {
      hint: 'Apply the plan file that was applied before, or run `schema rollback` to undo what it did.',
    });
  }
  const live = objectDigests(await readInScope(db, plan.scope));
  const done = new Set(journal.entries.filter((e) => e.state === 'done' && e.unit > 0).map((e) => e.unit));
  const problems = [...untouchedChanges(plan, live), ...unfinishedWork(plan.steps.filter((s) => done.has(s.unit)), live)];
  if (problems.length) {
    throw new PlanRefusedError('stale', 'the database changed since this apply stopped part-way; refusing to resume it. Nothing more was changed.', {
      details: problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []),
      hint: 'Undo the manual change, or run `schema rollback` to go back to the snapshot before this plan, then plan again.',
    });
  }
}

/** Objects no step acts on that differ from the plan's source. */
function untouchedChanges(plan: ExecutablePlan, live: Record<string, string>): string[] {
  const isTouched = touchedPredicate(touched(plan.steps), plan.steps);
  const before = plan.source.objects;
  const out: string[] = [];
  for (const label of new Set([...Object.keys(before), ...Object.keys(live)])) {
    if (isTouched(label) || before[label] === live[label]) continue;
    out.push(!(label in live) ? `${label} was dropped` : !(label in before) ? `${label} was created` : `${label} was changed`);
  }
  return out;
}

/** After the last finished step on each object: there if it created or altered it, gone if it dropped it. */
function unfinishedWork(doneSteps: readonly PlanStep[], live: Record<string, string>): string[] {
  const last = new Map<string, PlanStep>();
  for (const step of doneSteps) last.set(describeObject(step.object), step);
  const out: string[] = [];
  for (const [label, step] of last) {
    if (step.action === 'delete' && label in live) out.push(`${label} was dropped by step ${step.index}, recorded as done, but it is there`);
    if (step.action === 'create' && !(label in live)) out.push(`${label} was created by step ${step.index}, recorded as done, but it is not there`);
  }
  return out;
}

/** Labels of the objects a plan acts on; a renamed schema touches everything in it under either name. */
function touchedPredicate(refs: readonly ObjectRef[], steps: readonly PlanStep[]): (label: string) => boolean {
  const labels = new Set(refs.map(describeObject));
  const schemas = new Set(steps.flatMap((s) => (s.change.kind === 'rename-schema' ? [s.change.from, s.change.to] : [])));
  const inRenamed = (label: string) => [...schemas].some((schema) => label.includes(` ${schema}.`) || label.endsWith(` ${schema}`));
  return (label) => labels.has(label) || inRenamed(label);
}
