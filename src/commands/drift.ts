import { BaseCommand } from '../cli/base-command.js';
import { describeChange } from '../plan/build.js';
import { detectDrift } from '../workflow/drift.js';

export default class Drift extends BaseCommand {
  static override summary = 'Compare the live database with the latest snapshot';
  static override description = 'Exit 0 when they match, 2 when someone changed the schema outside schemaform, 1 on error.';
  static override examples = ['<%= config.bin %> drift'];
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { flags } = await this.parse(Drift);
    const db = await this.database(flags['database-url']);
    const drift = await detectDrift(db);
    const lines = drift.changes.map(describeChange);
    if (lines.length === 0) {
      this.say(this.style.green(`No drift: the database matches snapshot ${drift.snapshotId}.`));
      return { snapshotId: drift.snapshotId, drifted: false, changes: [] };
    }
    this.say(this.style.yellow(`Drift since snapshot ${drift.snapshotId} (what would bring the database back to it):`));
    for (const l of lines) this.say(`  ~ ${l}`);
    this.say('Either put these changes into the schema file, or run `schema plan` and apply to undo them.');
    this.finish({ snapshotId: drift.snapshotId, drifted: true, changes: lines }, 2);
  }
}
