import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { loadSchema } from '../yaml/load.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check a schema file without touching any database';
  static override description = 'Validates against schemas/schema.json, then checks references: columns used by keys and indexes, foreign key targets, duplicate and over-long names.';
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -f db/'];
  static override flags = {
    file: Flags.string({ char: 'f', summary: 'Schema file, or a directory of .yaml files.', default: 'schema.yaml' }),
  };

  async run() {
    const { flags } = await this.parse(Validate);
    const { model, files } = await loadSchema(flags.file);
    const tables = model.schemas.reduce((n, s) => n + s.tables.length, 0);
    this.say(this.style.green(`✓ ${files.join(', ')}: valid (${model.schemas.length} schema(s), ${tables} table(s))`));
    return { valid: true, files, schemas: model.schemas.length, tables };
  }
}
