import assert from 'node:assert/strict';
import { applyPlan, ApplyFailedError } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import { PlanRefusedError } from '../../src/errors.js';
import { fingerprint } from '../../src/model/objects.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planIntact } from '../../src/plan/checksum.js';
import { readPlanFile, writePlanFile } from '../../src/plan/plan-file.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';
import { readFileSync, writeFileSync } from 'node:fs';

const base = `
schemas:
  public:
    tables:
      accounts:
        columns:
          id: { type: int }
          email: { type: text }
        primaryKey: [id]
`;
const withIndex = base + `        indexes:
          accounts_email_idx: { columns: [email], unique: true }
`;

const refusedFor = (reason: PlanRefusedError['reason']) => (e: unknown) => {
  assert.ok(e instanceof PlanRefusedError, `expected a refusal, got ${e}`);
  assert.equal(e.reason, reason, e.message);
  return true;
};

async function snapshotCount(db: { query: (sql: string) => Promise<Array<Record<string, unknown>>> }) {
  const [state] = await db.query(`SELECT to_regclass('schemaform.snapshots') IS NOT NULL AS present`);
  if (!state!.present) return 0;
  return (await db.query('SELECT count(*)::int AS n FROM schemaform.snapshots'))[0]!.n;
}

describe('apply refuses what it must not run', () => {
  it('refuses an edited plan file', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await planYaml(db, base);
      const file = writeTempYaml('', 'plan.json');
      await writePlanFile(file, plan);
      const text = readFileSync(file, 'utf8').replace('integer NOT NULL', 'bigint NOT NULL');
      assert.notEqual(text, readFileSync(file, 'utf8'), 'the edit must change something');
      writeFileSync(file, text);
      await assert.rejects(readPlanFile(file), refusedFor('edited'));
    });
  });

  it('refuses a plan made for another database', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await planYaml(db, base);
      await withDatabase(async ({ db: other }) => {
        await assert.rejects(applyPlan(other, plan), refusedFor('wrong-target'));
        assert.equal((await other.query(`SELECT to_regclass('public.accounts') AS t`))[0]!.t, null);
      });
    });
  });

  it('refuses a stale plan and names what changed', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await planYaml(db, base);
      await db.exec('CREATE TABLE public.intruder (x int)');
      await assert.rejects(applyPlan(db, plan), (e: unknown) => {
        refusedFor('stale')(e);
        assert.match((e as PlanRefusedError).details.join('\n'), /intruder/);
        return true;
      });
      assert.equal((await db.query(`SELECT to_regclass('public.accounts') AS t`))[0]!.t, null);
      assert.equal(await snapshotCount(db), 0);
    });
  });

  it('never runs two applies at once: the second fails at once naming the holder', async () => {
    await withDatabase(async ({ db, url }) => {
      const plan = await planYaml(db, base);
      const holder = await connectServer(url);
      try {
        await holder.query('SELECT pg_advisory_lock($1, $2)', [0x5c4e, 1]);
        await assert.rejects(applyPlan(db, plan), (e: unknown) => {
          refusedFor('locked')(e);
          assert.match((e as Error).message, /pid \d+/);
          return true;
        });
      } finally {
        await holder.close();
      }
      await applyPlan(db, plan);
    });
  });

  it('two concurrent applies of the same plan: exactly one succeeds', async () => {
    await withDatabase(async ({ url }) => {
      const a = await connectServer(url);
      const b = await connectServer(url);
      try {
        const plan = await planYaml(a, base);
        const results = await Promise.allSettled([applyPlan(a, plan), applyPlan(b, plan)]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
        const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.ok(failure.reason instanceof PlanRefusedError && ['locked', 'stale'].includes(failure.reason.reason), String(failure.reason));
        assert.equal(await snapshotCount(a), 2);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  it('a failing step leaves schema, data and state exactly as they were', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec(`INSERT INTO accounts VALUES (1, 'dup'), (2, 'dup'), (3, 'x')`);
      const before = fingerprint((await introspect(db, { schemas: ['public'] })).model);
      const snapshotsBefore = await snapshotCount(db);
      const plan = await planYaml(db, withIndex);
      await assert.rejects(applyPlan(db, plan), (e: unknown) => {
        assert.ok(e instanceof ApplyFailedError, String(e));
        assert.match(e.message, /accounts_email_idx/);
        assert.match(e.details.join('\n'), /rolled back/);
        return true;
      });
      assert.equal(fingerprint((await introspect(db, { schemas: ['public'] })).model), before);
      assert.equal(await snapshotCount(db), snapshotsBefore);
      assert.deepEqual(await db.query(`SELECT id, email FROM accounts ORDER BY id`), [{ id: 1, email: 'dup' }, { id: 2, email: 'dup' }, { id: 3, email: 'x' }]);
    });
  });

  it('detects an edit anywhere: steps, envelope or the desired model', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await planYaml(db, base);
      assert.ok(planIntact(plan));
      const copy = () => JSON.parse(JSON.stringify(plan)) as typeof plan;
      const editedSql = copy();
      editedSql.steps[0]!.sql[0] += ' -- harmless?';
      const editedModel = copy();
      editedModel.desired.model.schemas[0]!.tables[0]!.columns[0]!.type = 'bigint';
      const editedFlag = copy();
      editedFlag.allowDestructive = true;
      for (const edited of [editedSql, editedModel, editedFlag]) assert.equal(planIntact(edited), false);
    });
  });
});
