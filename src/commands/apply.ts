import { Args, Flags } from '@oclif/core';
import { applyPlan, DEFAULT_LOCK_TIMEOUT } from '../apply/apply.js';
import { collectGarbage } from '../cli/memory.js';
import { BaseCommand } from '../cli/base-command.js';
import { stateDirFlag, writeSnapshotFile } from '../cli/snapshot-file.js';
import { executablePart, readPlanFile } from '../plan/plan-file.js';
import { formatPlanText } from '../plan/format-text.js';
import type { Plan } from '../plan/types.js';
import { ask, isInteractive } from '../cli/terminal.js';
import { SchemaformError } from '../errors.js';

export default class Apply extends BaseCommand {
  protected static override readsOnly = false;
  static override summary = 'Execute a saved plan, exactly as reviewed';
  static override description = `Refuses, changing nothing, when the plan was edited, was made for another database, is stale (the database changed since), or destroys data without --allow-destructive.
Holds an advisory lock for the whole apply: a second concurrent apply fails at once and names the holder.
Checks every statement with PostgreSQL's parser first and sends each one alone, so no statement can end the transaction.
All steps run in one transaction; each statement waits at most the lock timeout for a lock (and names who holds it when it gives up). On any error everything is rolled back, and the message says what PostgreSQL reports became of the transaction. Data that a step destroys is backed up first, and the resulting state is recorded as a snapshot in the database and under state/.`;
  static override examples = ['<%= config.bin %> apply plans/20261124T101500Z-a1b2c3.plan.json', '<%= config.bin %> apply PLAN --allow-destructive --lock-timeout 3s'];
  static override args = { plan: Args.string({ description: 'Plan file written by `schema plan` or `schema rollback`', required: true }) };
  static override flags = {
    ...BaseCommand.databaseFlags,
    'allow-destructive': Flags.boolean({ summary: 'Run data-loss steps (their data is backed up first).' }),
    'lock-timeout': Flags.string({ summary: 'Longest wait for a table lock per statement: also the longest that application queries queue behind the apply.', default: DEFAULT_LOCK_TIMEOUT }),
    'state-dir': stateDirFlag,
    'auto-approve': Flags.boolean({ summary: 'Apply without asking. At a terminal, apply shows the plan and asks for "yes" first; in CI and without a terminal it never asks.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Apply);
    const reviewed = await readPlanFile(args.plan);
    // The only gate a copied command line would otherwise skip: a person sees what runs, and says so.
    if (!flags['auto-approve'] && !this.jsonEnabled() && isInteractive()) await this.confirm(reviewed, args.plan);
    const plan = executablePart(reviewed);
    const db = await this.database(flags['database-url'], flags.embedded);
    const progress = await this.progress();
    const total = plan.steps.length;
    const result = await applyPlan(db, plan, {
      allowDestructive: flags['allow-destructive'],
      lockTimeout: flags['lock-timeout'],
      onPhase: (p) => {
        collectGarbage();
        progress.phase(p);
      },
      onStep: (e) => {
        if (e.type === 'start') progress.phase(`[${e.step.index}/${total}] ${e.step.description}`);
        else progress.succeed(`[${e.step.index}/${total}] ${e.step.description} (${(e.ms / 1000).toFixed(2)}s)`);
      },
    });
    collectGarbage();
    const stateFile = await writeSnapshotFile(flags['state-dir'], result.snapshot, plan.id);
    progress.succeed(`applied ${total} step(s)`);
    this.say(this.style.green(`Apply complete: ${total} step(s). Snapshot ${result.snapshot.id} recorded (${stateFile}).`)
      + (plan.kind === 'migrate' && total ? `\nTo undo: schema rollback, then schema apply the plan it writes.` : ''));
    return { planId: plan.id, snapshotId: result.snapshot.id, stateFile, steps: result.steps };
  }

  private async confirm(plan: Plan, path: string) {
    process.stderr.write(formatPlanText(plan, this.style));
    const answer = await ask(this.style.bold(`Apply ${path} to database "${plan.target.database}"? Only "yes" applies: `));
    if (answer.trim() !== 'yes') throw new SchemaformError('apply cancelled: nothing was changed', { hint: 'Answer "yes" to apply, or pass --auto-approve where no one is asked.' });
  }
}
