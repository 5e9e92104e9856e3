import { Args, Flags } from '@oclif/core';
import { applyPlan, DEFAULT_BRIEF_TIMEOUT, DEFAULT_BUILD_MEMORY, DEFAULT_BUILD_WORKERS, DEFAULT_LOCK_TIMEOUT, DEFAULT_RETRY_BUDGET } from '../apply/apply.js';
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
An online plan (the default) runs in execution units: short transactions, with concurrent index builds between them, each recorded in the apply journal as it commits. A plan that stops part-way (an error, a crash, a lost connection) is resumed by applying it again: what the journal records as done is checked and skipped, an INVALID index an interrupted build left is removed and built again. An atomic plan (\`schema plan --atomic\`) runs in one transaction and is rolled back whole on any error.
Each statement waits at most the lock timeout for a lock; a unit that gives up is rolled back and retried after a growing, jittered pause until the retry budget is spent, and the message then names who holds the lock. Data that a step destroys is backed up in the same unit, and the resulting state is recorded as a snapshot in the database and under state/.`;
  static override examples = ['<%= config.bin %> apply plans/20261124T101500Z-a1b2c3.plan.json', '<%= config.bin %> apply PLAN --allow-destructive --lock-timeout 3s'];
  static override args = { plan: Args.string({ description: 'Plan file written by `schema plan` or `schema rollback`', required: true }) };
  static override flags = {
    ...BaseCommand.databaseFlags,
    'allow-destructive': Flags.boolean({ summary: 'Run data-loss steps (their data is backed up first).' }),
    'lock-timeout': Flags.string({ summary: `Longest wait for a table lock per statement: also the longest that application queries queue behind the apply. Default: the environment's lockTimeout, else ${DEFAULT_LOCK_TIMEOUT}.` }),
    'retry-budget': Flags.string({ summary: `How long, in all, a unit that times out waiting for a lock is retried (0: not at all). Default: the environment's retryBudget, else ${DEFAULT_RETRY_BUDGET}.` }),
    'brief-timeout': Flags.string({ summary: `Longest a step meant to change only the catalog (an added column, a rename) may run while it blocks writes; past it, its unit is rolled back. Default: ${DEFAULT_BRIEF_TIMEOUT}.` }),
    'build-memory': Flags.string({ summary: `maintenance_work_mem of a concurrent index build: auto (from the table's row estimate, at least the server's setting, at most 1GB), server, or a size such as 2GB. Default: ${DEFAULT_BUILD_MEMORY}.` }),
    'build-workers': Flags.string({ summary: `Parallel workers of a concurrent index build: a number (0: it leaves the other cores to the application), or server (its max_parallel_maintenance_workers). Default: ${DEFAULT_BUILD_WORKERS}.` }),
    'state-dir': stateDirFlag,
    'auto-approve': Flags.boolean({ summary: 'Apply without asking. At a terminal, apply shows the plan and asks for "yes" first; in CI and without a terminal it never asks.' }),
  };

  async run() {
    const { args, flags } = await this.parse(Apply);
    const reviewed = await readPlanFile(args.plan);
    // The only gate a copied command line would otherwise skip: a person sees what runs, and says so.
    if (!flags['auto-approve'] && !this.jsonEnabled() && isInteractive()) await this.confirm(reviewed, args.plan);
    const plan = executablePart(reviewed);
    const db = await this.database(flags);
    const progress = await this.progress();
    const total = plan.steps.length;
    const result = await applyPlan(db, plan, {
      allowDestructive: flags['allow-destructive'],
      lockTimeout: await this.setting(flags['lock-timeout'], 'lockTimeout', DEFAULT_LOCK_TIMEOUT),
      retryBudget: await this.setting(flags['retry-budget'], 'retryBudget', DEFAULT_RETRY_BUDGET),
      briefTimeout: flags['brief-timeout'],
      buildMemory: flags['build-memory'],
      buildWorkers: flags['build-workers'],
      onPhase: (p) => {
        collectGarbage();
        progress.phase(p);
      },
      onNotice: (message) => process.stderr.write(`${this.style.yellow('warning:')} ${message}\n`),
      onRetry: (unit, e) => {
        progress.fail(`unit ${unit}: ${e.error.message}; retrying in ${(e.delayMs / 1000).toFixed(1)}s (attempt ${e.attempt + 1}, ${Math.round(e.remainingMs / 1000)}s of the retry budget left)`);
        for (const b of e.blockers.slice(0, 3)) progress.fail(`  blocked by ${b}`);
      },
      onStep: (e) => {
        const label = `[${e.step.index}/${total}] ${e.step.description}`;
        if (e.type === 'start') progress.phase(label);
        else if (e.type === 'skipped') progress.succeed(`${label} (done by the earlier, interrupted apply)`);
        else progress.succeed(`${label} (${(e.ms / 1000).toFixed(2)}s)`);
      },
    });
    collectGarbage();
    const stateFile = await writeSnapshotFile(flags['state-dir'], result.snapshot, plan.id);
    progress.succeed(`applied ${total} step(s)`);
    const resumed = result.resumedAfter ? ` Resumed after ${result.resumedAfter} unit(s) an earlier apply had committed.` : '';
    this.say(this.style.green(`Apply complete: ${total} step(s).${resumed} Snapshot ${result.snapshot.id} recorded (${stateFile}).`)
      + (plan.kind === 'migrate' && total ? `\nTo undo: schema rollback, then schema apply the plan it writes.` : ''));
    return { planId: plan.id, snapshotId: result.snapshot.id, stateFile, steps: result.steps, resumedAfterUnits: result.resumedAfter ?? 0 };
  }

  private async confirm(plan: Plan, path: string) {
    process.stderr.write(formatPlanText(plan, this.style));
    const answer = await ask(this.style.bold(`Apply ${path} to database "${plan.target.database}"? Only "yes" applies: `));
    if (answer.trim() !== 'yes') throw new SchemaformError('apply cancelled: nothing was changed', { hint: 'Answer "yes" to apply, or pass --auto-approve where no one is asked.' });
  }
}
