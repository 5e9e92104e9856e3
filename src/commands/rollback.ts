import { Flags } from '@oclif/core';
import { executionFlag } from '../cli/planning.js';
import { join } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { collectGarbage } from '../cli/memory.js';
import { formatPlanText } from '../plan/format-text.js';
import { writePlanFile } from '../plan/plan-file.js';
import { planRollback } from '../rollback/rollback.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Plan the way back to an earlier snapshot';
  static override description = 'Writes a plan that returns the schema to the snapshot and restores rows and values that later applies backed up before destroying them. Run it with `schema apply`. Needs only the database URL: history and backups live in the database.';
  static override examples = ['<%= config.bin %> rollback', '<%= config.bin %> rollback --to 3 -o plans/undo.plan.json'];
  static override flags = {
    ...BaseCommand.databaseFlags,
    ...executionFlag,
    to: Flags.integer({ summary: 'Snapshot id to return to. Default: the one before the latest apply.' }),
    output: Flags.string({ char: 'o', summary: 'Plan file to write. Default: plans/<id>.rollback.plan.json' }),
    'keep-newer': Flags.boolean({ summary: 'Keep values written after the apply that backed them up, instead of overwriting them with the backup.' }),
  };

  async run() {
    const { flags } = await this.parse(Rollback);
    const db = await this.database(flags);
    const progress = await this.progress();
    const plan = await planRollback(db, {
      to: flags.to,
      keepNewer: flags['keep-newer'],
      execution: flags.atomic ? 'atomic' : 'online',
      onPhase: (p) => {
        collectGarbage();
        progress.phase(p);
      },
    });
    collectGarbage();
    const path = flags.output ?? join('plans', `${plan.id}.rollback.plan.json`);
    await writePlanFile(path, plan);
    progress.succeed(`planned ${plan.steps.length} step(s)`);
    this.say(formatPlanText(plan, this.style, { planPath: path }));
    return { planFile: path, id: plan.id, rollbackTo: plan.rollbackTo, steps: plan.steps.map((s) => ({ index: s.index, description: s.description, hazards: s.hazards })) };
  }
}
