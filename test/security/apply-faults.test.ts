import assert from 'node:assert/strict';
import { applyPlan, ApplyFailedError, CommitInDoubtError } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import { PlanRefusedError, SchemaFileError } from '../../src/errors.js';
import { planChecksum } from '../../src/plan/checksum.js';
import type { Plan } from '../../src/plan/types.js';
import { listSnapshots } from '../../src/state/store.js';
import { serverUrl } from '../harness/root-hooks.js';
import { startCuttingProxy } from '../harness/proxy.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';
import { runCli } from '../harness/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What apply promises when something goes wrong: a step can never end the
 * transaction, "rolled back" is said only when PostgreSQL says so, a commit
 * whose answer was lost is reported as in doubt (and the next apply knows),
 * and a lock wait is bounded and names who holds the lock.
 */
const base = `
schemas:
  public:
    tables:
      keep:
        columns: { id: { type: integer } }
        primaryKey: [id]
      t:
        columns: { id: { type: integer }, a: { type: text } }
        primaryKey: [id]
`;
const withColumn = base.replace('a: { type: text } }', "a: { type: text }, b: { type: text, default: \"'b'\" } }");

/** A plan edited by hand, its checksum recomputed: the checksum alone does not protect against this. */
function edited(plan: Plan, edit: (p: Plan) => void): Plan {
  const copy = JSON.parse(JSON.stringify(plan)) as Plan;
  edit(copy);
  copy.checksum = planChecksum(copy);
  return copy;
}

async function keepRows(db: { query: <T>(sql: string) => Promise<T[]> }) {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.keep');
  return row!.n;
}

