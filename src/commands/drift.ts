import { BaseCommand } from '../cli/base-command.js';
import { detectDrift } from '../workflow/drift.js';
import { DRIFT_SYMBOL, manualEntries, undoEntries, type DriftEntry } from '../workflow/drift-report.js';
import { unmanagedLabel } from '../introspect/unmanaged.js';

export default class Drift extends BaseCommand {
  static override summary = 'Compare the live database with the latest snapshot';
  static override description = 'Lists what was changed in the database outside schemaform since the latest snapshot, and what undoing it would change. Exit 0 when they match, 2 when someone changed the schema, 1 on error.';
  static override examples = ['<%= config.bin %> drift', '<%= config.bin %> drift --json'];
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { flags } = await this.parse(Drift);
    const db = await this.database(flags);
    await this.warnOfPartialApplies(db);
    const drift = await detectDrift(db);
    const manual = manualEntries(drift.manual);
    const undo = undoEntries(drift.changes);
    const unmanaged = drift.unmanaged.map(unmanagedLabel);
    const result = { snapshotId: drift.snapshotId, drifted: manual.length > 0, changes: manual, undo, unmanaged: drift.unmanaged };
    if (manual.length === 0) {
      this.say(this.style.green(`No drift: what schemaform manages matches snapshot ${drift.snapshotId}.`));
    } else {
      this.say(this.style.yellow(`Drift: changed in the database outside schemaform since snapshot ${drift.snapshotId}:`));
      this.list(manual);
      this.say('\nTo undo it, `schema plan` then `schema apply` (the plan gives the exact steps); it would:');
      this.list(undo);
      this.say('\nOr keep it: put it into the schema file (`schema inspect` prints the live schema as YAML).');
    }
    if (unmanaged.length) this.say(this.style.dim(`Not managed by schemaform, so not compared: ${unmanaged.slice(0, 20).join(', ')}${unmanaged.length > 20 ? ` and ${unmanaged.length - 20} more` : ''}`));
    if (manual.length) this.finish(result, 2);
    return result;
  }

  private list(entries: readonly DriftEntry[]) {
    const paint = { create: this.style.green, update: this.style.yellow, delete: this.style.red } as const;
    for (const e of entries) this.say(paint[e.action](`  ${DRIFT_SYMBOL[e.action]} ${e.description}`));
  }
}
