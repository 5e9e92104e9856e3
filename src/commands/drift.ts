import { BaseCommand } from '../cli/base-command.js';
import { describeChange } from '../plan/build.js';
import { detectDrift } from '../workflow/drift.js';
import { unmanagedLabel } from '../introspect/unmanaged.js';

export default class Drift extends BaseCommand {
  static override summary = 'Compare the live database with the latest snapshot';
  static override description = 'Exit 0 when they match, 2 when someone changed the schema outside schemaform, 1 on error.';
  static override examples = ['<%= config.bin %> drift'];
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { flags } = await this.parse(Drift);
    const db = await this.database(flags['database-url'], flags.embedded);
    await this.warnOfPartialApplies(db);
    const drift = await detectDrift(db);
    const lines = drift.changes.map(describeChange);
    const unmanaged = drift.unmanaged.map(unmanagedLabel);
    const notCompared = () => {
      if (unmanaged.length) this.say(this.style.dim(`Not managed by schemaform, so not compared: ${unmanaged.slice(0, 20).join(', ')}${unmanaged.length > 20 ? ` and ${unmanaged.length - 20} more` : ''}`));
    };
    if (lines.length === 0) {
      this.say(this.style.green(`No drift: what schemaform manages matches snapshot ${drift.snapshotId}.`));
      notCompared();
      return { snapshotId: drift.snapshotId, drifted: false, changes: [], unmanaged: drift.unmanaged };
    }
    this.say(this.style.yellow(`Drift since snapshot ${drift.snapshotId} (what would bring the database back to it):`));
    for (const l of lines) this.say(`  ~ ${l}`);
    this.say('Either put these changes into the schema file, or run `schema plan` and apply to undo them.');
    notCompared();
    this.finish({ snapshotId: drift.snapshotId, drifted: true, changes: lines, unmanaged: drift.unmanaged }, 2);
  }
}
