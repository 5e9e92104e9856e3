import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { SchemaformError } from '../../errors.js';
import { partialApplies, readJournal, type JournalEntry } from '../../state/journal.js';
import { getSnapshot, snapshotOfPlan } from '../../state/store.js';

export default class StateShow extends BaseCommand {
  static override summary = 'Show one snapshot (its metadata and schema as YAML), or one apply\'s journal unit by unit';
  static override description = 'Given a snapshot id, prints the snapshot. Given a plan id, prints how its apply went, unit by unit: which units committed and when, which one started and did not finish. A partial apply (one that stopped part-way) is resumed by applying the same plan again.';
  static override examples = ['<%= config.bin %> state show 3', '<%= config.bin %> state show 20261124T101500Z-a1b2c3'];
  static override args = { id: Args.string({ description: 'Snapshot id or plan id, from `schema state list`', required: true }) };
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { args, flags } = await this.parse(StateShow);
    const db = await this.database(flags);
    if (/^\d+$/.test(args.id)) {
      const snapshot = await getSnapshot(db, Number(args.id));
      if (!snapshot) throw new SchemaformError(`no snapshot ${args.id}`, { hint: 'Run `schema state list` for the ids.' });
      this.say(`# snapshot ${snapshot.id} (${snapshot.kind}) recorded ${snapshot.createdAt} by ${snapshot.appliedBy}; plan ${snapshot.planId ?? '-'}`);
      const { modelToYaml } = await import('../../yaml/from-model.js');
      this.say(modelToYaml(snapshot.model));
      return snapshot;
    }
    const journal = await readJournal(db, args.id);
    if (journal.entries.length === 0) throw new SchemaformError(`no apply of plan ${args.id} is recorded`, { hint: 'Run `schema state list` for snapshot and plan ids; an atomic apply records only its snapshot.' });
    const snapshot = await snapshotOfPlan(db, args.id);
    const partial = !snapshot && (await partialApplies(db)).some((p) => p.planId === args.id);
    this.say(snapshot
      ? `plan ${args.id}: applied, snapshot ${snapshot.id} (${snapshot.createdAt})`
      : `plan ${args.id}: partial, stopped part-way${partial ? '; apply the same plan again to resume it' : ''}`);
    for (const entry of journal.entries.filter((e) => e.unit > 0)) this.say(`  ${unitLine(entry)}`);
    return { planId: args.id, snapshotId: snapshot?.id ?? null, units: journal.entries.filter((e) => e.unit > 0) };
  }
}

function unitLine(e: JournalEntry): string {
  const steps = e.steps.length === 1 ? `step ${e.steps[0]}` : `steps ${e.steps[0]}–${e.steps.at(-1)}`;
  if (e.state === 'started') return `unit ${e.unit} (${steps}): started ${e.startedAt}, not finished (an interrupted concurrent build is removed and built again on resume)`;
  const seconds = e.finishedAt ? ((Date.parse(e.finishedAt) - Date.parse(e.startedAt)) / 1000).toFixed(2) : '?';
  return `unit ${e.unit} (${steps}): committed ${e.finishedAt ?? e.startedAt} (${seconds} s)`;
}