describe('security: apply never half-commits, and says what became of it', function () {
  this.timeout(120_000);

  it('refuses a schema file whose default would end the transaction (the statement breakout of the report)', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await assert.rejects(planYaml(db, withColumn.replace("\"'b'\"", "\"'b'; COMMIT; DROP TABLE public.keep; SELECT 1\"")), SchemaFileError);
    });
  });

  it('refuses, changing nothing, a plan edited to hold COMMIT, two statements, or a step outside the transaction', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec('INSERT INTO public.keep SELECT g FROM generate_series(1, 100) g');
      const plan = await planYaml(db, withColumn);
      const snapshots = (await listSnapshots(db)).length;
      const hostile = [
        edited(plan, (p) => { p.steps[0]!.sql.splice(0, 0, 'COMMIT'); }),
        edited(plan, (p) => { p.steps[0]!.sql[0] += "; COMMIT; DROP TABLE public.keep; SELECT 1"; }),
        edited(plan, (p) => { p.steps[0]!.sql.push('DROP TABLE public.keep; SELECT 1'); }),
        edited(plan, (p) => { for (const s of p.steps) s.transactional = false; }),
      ];
      for (const p of hostile) {
        await assert.rejects(applyPlan(db, p, { allowDestructive: true }), (e: unknown) => {
          assert.ok(e instanceof PlanRefusedError && e.reason === 'invalid', String(e));
          assert.match(e.message, /Nothing was changed/);
          return true;
        });
        assert.equal(await keepRows(db), 100);
        assert.equal((await listSnapshots(db)).length, snapshots);
      }
      // The plan as written still applies.
      await applyPlan(db, plan);
      assert.equal(await keepRows(db), 100);
    });
  });

  it('says "rolled back" only after PostgreSQL reports the transaction aborted', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t VALUES (1, 'dup'), (2, 'dup')");
      const unique = await planYaml(db, `${base}        unique: { t_a_key: { columns: [a] } }\n`);
      await assert.rejects(applyPlan(db, unique), (e: unknown) => {
        assert.ok(e instanceof ApplyFailedError, String(e));
        assert.equal(e.outcome, 'rolled-back');
        assert.match(e.details.join('\n'), /Everything was rolled back/);
        return true;
      });
      assert.equal((await listSnapshots(db)).length, 2);
    });
  });

  it('reports a lost connection before COMMIT as not committed, and nothing is', async () => {
    await withDatabase(async ({ db, name }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn);
      const proxy = await startCuttingProxy(serverUrl(), (sql) => /ADD COLUMN/.test(sql));
      const cut = await connectServer(proxy.url(name));
      try {
        await assert.rejects(applyPlan(cut, plan), (e: unknown) => {
          assert.ok(e instanceof ApplyFailedError, String(e));
          assert.equal(e.outcome, 'not-committed');
          assert.match(e.details.join('\n'), /nothing was committed/);
          return true;
        });
      } finally {
        await cut.close().catch(() => undefined);
        await proxy.close();
      }
      const [column] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 't' AND column_name = 'b'");
      assert.equal(column!.n, 0);
      await applyPlan(db, plan);
    });
  });

  it('reports a commit whose answer was lost as in doubt; the next apply of the plan says it was applied', async () => {
    await withDatabase(async ({ db, name }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn, { execution: 'atomic' });
      const proxy = await startCuttingProxy(serverUrl(), (sql) => sql.trim() === 'COMMIT');
      const cut = await connectServer(proxy.url(name));
      try {
        await assert.rejects(applyPlan(cut, plan), (e: unknown) => {
          assert.ok(e instanceof CommitInDoubtError, String(e));
          assert.match(e.hint ?? '', /schema state list/);
          return true;
        });
      } finally {
        await cut.close().catch(() => undefined);
        await proxy.close();
      }
      // It did commit: the snapshot is there, and applying again is refused as already applied.
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok((await listSnapshots(db)).some((s) => s.planId === plan.id));
      await assert.rejects(applyPlan(db, plan), (e: unknown) => e instanceof PlanRefusedError && e.reason === 'applied' && /already applied/.test(e.message));
    });
  });

  it('waits at most the lock timeout for a lock, and names the session holding it', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn);
      const holder = await connectServer(url);
      try {
        await holder.exec("SET application_name = 'long report'; BEGIN; LOCK TABLE public.t IN ACCESS SHARE MODE");
        const [{ pid }] = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid') as [{ pid: number }];
        const started = performance.now();
        await assert.rejects(applyPlan(db, plan, { lockTimeout: '300ms', retryBudget: '0' }), (e: unknown) => {
          assert.ok(e instanceof ApplyFailedError, String(e));
          assert.equal(e.outcome, 'rolled-back');
          const details = e.details.join('\n');
          assert.match(details, new RegExp(`blocked by session ${pid} \\(long report`));
          assert.match(details, /AccessShareLock on public\.t/);
          return true;
        });
        assert.ok(performance.now() - started < 5_000, `the apply waited ${Math.round(performance.now() - started)} ms`);
      } finally {
        await holder.exec('ROLLBACK').catch(() => undefined);
        await holder.close();
      }
      await applyPlan(db, plan);
    });
  });

  it('plan, drift and state list wait at most a few seconds behind a lock, and name who holds it', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, base);
      const cwd = mkdtempSync(join(tmpdir(), 'schemaform-lock-'));
      writeFileSync(join(cwd, 'schema.yaml'), base);
      const holder = await connectServer(url);
      try {
        // Every command reads the state history; a session holding it (or any table) exclusively used to stall them all.
        await holder.exec("SET application_name = 'migration by hand'; BEGIN; LOCK TABLE schemaform.snapshots IN ACCESS EXCLUSIVE MODE");
        for (const command of [['plan'], ['drift'], ['state', 'list']]) {
          const started = performance.now();
          const r = await runCli([...command, '--database-url', url], { cwd });
          const ms = performance.now() - started;
          const stderr = r.stderr.replace(/\s*\n ›\s+/g, ' ');
          assert.equal(r.code, 1, `${command.join(' ')}: ${r.stdout}${r.stderr}`);
          assert.match(stderr, /waited longer than 5s for a lock/);
          assert.match(stderr, /blocked by session \d+ \(migration by hand/);
          assert.match(stderr, /AccessExclusiveLock on schemaform\.snapshots/);
          assert.ok(ms < 15_000, `${command.join(' ')} took ${Math.round(ms)} ms`);
        }
        // The whole command is bounded too, not only each statement.
        const started = performance.now();
        const bounded = await runCli(['plan', '--database-url', url], { cwd, env: { SCHEMAFORM_COMMAND_TIMEOUT: '2s' } });
        assert.equal(bounded.code, 1);
        assert.match(bounded.stderr.replace(/\s*\n ›\s+/g, ' '), /stopped after 2s, the longest a command that only reads the database may take/);
        assert.ok(performance.now() - started < 4_500, `plan took ${Math.round(performance.now() - started)} ms under a 2 s limit`);
      } finally {
        await holder.exec('ROLLBACK').catch(() => undefined);
        await holder.close();
      }
    });
  });
  it('online: a unit whose COMMIT answer was lost is in doubt; applying the plan again finishes it, recording one apply', async () => {
    await withDatabase(async ({ db, name }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn);
      assert.equal(plan.execution, 'online');
      // The first COMMIT ends the transaction that records the start; the second, the first unit.
      let commits = 0;
      const proxy = await startCuttingProxy(serverUrl(), (sql) => sql.trim() === 'COMMIT' && ++commits === 2);
      const cut = await connectServer(proxy.url(name));
      try {
        await assert.rejects(applyPlan(cut, plan), (e: unknown) => e instanceof CommitInDoubtError);
      } finally {
        await cut.close().catch(() => undefined);
        await proxy.close();
      }
      await new Promise((r) => setTimeout(r, 1500));
      const result = await applyPlan(db, plan);
      assert.equal(result.resumedAfter, 1, 'the unit committed; it is not run twice');
      assert.equal((await listSnapshots(db)).filter((s) => s.planId === plan.id).length, 1);
    });
  });

  it('retries a unit behind a lock with pauses, never holding others up longer than the lock timeout, and applies once the holder ends', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, base);
      await db.exec('INSERT INTO public.t SELECT g, NULL FROM generate_series(1, 100) g');
      const plan = await planYaml(db, withColumn);
      const holder = await connectServer(url);
      const writer = await connectServer(url);
      const retries: number[] = [];
      try {
        await holder.exec("SET application_name = 'long report'; BEGIN; LOCK TABLE public.t IN ACCESS SHARE MODE");
        const applying = applyPlan(db, plan, { lockTimeout: '200ms', retryBudget: '30s', onRetry: (_unit, e) => retries.push(e.attempt) });
        // While the apply waits for its ACCESS EXCLUSIVE lock, a writer queues behind it: for at most the lock timeout each time.
        let worst = 0;
        const until = performance.now() + 2_500;
        while (performance.now() < until) {
          const started = performance.now();
          await writer.exec('UPDATE public.t SET a = a WHERE id = 1');
          worst = Math.max(worst, performance.now() - started);
        }
        await holder.exec('ROLLBACK');
        await applying;
        assert.ok(retries.length >= 2, `retried ${retries.length} time(s)`);
        assert.ok(worst < 1_000, `a write waited ${Math.round(worst)} ms behind the apply`);
      } finally {
        await holder.exec('ROLLBACK').catch(() => undefined);
        await holder.close();
        await writer.close();
      }
      assert.deepEqual((await planYaml(db, withColumn)).steps, []);
    });
  });

  it('stops cleanly when the retry budget is spent, changing nothing', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn);
      const snapshots = (await listSnapshots(db)).length;
      const holder = await connectServer(url);
      try {
        await holder.exec('BEGIN; LOCK TABLE public.t IN ACCESS SHARE MODE');
        const started = performance.now();
        await assert.rejects(applyPlan(db, plan, { lockTimeout: '100ms', retryBudget: '1s' }), (e: unknown) => {
          assert.ok(e instanceof ApplyFailedError, String(e));
          assert.equal(e.outcome, 'rolled-back');
          assert.match(e.details.join('\n'), /blocked by session/);
          return true;
        });
        assert.ok(performance.now() - started < 5_000);
      } finally {
        await holder.exec('ROLLBACK').catch(() => undefined);
        await holder.close();
      }
      assert.equal((await listSnapshots(db)).length, snapshots);
      await applyPlan(db, plan);
    });
  });

  it('stops a step meant to be brief that holds a write-blocking lock past the brief-step timeout, changing nothing', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, withColumn);
      const snapshots = (await listSnapshots(db)).length;
      // Something makes a catalog-only ALTER TABLE slow: an event trigger, outside the managed schemas.
      await db.exec(`CREATE SCHEMA hooks;
        CREATE FUNCTION hooks.slow() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); END $$;
        CREATE EVENT TRIGGER slow_alter ON ddl_command_end WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION hooks.slow()`);
      try {
        await assert.rejects(applyPlan(db, plan, { briefTimeout: '300ms', retryBudget: '0' }), (e: unknown) => {
          assert.ok(e instanceof ApplyFailedError, String(e));
          assert.match(e.message, /ran longer than the brief-step timeout \(300ms\) while holding ACCESS EXCLUSIVE on public\.t, so it was stopped/);
          assert.equal(e.outcome, 'rolled-back');
          assert.match(e.hint ?? '', /--brief-timeout/);
          return true;
        });
        assert.equal((await listSnapshots(db)).length, snapshots);
        assert.deepEqual((await planYaml(db, withColumn)).steps.map((s) => s.description), plan.steps.map((s) => s.description), 'nothing was changed');
        // The default leaves it seconds: the same plan applies.
        await applyPlan(db, plan);
      } finally {
        await db.exec('DROP EVENT TRIGGER IF EXISTS slow_alter');
      }
      assert.deepEqual((await planYaml(db, withColumn)).steps, []);
    });
  });
});
