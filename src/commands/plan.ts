import { isEmptyPlan } from '../plan/types.js';
import { Flags } from '@oclif/core';
import { join } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { collectGarbage } from '../cli/memory.js';
import { planningFlags, executionFlag, rehearsalOptions, SchemaSource } from '../cli/planning.js';
import { formatPlanText } from '../plan/format-text.js';
import { writePlanFile } from '../plan/plan-file.js';
import { summarizePlan } from '../plan/summary.js';
import { createPlan } from '../workflow/plan.js';
import { profiled } from '../profile.js';

export default class Plan extends BaseCommand {
  static override summary = 'Compare the schema file with the database and write a plan';
  static override description = 'Reads the YAML, reads the live database, and writes every step with its SQL and hazards to a plan file for review. Changes nothing.';
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan -f db/ -o plans/add-invoices.plan.json',
    '<%= config.bin %> plan --detailed-exitcode   # exit 2 when there are changes',
  ];
  static override flags = {
    ...BaseCommand.databaseFlags,
    ...planningFlags,
    ...executionFlag,
    output: Flags.string({ char: 'o', summary: 'Plan file to write. Default: plans/<UTC timestamp>-<id>.plan.json' }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 0 when there is nothing to do, 2 when the plan has steps.' }),
    'allow-destructive': Flags.boolean({ summary: 'Record in the plan that its data-loss steps are intended.', exclusive: ['skip-destructive'] }),
    'skip-destructive': Flags.boolean({ summary: 'Leave out the changes that lose data (dropped tables and columns, lossy type changes, removed enum values), keeping those objects, and list them: the rest of the file is planned.' }),
    'show-sql': Flags.boolean({ summary: 'Print every statement under its step.' }),
    strict: Flags.boolean({ summary: 'Fail when managed schemas hold objects schemaform does not manage (operators, extended statistics, ...).' }),
    rehearse: Flags.boolean({ summary: 'Run the steps in a scratch database before writing the plan (--no-rehearse skips it).', default: true, allowNo: true }),
  };

  async run() {
    const { flags } = await this.parse(Plan);
    const progress = await this.progress();
    const source = new SchemaSource(await this.setting(flags.file, 'schema', 'schema.yaml'), () => progress.phase('loading the schema file'));
    const db = await source.before(this.database(flags));
    await this.warnOfPartialApplies(db);
    const onPhase = (p: string) => {
      collectGarbage();
      progress.phase(p);
    };
    const rehearsal = await rehearsalOptions(await this.shadowUrl(flags['shadow-database-url']), this.databaseUrl, db, flags.rehearse);
    const plan = await createPlan(db, source.load, { allowDestructive: flags['allow-destructive'], skipDestructive: flags['skip-destructive'], strict: flags.strict, execution: flags.atomic ? 'atomic' : 'online', onPhase, ...rehearsal })
      .catch((e: unknown) => source.explain(e))
      .finally(() => rehearsal.rehearsal?.close?.());
    collectGarbage();
    const path = flags.output ?? join('plans', `${plan.id}.plan.json`);
    const empty = isEmptyPlan(plan);
    if (!empty || flags.output) await profiled('writing the plan file', () => writePlanFile(path, plan));
    progress.succeed(empty ? 'planned: no changes' : `planned ${plan.steps.length} step(s)${plan.protectionChanges ? ' and preventDestroy marks to record' : ''}`);
    this.say(profiled('rendering the plan', () => formatPlanText(plan, this.style, { planPath: empty && !flags.output ? undefined : path, showSql: flags['show-sql'] })));
    const { counts, objects } = summarizePlan(plan);
    const result = {
      planFile: empty && !flags.output ? null : path,
      id: plan.id,
      changes: counts,
      objects: objects.map((o) => ({ action: o.action, object: o.ref, label: o.label, reason: o.reason ?? null, steps: o.steps.map((s) => s.index) })),
      unmanaged: plan.unmanaged,
      rehearsal: plan.rehearsal ?? null,
      execution: plan.execution,
      protectionChanges: plan.protectionChanges ?? null,
      skipped: plan.skipped ?? [],
      steps: plan.steps.map((s) => ({ index: s.index, description: s.description, unit: s.unit, transactional: s.transactional, locks: s.locks, sql: s.sql, hazards: s.hazards })),
    };
    if (flags['detailed-exitcode'] && !empty) this.finish(result, 2);
    return result;
  }
}
