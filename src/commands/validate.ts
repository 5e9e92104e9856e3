import { BaseCommand } from '../cli/base-command.js';
import { planningFlags, rehearsalOptions, SchemaSource } from '../cli/planning.js';
import type { Model } from '../model/types.js';
import { createPlan } from '../workflow/plan.js';
import { loadSchema } from '../yaml/load.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check a schema file, alone or against a database';
  static override description = [
    'Validates against schemas/schema.json, then checks references: columns used by keys and indexes, foreign key targets, duplicate and over-long names. Touches no database.',
    'With --database-url (or --env), also plans against that database and rehearses the plan in a scratch database, so SQL the server refuses (a misspelled type, a bad default, a view naming a renamed column) is reported at its file:line:col. Writes no plan.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -f db/', '<%= config.bin %> validate --database-url "$DATABASE_URL"'];
  static override flags = {
    ...planningFlags,
    // Only when given: validate stays offline whatever DATABASE_URL says.
    'database-url': BaseCommand.databaseFlags['database-url'],
    env: BaseCommand.databaseFlags.env,
  };

  async run() {
    const { flags } = await this.parse(Validate);
    const url = flags['database-url'];
    const file = await this.setting(flags.file, 'schema', 'schema.yaml');
    if (!url && !flags.env) {
      const { model, files } = await loadSchema(file);
      return this.valid(files, model);
    }
    const source = new SchemaSource(file);
    const db = await source.before(this.database({ 'database-url': url, env: flags.env }));
    const rehearsal = await rehearsalOptions(await this.shadowUrl(flags['shadow-database-url']), this.databaseUrl, db);
    const plan = await createPlan(db, source.load, rehearsal).catch((e: unknown) => source.explain(e)).finally(() => rehearsal.rehearsal?.close?.());
    const desired = plan.desired.model;
    const checked = plan.rehearsal === undefined ? 'no changes to rehearse'
      : plan.rehearsal.rehearsed ? `the plan's ${plan.steps.length} step(s) rehearsed in a scratch database`
        : `not rehearsed: ${plan.rehearsal.reason}`;
    return { ...this.valid(source.files, desired, `against ${db.description}: ${checked}`), steps: plan.steps.length, rehearsal: plan.rehearsal ?? null };
  }

  private valid(files: readonly string[], model: Model, against?: string) {
    const tables = model.schemas.reduce((n, s) => n + s.tables.length, 0);
    this.say(this.style.green(`✓ ${files.join(', ')}: valid (${model.schemas.length} schema(s), ${tables} table(s))${against ? ` ${against}` : ''}`));
    return { valid: true, files, schemas: model.schemas.length, tables };
  }
}
