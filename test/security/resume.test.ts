import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlan, ApplyFailedError } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import type { Database } from '../../src/db/database.js';
import { writePlanFile } from '../../src/plan/plan-file.js';
import type { Plan } from '../../src/plan/types.js';
import { partialApplies, readJournal } from '../../src/state/journal.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { listSnapshots } from '../../src/state/store.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';
import { runCli, STACK_TRACE } from '../harness/cli.js';
import { januaryDetached, partitioned } from '../harness/partitioned.js';

/**
 * An online apply killed with SIGKILL at every unit boundary, inside every
 * unit, and in the middle of each concurrent index build, then applied
 * again: it finishes, the result is the planned schema (a replan is
 * empty), the backup of the dropped column is kept and recorded, and the
 * history holds exactly one snapshot of the plan. SCHEMAFORM_RESUME_POINTS
 * limits the points tried (all of them by default: each is a fresh
 * database and a child process).
 */
const driver = fileURLToPath(new URL('../harness/apply-driver.js', import.meta.url));

const base = `
schemas:
  public:
    tables:
      accounts:
        columns: { id: { type: bigint }, name: { type: text } }
        primaryKey: [id]
      events:
        columns: { id: { type: bigint }, account_id: { type: bigint }, note: { type: text }, legacy: { type: text } }
        primaryKey: [id]
`;
const wanted = `
schemas:
  public:
    tables:
      accounts:
        columns: { id: { type: bigint }, name: { type: text } }
        primaryKey: [id]
      events:
        columns: { id: { type: bigint }, account_id: { type: bigint }, note: { type: text, notNull: true } }
        primaryKey: [id]
        indexes:
          events_account_id_idx: { columns: [account_id] }
        unique:
          events_note_id_key: { columns: [note, id] }
        foreignKeys:
          events_account_id_fkey: { columns: [account_id], references: { table: accounts, columns: [id] } }
        checks:
          events_id_positive: { expression: "id > 0" }
`;

interface KillPoint { mode: 'after-unit' | 'in-step'; at: number }

function killPoints(plan: Plan): KillPoint[] {
  const units = [...new Set(plan.steps.map((s) => s.unit))];
  const firsts = units.map((u) => plan.steps.find((s) => s.unit === u)!.index);
  const all: KillPoint[] = [
    { mode: 'after-unit', at: 0 },
    ...units.map((at) => ({ mode: 'after-unit' as const, at })),
    ...firsts.map((at) => ({ mode: 'in-step' as const, at })),
  ];
  const limit = Number(process.env.SCHEMAFORM_RESUME_POINTS ?? all.length);
  // With a limit, the concurrent builds are kept: they are the interesting ones.
  return [...all].sort((a, b) => rank(plan, b) - rank(plan, a)).slice(0, limit);
}
const rank = (plan: Plan, p: KillPoint) => (p.mode === 'in-step' && !plan.steps[p.at - 1]!.transactional ? 1 : 0);

async function seed(db: Database) {
  await applyYaml(db, base);
  await db.exec(`INSERT INTO public.accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;
    INSERT INTO public.events SELECT g, g % 100 + 1, 'n' || g, 'old ' || g FROM generate_series(1, 5000) g; ANALYZE`);
}

/**
 * Run the driver until it kills itself; true if it did. For a concurrent
 * build, once the driver is at it, a session holding a snapshot makes the
 * build wait at its end, its index made and INVALID, while the driver dies.
 */
async function killedRun(url: string, file: string, point: KillPoint, concurrent: boolean, hold = 'SELECT 1'): Promise<boolean> {
  const holder = concurrent ? await connectServer(url) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'schemaform-handover-'));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [driver, url, file, point.mode, String(point.at), ...(concurrent ? [dir] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('exit', (c, signal) => (signal === 'SIGKILL' ? resolve(null) : c === 0 ? resolve(c) : reject(new Error(`driver exited ${c}: ${stderr}`))));
      if (holder) void handOver(dir, holder, hold).catch(reject);
    });
    await applyLockReleased(url);
    return code === null;
  } finally {
    await holder?.exec('ROLLBACK').catch(() => undefined);
    await holder?.close();
  }
}

/** Once the driver is at its concurrent step: a transaction that the step must wait for (a snapshot for an index build, a lock on the parent for a detach). */
async function handOver(dir: string, holder: Database, hold: string) {
  for (let i = 0; i < 1000 && !existsSync(join(dir, 'ready')); i++) await new Promise((r) => setTimeout(r, 10));
  await holder.exec(`BEGIN ISOLATION LEVEL REPEATABLE READ; ${hold}`);
  writeFileSync(join(dir, 'go'), '');
}

