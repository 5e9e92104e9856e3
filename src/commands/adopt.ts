import { Flags } from '@oclif/core';
import { existsSync, writeFileSync } from 'node:fs';
import { applyPlan } from '../apply/apply.js';
import { BaseCommand } from '../cli/base-command.js';
import { stateDirFlag, writeSnapshotFile } from '../cli/snapshot-file.js';
import { unmanagedLabel } from '../introspect/unmanaged.js';
import { SchemaformError } from '../errors.js';
import { introspect } from '../introspect/introspect.js';
import { latestSnapshot } from '../state/store.js';
import { createPlan } from '../workflow/plan.js';

/**
 * The first step on an existing database, in one command: inspect it to a
 * schema file, check that the file plans to nothing against it, and record
 * that as the baseline snapshot, so that `schema drift` has something to
 * compare with and the next plan shows only what the file changes.
 */
export default class Adopt extends BaseCommand {
  protected static override readsOnly = false;
  static override summary = 'Start managing an existing database: write its schema file and record it as the baseline';
  static override description = [
    'Inspects the database into a schema file, checks that the file plans to no changes against it, and records a snapshot of it (changing nothing in the schema), so that drift and rollback have a starting point.',
    'Refuses when the database already has snapshots (it is managed already) or the file exists (unless --force). Run `schema inspect --verify` once too: it proves the file holds everything.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> adopt', '<%= config.bin %> adopt -o db/schema.yaml --schema app'];
  static override flags = {
    ...BaseCommand.databaseFlags,
    output: Flags.string({ char: 'o', summary: 'The schema file to write.', default: 'schema.yaml' }),
    schema: Flags.string({ summary: 'Only this schema (repeatable).', multiple: true }),
    force: Flags.boolean({ summary: 'Overwrite the schema file if it exists.' }),
    'state-dir': stateDirFlag,
  };

  async run() {
    const { flags } = await this.parse(Adopt);
    if (existsSync(flags.output) && !flags.force) {
      throw new SchemaformError(`${flags.output} exists; nothing was changed`, { hint: 'Pass --force to overwrite it, or -o to write another file.' });
    }
    const db = await this.database(flags);
    const previous = await latestSnapshot(db);
    if (previous) {
      throw new SchemaformError(`this database is managed already: snapshot ${previous.id} is its latest; nothing was changed`, {
        hint: 'Plan from the schema file that snapshot came from (schema plan), or compare with it (schema drift).',
      });
    }
    const { model } = await introspect(db, { schemas: flags.schema });
    const { modelToYaml } = await import('../yaml/from-model.js');
    const { schemaReference } = await import('../yaml/starter.js');
    writeFileSync(flags.output, modelToYaml(model, schemaReference(flags.output)));
    const { loadSchema } = await import('../yaml/load.js');
    const plan = await createPlan(db, (await loadSchema(flags.output)).model);
    if (plan.steps.length) {
      throw new SchemaformError(`${flags.output} does not plan to no changes against the database it was read from; no snapshot was recorded`, {
        details: plan.steps.slice(0, 20).map((s) => s.description),
        hint: 'This is a schemaform bug: please report it with the schema file.',
      });
    }
    const result = await applyPlan(db, plan);
    const stateFile = await writeSnapshotFile(flags['state-dir'], result.snapshot, plan.id);
    this.say(this.style.green(`Adopted: wrote ${flags.output}, which plans to no changes; snapshot ${result.snapshot.id} records it as the baseline (${stateFile}).`));
    if (plan.unmanaged.length) this.say(this.style.yellow(`${plan.unmanaged.length} object(s) in these schemas are not managed by schemaform and are left alone: ${plan.unmanaged.slice(0, 10).map(unmanagedLabel).join(', ')}${plan.unmanaged.length > 10 ? ', ...' : ''}`));
    this.say(`Next: run \`schema inspect --verify\` once to prove ${flags.output} holds everything, then commit it.`);
    return { output: flags.output, snapshotId: result.snapshot.id, stateFile, unmanaged: plan.unmanaged };
  }
}
