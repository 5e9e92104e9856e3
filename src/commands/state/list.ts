import { BaseCommand } from '../../cli/base-command.js';
import { listSnapshots } from '../../state/store.js';

export default class StateList extends BaseCommand {
  static override summary = 'List the recorded snapshots, oldest first';
  static override examples = ['<%= config.bin %> state list'];
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { flags } = await this.parse(StateList);
    const db = await this.database(flags['database-url'], flags.embedded);
    const snapshots = await listSnapshots(db);
    if (snapshots.length === 0) this.say('No snapshots yet: nothing has been applied to this database.');
    for (const s of snapshots) {
      this.say(`${String(s.id).padStart(4)}  ${s.createdAt}  ${s.kind.padEnd(8)}  ${s.planId ?? '-'}  ${s.tableCount} table(s)  by ${s.appliedBy}`);
    }
    return snapshots;
  }
}
