import { BaseCommand } from '../../cli/base-command.js';
import { listSnapshots } from '../../state/store.js';
import { partialApplies } from '../../state/journal.js';

export default class StateList extends BaseCommand {
  static override summary = 'List the recorded snapshots, oldest first';
  static override examples = ['<%= config.bin %> state list'];
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { flags } = await this.parse(StateList);
    const db = await this.database(flags);
    const snapshots = await listSnapshots(db);
    if (snapshots.length === 0) this.say('No snapshots yet: nothing has been applied to this database.');
    for (const s of snapshots) {
      this.say(`${String(s.id).padStart(4)}  ${s.createdAt}  ${s.kind.padEnd(8)}  ${s.planId ?? '-'}  ${s.tableCount} table(s)  by ${s.appliedBy}`);
    }
    const partial = await partialApplies(db);
    for (const p of partial) {
      this.say(`   -  ${p.startedAt}  partial   ${p.planId}  ${p.unitsDone} unit(s) committed; \`schema state show ${p.planId}\` lists them, applying the plan again resumes it`);
    }
    return snapshots;
  }
}
