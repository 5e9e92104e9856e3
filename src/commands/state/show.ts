import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { SchemaformError } from '../../errors.js';
import { getSnapshot } from '../../state/store.js';

export default class StateShow extends BaseCommand {
  static override summary = 'Show one snapshot: its metadata and its schema as YAML';
  static override examples = ['<%= config.bin %> state show 3'];
  static override args = { id: Args.integer({ description: 'Snapshot id from `schema state list`', required: true }) };
  static override flags = { ...BaseCommand.databaseFlags };

  async run() {
    const { args, flags } = await this.parse(StateShow);
    const db = await this.database(flags['database-url'], flags.embedded);
    const snapshot = await getSnapshot(db, args.id);
    if (!snapshot) throw new SchemaformError(`no snapshot ${args.id}`, { hint: 'Run `schema state list` for the ids.' });
    this.say(`# snapshot ${snapshot.id} (${snapshot.kind}) recorded ${snapshot.createdAt} by ${snapshot.appliedBy}; plan ${snapshot.planId ?? '-'}`);
    const { modelToYaml } = await import('../../yaml/from-model.js');
    this.say(modelToYaml(snapshot.model));
    return snapshot;
  }
}
