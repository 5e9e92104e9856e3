import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BaseCommand } from '../cli/base-command.js';
import { SchemaformError } from '../errors.js';
import { starterSchema } from '../yaml/starter.js';

export default class Init extends BaseCommand {
  static override summary = 'Write a starter schema.yaml';
  static override description = 'The file names schemas/schema.json on its first line, so editors with the YAML language server autocomplete and check it.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init -f db/schema.yaml'];
  static override flags = {
    file: Flags.string({ char: 'f', summary: 'Where to write the schema.', default: 'schema.yaml' }),
    force: Flags.boolean({ summary: 'Overwrite an existing file.' }),
  };

  async run() {
    const { flags } = await this.parse(Init);
    if (existsSync(flags.file) && !flags.force) {
      throw new SchemaformError(`${flags.file} already exists; not overwriting it`, { hint: 'Pass --force to replace it, or -f to write elsewhere.' });
    }
    await writeFile(flags.file, starterSchema());
    this.say(`Wrote ${flags.file}. Next: edit it, then run \`schema plan -f ${flags.file}\`.`);
    return { file: flags.file };
  }
}
