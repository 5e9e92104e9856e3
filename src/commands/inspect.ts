import { Flags } from '@oclif/core';
import { closeSync, openSync, writeSync } from 'node:fs';
import { BaseCommand } from '../cli/base-command.js';
import { collectGarbage } from '../cli/memory.js';
import { introspect } from '../introspect/introspect.js';

export default class Inspect extends BaseCommand {
  static override summary = 'Write the live database schema as a schema file';
  static override description = 'The output validates and plans to no changes against the same database. Every schema but the system ones and schemaform\'s own is included.';
  static override examples = ['<%= config.bin %> inspect -o schema.yaml', 'DATABASE_URL=postgres://... <%= config.bin %> inspect --schema public'];
  static override flags = {
    ...BaseCommand.databaseFlags,
    output: Flags.string({ char: 'o', summary: 'Write here instead of standard output.' }),
    schema: Flags.string({ summary: 'Only this schema (repeatable).', multiple: true }),
  };

  async run() {
    const { flags } = await this.parse(Inspect);
    const db = await this.database(flags['database-url']);
    const { model } = await introspect(db, { schemas: flags.schema });
    collectGarbage();
    // The YAML writer is loaded only by the commands that write YAML.
    const { writeModelYaml } = await import('../yaml/from-model.js');
    // --json returns the text; otherwise it goes out as it is made, never whole.
    const kept: string[] = [];
    const json = this.jsonEnabled();
    if (flags.output) {
      const file = openSync(flags.output, 'w');
      try {
        writeModelYaml(model, (piece) => {
          writeSync(file, piece);
          if (json) kept.push(piece);
        });
      } finally {
        closeSync(file);
      }
      this.say(`Wrote ${flags.output}.`);
    } else {
      writeModelYaml(model, json ? (piece) => kept.push(piece) : (piece) => process.stdout.write(piece));
    }
    return { output: flags.output ?? null, yaml: kept.join(''), model };
  }
}
