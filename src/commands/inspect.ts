import { Flags } from '@oclif/core';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { collectGarbage } from '../cli/memory.js';
import { scratchTarget } from '../cli/planning.js';
import { SchemaformError } from '../errors.js';
import { introspect, serverInfo, withCatalogLanes } from '../introspect/introspect.js';

export default class Inspect extends BaseCommand {
  static override summary = 'Write the live database schema as a schema file';
  static override description = [
    'The output validates and plans to no changes against the same database. Every schema but the system ones and schemaform\'s own is included.',
    'With --verify, the YAML is also built in a scratch database and pg_dump --schema-only of both is compared: every line the YAML did not capture is reported, exit 1.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> inspect -o schema.yaml',
    'DATABASE_URL=postgres://... <%= config.bin %> inspect --schema public',
    '<%= config.bin %> inspect -o schema.yaml --verify   # once, when adopting schemaform',
  ];
  static override flags = {
    ...BaseCommand.databaseFlags,
    output: Flags.string({ char: 'o', summary: 'Write here instead of standard output.' }),
    schema: Flags.string({ summary: 'Only this schema (repeatable).', multiple: true }),
    verify: Flags.boolean({ summary: 'Build the YAML in a scratch database and compare pg_dump --schema-only of both; exit 1 on any difference.' }),
    'shadow-database-url': Flags.string({
      summary: 'With --verify: a server where schemaform may create and drop the scratch database. Default: the database server itself.',
      helpValue: 'URL',
    }),
  };

  async run() {
    const { flags } = await this.parse(Inspect);
    const db = await this.database(flags);
    const { model } = await withCatalogLanes(db, (lanes) => introspect(db, { schemas: flags.schema, lanes }));
    collectGarbage();
    // The YAML writer is loaded only by the commands that write YAML.
    const [{ writeModelYaml }, { schemaReference }] = await Promise.all([import('../yaml/from-model.js'), import('../yaml/starter.js')]);
    // --json returns the text; otherwise it goes out as it is made, never whole.
    const kept: string[] = [];
    const json = this.jsonEnabled();
    if (flags.output) {
      const file = openSync(flags.output, 'w');
      try {
        writeModelYaml(model, (piece) => {
          writeSync(file, piece);
          if (json) kept.push(piece);
        }, schemaReference(flags.output));
      } finally {
        closeSync(file);
      }
      this.say(`Wrote ${flags.output}.`);
    } else {
      writeModelYaml(model, json || flags.verify ? (piece) => kept.push(piece) : (piece) => process.stdout.write(piece));
      if (flags.verify && !json) process.stdout.write(kept.join(''));
    }
    const verified = flags.verify ? await this.verify(flags.output, kept.join(''), flags.schema, await this.shadowUrl(flags['shadow-database-url'])) : undefined;
    return { output: flags.output ?? null, yaml: json ? kept.join('') : '', model, ...(verified && { verified }) };
  }

  /** Build what was written in a scratch database; refuse (exit 1) unless pg_dump finds no difference. */
  private async verify(output: string | undefined, text: string, schemas: string[] | undefined, shadow: string | undefined) {
    const liveUrl = this.databaseUrl;
    if (!liveUrl) throw new SchemaformError('inspect --verify needs a PostgreSQL server: the embedded database has no pg_dump', { hint: 'Set DATABASE_URL or pass --database-url.' });
    const db = await this.database({});
    const server = await serverInfo(db);
    const [{ findPgDump }, { verifyInspection }, { loadSchema }] = await Promise.all([import('../verify/pg-dump.js'), import('../verify/verify.js'), import('../yaml/load.js')]);
    // Without a pg_dump the catalogs are compared instead (verify/catalog-dump.ts), and the output says so.
    const pgDump = (() => { try { return findPgDump(server.versionNum); } catch (e) { if (e instanceof SchemaformError) return undefined; throw e; } })();
    const how = pgDump ? 'pg_dump --schema-only' : 'the catalog comparison (no pg_dump found)';
    // What is verified is the YAML as it reads back, not the model it was written from.
    const dir = output ? undefined : mkdtempSync(join(tmpdir(), 'schemaform-verify-'));
    try {
      const file = output ?? join(dir!, 'schema.yaml');
      if (!output) writeFileSync(file, text);
      const { model } = await loadSchema(file);
      const { target, shadow: onShadow } = (await scratchTarget(shadow, liveUrl, db))!;
      const result = await verifyInspection({
        liveUrl, live: db, serverVersion: server.versionNum, model, target, pgDump, privileges: !onShadow, role: server.currentRole,
        ...(schemas && { schemas }),
      }).finally(() => target.close?.());
      const lines = [...result.notCaptured.map((l) => `not captured: ${l}`), ...result.added.map((l) => `only in the rebuilt database: ${l}`)];
      if (lines.length) {
        throw new SchemaformError(`inspect --verify: ${how} differs in ${lines.length} line(s) once the YAML is built in a scratch database`, {
          details: lines.slice(0, 100).concat(lines.length > 100 ? [`... and ${lines.length - 100} more`] : []),
          hint: 'What is not captured would be lost silently by a schema managed from this YAML: keep it out of the managed schemas, or report the gap.',
        });
      }
      (output ? process.stdout : process.stderr).write(this.style.green(`✓ verified: the YAML rebuilds the same ${pgDump ? 'pg_dump --schema-only' : 'catalog (no pg_dump found: compared object by object)'}${onShadow ? ' (privileges not compared on a shadow server)' : ''}\n`));
      return { pgDump: pgDump ?? null, compared: pgDump ? 'pg_dump' : 'catalog', privileges: !onShadow };
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}