/** The killed apply's server session is gone once its advisory lock is (within a few seconds: the server checks the client every second). */
async function applyLockReleased(url: string) {
  const db = await connectServer(url);
  try {
    for (let i = 0; i < 100; i++) {
      const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 23630 AND objid = 1 AND granted");
      if (row!.n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the killed apply still holds its lock after 10 s');
  } finally {
    await db.close();
  }
}

describe('security: an online apply killed at any point resumes to the planned schema', function () {
  this.timeout(600_000);

  it('kill -9 at every unit boundary and inside every unit and concurrent build, then apply again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemaform-resume-'));
    const points = await withDatabase(async ({ db }) => {
      await seed(db);
      return killPoints(await planYaml(db, wanted, { allowDestructive: true }));
    });
    assert.ok(points.length >= Math.min(4, Number(process.env.SCHEMAFORM_RESUME_POINTS ?? 4)), `${points.length} kill points`);
    for (const point of points) {
      await withDatabase(async ({ db, url }) => {
        await seed(db);
        const plan = await planYaml(db, wanted, { allowDestructive: true });
        assert.equal(plan.execution, 'online');
        const file = join(dir, `${plan.id}.plan.json`);
        await writePlanFile(file, plan);
        const step = plan.steps[point.at - 1];
        const concurrent = point.mode === 'in-step' && step !== undefined && !step.transactional;
        const label = `${point.mode} ${point.at}`;
        process.stderr.write(`      kill point: ${label}\n`);
        assert.ok(await killedRun(url, file, point, concurrent), `${label}: the driver was not killed`);
        if (concurrent) {
          const [index] = await db.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('public.' || $1)", [(step!.change as { index: { name: string } }).index.name]);
          assert.equal(index?.valid, false, `${label}: the killed build left an INVALID index`);
        }
        const result = await applyPlan(db, plan, { allowDestructive: true });
        assert.ok(result.snapshot.id > 0);
        const replan = await planYaml(db, wanted);
        assert.deepEqual(replan.steps.map((s) => s.description), [], `${label}: replan after resume`);
        assert.equal((await listSnapshots(db)).filter((s) => s.planId === plan.id).length, 1, `${label}: one snapshot of the plan`);
        const backup = plan.steps.find((s) => s.backup)!.backup!;
        const [saved] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schemaform."${backup.relation}"`);
        assert.equal(saved!.n, 5000, `${label}: the dropped column's values are backed up`);
        const [recorded] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schemaform.backups WHERE relation = $1', [backup.relation]);
        assert.equal(recorded!.n, 1, `${label}: the backup is recorded for rollback`);
        const journal = await readJournal(db, plan.id);
        assert.ok(journal.entries.every((e) => e.state === 'done'), `${label}: every unit done`);
      });
    }
  });

  it('kill -9 while a concurrent detach waits leaves it pending; applying the plan again finishes it, with no check left behind', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'schemaform-resume-detach-'));
    await withDatabase(async ({ db, url }) => {
      const [server] = await db.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
      if (server!.v < 140000) return this.skip();
      await applyYaml(db, partitioned);
      await db.exec("INSERT INTO public.m SELECT g, date '2026-01-01' + (g % 59) FROM generate_series(1, 3000) g");
      const plan = await planYaml(db, januaryDetached);
      const detach = plan.steps.find((s) => s.change.kind === 'set-partition' && !s.transactional)!;
      assert.ok(detach, 'the detach runs concurrently');
      const file = join(dir, `${plan.id}.plan.json`);
      await writePlanFile(file, plan);
      assert.ok(await killedRun(url, file, { mode: 'in-step', at: detach.index }, true, 'SELECT count(*) FROM ONLY public.m'), 'the driver was killed');
      const [left] = await db.query<{ pending: boolean }>("SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = 'public.m_2026_01'::regclass");
      assert.equal(left?.pending, true, 'the killed detach is left pending');
      const journal = await readJournal(db, plan.id);
      assert.equal(journal.entries.find((e) => e.unit === detach.unit)?.state, 'started');
      const result = await applyPlan(db, plan);
      assert.ok((result.resumedAfter ?? 0) > 0);
      assert.deepEqual((await planYaml(db, januaryDetached)).steps.map((s) => s.description), [], 'replan after resume');
      assert.deepEqual(await db.query("SELECT conname FROM pg_constraint WHERE conrelid = 'public.m_2026_01'::regclass"), [], 'no check is left behind');
      assert.equal((await listSnapshots(db)).filter((s) => s.planId === plan.id).length, 1, 'one snapshot of the plan');
      assert.ok((await readJournal(db, plan.id)).entries.every((e) => e.state === 'done'));
    });
  });

  it('a unit that fails after others committed leaves a partial apply that names itself, refuses other plans, and resumes', async () => {
    await withDatabase(async ({ db }) => {
      await seed(db);
      await db.exec("UPDATE public.events SET note = NULL WHERE id = 7");
      const plan = await planYaml(db, wanted, { allowDestructive: true });
      await assert.rejects(applyPlan(db, plan, { allowDestructive: true }), (e: unknown) => {
        assert.ok(e instanceof ApplyFailedError, String(e));
        assert.equal(e.outcome, 'partial');
        assert.match(e.details.join('\n'), /Units 1–\d+ of \d+ .* committed/);
        assert.match(e.hint ?? '', /same plan/);
        return true;
      });
      const other = await planYaml(db, base.replace('name: { type: text }', 'name: { type: text }, extra: { type: text }'));
      await assert.rejects(applyPlan(db, other), /applied part-way/);
      await db.exec("UPDATE public.events SET note = 'fixed' WHERE id = 7");
      const result = await applyPlan(db, plan, { allowDestructive: true });
      assert.ok((result.resumedAfter ?? 0) > 0);
      assert.deepEqual((await planYaml(db, wanted)).steps, []);
    });
  });

  it('a first unit that fails changes nothing, and says so truthfully', async () => {
    await withDatabase(async ({ db }) => {
      await seed(db);
      await db.exec("UPDATE public.events SET note = 'dup' WHERE id IN (1, 2)");
      const plan = await planYaml(db, `${base}        unique: { events_note_key: { columns: [note] } }\n`);
      const before = await listSnapshots(db);
      assert.equal(plan.steps[0]!.transactional, false, 'the unique index is built first');
      await assert.rejects(applyPlan(db, plan, { allowDestructive: true }), (e: unknown) => {
        assert.ok(e instanceof ApplyFailedError, String(e));
        assert.equal(e.outcome, 'rolled-back');
        assert.match(e.details.join('\n'), /Everything was rolled back/);
        return true;
      });
      const [left] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'events_note_key'");
      assert.equal(left!.n, 0, 'the INVALID index the failed build left is removed');
      assert.deepEqual(await listSnapshots(db), before);
      assert.deepEqual((await readJournal(db, plan.id)).entries, []);
    });
  });
  it('schema rollback undoes a partial apply, restoring what its committed units destroyed', async () => {
    await withDatabase(async ({ db }) => {
      await seed(db);
      // The foreign key's validation, late in the plan, fails; the column drop before it has committed.
      await db.exec('UPDATE public.events SET account_id = 999 WHERE id = 3');
      const plan = await planYaml(db, wanted, { allowDestructive: true });
      await assert.rejects(applyPlan(db, plan, { allowDestructive: true }), (e: unknown) => e instanceof ApplyFailedError && e.outcome === 'partial');
      const [gone] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'legacy'");
      assert.equal(gone!.n, 0, 'the drop committed before the failure');
      const rollback = await planRollback(db);
      assert.equal(rollback.abandons, plan.id);
      await applyPlan(db, rollback);
      const [restored] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM public.events WHERE legacy = 'old ' || id");
      assert.equal(restored!.n, 5000, 'the dropped column is back with its values');
      assert.deepEqual(await partialApplies(db), [], 'the partial apply is no longer pending');
      assert.deepEqual((await planYaml(db, base)).steps.map((s) => s.description), []);
      // And the plan that failed is not resumed over the rollback: it is stale now.
      await assert.rejects(applyPlan(db, plan, { allowDestructive: true }), /applied part-way and then rolled back/);
    });
  });
  it('the CLI says the apply is partial, state list and state show name it unit by unit, and apply resumes it', async () => {
    await withDatabase(async ({ db, url }) => {
      await seed(db);
      await db.exec('UPDATE public.events SET note = NULL WHERE id = 7');
      const cwd = mkdtempSync(join(tmpdir(), 'schemaform-resume-cli-'));
      const plan = await planYaml(db, wanted, { allowDestructive: true });
      await writePlanFile(join(cwd, 'p.plan.json'), plan);
      const failed = await runCli(['apply', 'p.plan.json'], { cwd, databaseUrl: url });
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /this apply is partial/);
      assert.doesNotMatch(failed.stderr, STACK_TRACE);
      const list = await runCli(['state', 'list'], { cwd, databaseUrl: url });
      assert.match(list.stdout, new RegExp(`partial +${plan.id}`));
      const drift = await runCli(['drift'], { cwd, databaseUrl: url });
      assert.match(drift.stderr, new RegExp(`plan ${plan.id} was applied part-way .* apply it again to finish it`));
      const show = await runCli(['state', 'show', plan.id], { cwd, databaseUrl: url });
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /partial, stopped part-way/);
      assert.match(show.stdout, /unit 1 \(step 1\): committed/);
      await db.exec("UPDATE public.events SET note = 'fixed' WHERE id = 7");
      const resumed = await runCli(['apply', 'p.plan.json'], { cwd, databaseUrl: url });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, /Resumed after \d+ unit\(s\)/);
      assert.match(resumed.stderr, /done by the earlier, interrupted apply/);
      const after = await runCli(['state', 'show', plan.id], { cwd, databaseUrl: url });
      assert.match(after.stdout, /applied, snapshot \d+/);
    });
  });
});
