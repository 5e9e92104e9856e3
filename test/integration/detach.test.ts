import assert from 'node:assert/strict';
import pg from 'pg';
import { applyPlan, ApplyFailedError } from '../../src/apply/apply.js';
import type { Database } from '../../src/db/database.js';
import { januaryDetached, partitioned } from '../harness/partitioned.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * DETACH PARTITION in an online plan: CONCURRENTLY where PostgreSQL allows
 * it (14+, no default partition), with a validated check matching the
 * bound around it so that PostgreSQL adds no check of its own; a detach
 * that an interrupted one left pending is seen as such and finished.
 * Each reaches the file: a replan is empty and no check is left behind.
 */
const attached = partitioned;
const detached = januaryDetached;

async function seed(db: Database) {
  await applyYaml(db, attached);
  await db.exec("INSERT INTO public.m SELECT g, date '2026-01-01' + (g % 59) FROM generate_series(1, 2000) g; ANALYZE public.m_2026_01");
}

/** Check constraints on a table, by name: PostgreSQL's own, if it added one, shows here. */
async function checksOn(db: Database, table: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>("SELECT conname AS name FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c' ORDER BY 1", [`public.${table}`]);
  return rows.map((r) => r.name);
}

/** Leave m_2026_01's detach pending, as an interrupted DETACH ... CONCURRENTLY does: a session that uses m makes it wait, and a lock timeout stops it. */
async function leavePending(db: Database, url: string) {
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  try {
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.query('SELECT count(*) FROM public.m');
    await db.exec("SET lock_timeout = '200ms'");
    await assert.rejects(db.exec('ALTER TABLE public.m DETACH PARTITION public.m_2026_01 CONCURRENTLY'), /lock timeout/);
    await db.exec('RESET lock_timeout');
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
  const [row] = await db.query<{ pending: boolean }>("SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = 'public.m_2026_01'::regclass");
  assert.equal(row?.pending, true, 'the detach is pending');
}

describe('online detach', function () {
  this.timeout(120_000);
  before(async function () {
    const version = await withDatabase(async ({ db }) => (await db.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v"))[0]!.v);
    if (version < 140000) this.skip();
  });

  it('a partition with rows is detached concurrently, inside a validated check, while writes to the parent go on', async () => {
    await withDatabase(async ({ db, url }) => {
      await seed(db);
      const plan = await planYaml(db, detached);
      assert.deepEqual(plan.steps.map((s) => s.change.kind), ['add-constraint', 'validate-constraint', 'set-partition', 'drop-constraint']);
      const detach = plan.steps[2]!;
      assert.equal(detach.transactional, false);
      assert.deepEqual(detach.sql, ['ALTER TABLE "public"."m" DETACH PARTITION "public"."m_2026_01" CONCURRENTLY']);
      assert.match(detach.description, /detach table public\.m_2026_01 from public\.m concurrently/);
      assert.deepEqual(detach.locks, [{ relation: 'public.m', mode: 'SHARE UPDATE EXCLUSIVE' }, { relation: 'public.m_2026_01', mode: 'ACCESS EXCLUSIVE' }]);
      assert.ok(detach.hazards.some((h) => h.code === 'non-transactional' && /reads and writes to public\.m go on/.test(h.message)), JSON.stringify(detach.hazards));

      // A reader holds m open (only m: the steps before the detach lock the partition itself): the detach waits for it, and meanwhile writes to m go through.
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await holder.query('SELECT count(*) FROM ONLY public.m');
      const applying = applyPlan(db, plan, { lockTimeout: '30s' });
      const writer = new pg.Client({ connectionString: url });
      await writer.connect();
      try {
        await waitFor(async () => (await writer.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%DETACH PARTITION%CONCURRENTLY%' AND wait_event_type = 'Lock'")).rows[0].n === 1);
        await writer.query("SET statement_timeout = '2s'");
        await writer.query("INSERT INTO public.m VALUES (9001, '2026-02-10')");
        await writer.query('SELECT count(*) FROM public.m');
      } finally {
        await writer.end();
        await holder.query('COMMIT');
        await holder.end();
      }
      await applying;
      assert.deepEqual(await checksOn(db, 'm_2026_01'), [], 'neither schemaform\'s check nor one of PostgreSQL\'s is left');
      assert.deepEqual((await planYaml(db, detached)).steps, []);
      const [rows] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.m_2026_01');
      assert.ok(rows!.n > 0, 'the detached table keeps its rows');
    });
  });

  it('a detach stopped by the lock timeout while it waits is retried from where it was left (pending), and reported truthfully once the budget is spent', async () => {
    for (const budget of ['30s', '0']) {
      await withDatabase(async ({ db, url }) => {
        await seed(db);
        const plan = await planYaml(db, detached);
        const holder = new pg.Client({ connectionString: url });
        await holder.connect();
        await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await holder.query('SELECT count(*) FROM ONLY public.m');
        const release = setTimeout(() => void holder.query('COMMIT'), 2500);
        const retries: string[] = [];
        try {
          const applying = applyPlan(db, plan, { lockTimeout: '300ms', retryBudget: budget, onRetry: (unit, e) => retries.push(`${unit}: ${e.error.message}`) });
          if (budget === '0') {
            await assert.rejects(applying, (e: unknown) => {
              assert.ok(e instanceof ApplyFailedError, String(e));
              assert.equal(e.outcome, 'partial', 'a pending detach is not "rolled back"');
              assert.match(e.details.join('\n'), /may have left part of its work/);
              return true;
            });
          } else {
            await applying;
          }
        } finally {
          clearTimeout(release);
          await holder.query('COMMIT').catch(() => undefined);
          await holder.end();
        }
        const [state] = await db.query<{ pending: boolean }>("SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = 'public.m_2026_01'::regclass");
        if (budget === '0') {
          assert.equal(state?.pending, true, 'left pending');
          await applyPlan(db, plan);
        } else {
          assert.ok(retries.length > 0, 'the detach waited past the lock timeout and was retried');
          assert.equal(state, undefined, 'detached');
        }
        assert.deepEqual((await planYaml(db, detached)).steps, []);
        assert.deepEqual(await checksOn(db, 'm_2026_01'), []);
      });
    }
  });

  it('keeps the plain DETACH where PostgreSQL refuses CONCURRENTLY (a default partition) or the bound gives no check (HASH)', async () => {
    await withDatabase(async ({ db }) => {
      const withDefault = `${attached}      m_other:\n        partitionOf: { table: m, bound: DEFAULT }\n      h:\n        columns: { id: { type: integer } }\n        partitionBy: HASH (id)\n      h0:\n        partitionOf: { table: h, bound: "WITH (modulus 1, remainder 0)" }\n`;
      await applyYaml(db, withDefault);
      await db.exec("INSERT INTO public.m SELECT g, date '2026-01-01' + (g % 90) FROM generate_series(1, 500) g; INSERT INTO public.h SELECT generate_series(1, 50)");
      const wanted = withDefault
        .replace("      m_2026_01:\n        partitionOf: { table: m, bound: \"FROM ('2026-01-01') TO ('2026-02-01')\" }\n", '      m_2026_01:\n        columns: { id: { type: integer }, day: { type: date } }\n')
        .replace('      h0:\n        partitionOf: { table: h, bound: "WITH (modulus 1, remainder 0)" }\n', '      h0:\n        columns: { id: { type: integer } }\n');
      const plan = await planYaml(db, wanted);
      assert.deepEqual(plan.steps.map((s) => s.change.kind), ['set-partition', 'set-partition']);
      for (const step of plan.steps) {
        assert.equal(step.transactional, true);
        assert.doesNotMatch(step.sql.join('\n'), /CONCURRENTLY/);
        assert.ok(step.hazards.some((h) => h.code === 'blocking-lock' && h.severity === 'medium'));
      }
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, wanted)).steps, []);
    });
  });

  it('a detach left pending is not taken for an attached partition: the plan finishes it, or finishes it and attaches again', async () => {
    for (const wanted of [detached, attached]) {
      await withDatabase(async ({ db, url }) => {
        await seed(db);
        await leavePending(db, url);
        const plan = await planYaml(db, wanted);
        const finish = plan.steps.find((s) => s.change.kind === 'set-partition')!;
        assert.ok(finish, 'a pending detach is a change, not an attached partition');
        assert.match(finish.sql[0]!, /^ALTER TABLE "public"\."m" DETACH PARTITION "public"\."m_2026_01" FINALIZE$/);
        assert.match(plan.steps.map((s) => s.description).join('\n'), /an interrupted concurrent detach left it pending/);
        assert.ok(finish.hazards.some((h) => /left pending by an interrupted DETACH/.test(h.message)), JSON.stringify(finish.hazards));
        // FINALIZE may run in a transaction block: the attach after it is then undone with it if it fails.
        assert.equal(finish.transactional, true, 'finishing the detach is transactional');
        if (wanted === attached) assert.match(finish.sql[1]!, /ATTACH PARTITION "public"\."m_2026_01" FOR VALUES FROM \('2026-01-01'\) TO \('2026-02-01'\)/);
        await applyPlan(db, plan);
        assert.deepEqual((await planYaml(db, wanted)).steps, [], wanted === attached ? 'attached again' : 'detached');
        assert.deepEqual(await checksOn(db, 'm_2026_01'), []);
      });
    }
  });
});

async function waitFor(condition: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting');
}
