import { Flags } from '@oclif/core';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { EMBEDDED_DIR } from '../cli/connect.js';
import { SchemaformError } from '../errors.js';
import { starterSchema } from '../yaml/starter.js';

export default class Init extends BaseCommand {
  static override summary = 'Write a starter schema.yaml';
  static override description = [
    'The file names schemas/schema.json on its first line (relative to the file, as the YAML language server reads it), so editors autocomplete and check it.',
    `Adds ${EMBEDDED_DIR}/ (the embedded database) to .gitignore. Plans (plans/*.plan.json) are meant to be committed: they are what reviewers read.`,
  ].join('\n\n');
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
    await mkdir(dirname(flags.file), { recursive: true });
    await writeFile(flags.file, starterSchema(flags.file));
    const ignored = await ignoreEmbeddedDatabase();
    this.say(`Wrote ${flags.file}${ignored ? ` and added ${EMBEDDED_DIR}/ to .gitignore` : ''}. Next: edit it, then run \`schema plan -f ${flags.file}\`.`);
    return { file: flags.file, gitignore: ignored };
  }
}

/** The embedded database lives in the working directory and can grow to tens of MB: keep it out of commits. */
async function ignoreEmbeddedDatabase(): Promise<boolean> {
  const file = '.gitignore';
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if ([EMBEDDED_DIR, `${EMBEDDED_DIR}/`, `/${EMBEDDED_DIR}`, `/${EMBEDDED_DIR}/`].some((p) => lines.includes(p))) return false;
  await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}# schemaform's embedded database (schema --embedded)\n/${EMBEDDED_DIR}/\n`);
  return true;
}
