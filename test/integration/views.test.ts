import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  public:
    tables:
      orders:
        columns:
          id: { type: int }
          amount: { type: int, notNull: true }
          status: { type: text }
        primaryKey: [id]
    views:
      big_orders:
        query: select id, amount from orders where amount > 100
        comment: Orders worth a look
      big_order_count:
        query: SELECT count(*) AS n FROM big_orders
      totals:
        materialized: true
        query: "SELECT status, sum(amount) AS total FROM orders GROUP BY status"
        indexes:
          totals_status_idx: { columns: [status], unique: true }
`;

describe('views and materialized views', () => {
  it('create in dependency order, inspect back, and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, v1);
      const creates = plan.steps.filter((s) => s.change.kind === 'create-view').map((s) => s.object.name);
      assert.ok(creates.indexOf('big_orders') < creates.indexOf('big_order_count'), creates.join());
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /big_orders:\n\s+query:/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
      assert.equal(plan.unmanaged.length, 0);
    });
  });

  it('rebuilds the views over a column whose type changes, and rolls back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO orders VALUES (1, 500, 'paid'), (2, 50, 'paid'); REFRESH MATERIALIZED VIEW totals`);
      const v2 = v1.replace('amount: { type: int, notNull: true }', 'amount: { type: bigint, notNull: true }');
      const plan = await planYaml(db, v2);
      const kinds = plan.steps.map((s) => `${s.change.kind} ${s.object.name}`);
      const drops = kinds.filter((k) => k.startsWith('drop-view'));
      assert.deepEqual([...drops].sort(), ['drop-view big_order_count', 'drop-view big_orders', 'drop-view totals']);
      assert.ok(drops.indexOf('drop-view big_order_count') < drops.indexOf('drop-view big_orders'), 'dependents are dropped first');
      assert.ok(kinds.indexOf('alter-column orders') < kinds.indexOf('create-view big_orders'), kinds.join('\n'));
      await applyPlan(db, plan);
      assert.deepEqual(await db.query('SELECT n::int FROM big_order_count'), [{ n: 1 }]);
      assert.deepEqual(await db.query('SELECT total::int FROM totals'), [{ total: 550 }]);
      assert.equal((await planYaml(db, v2)).steps.length, 0);
      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.equal((await planYaml(db, v1)).steps.length, 0);
    });
  });
});

describe('view column comments', () => {
  const v1 = `
schemas:
  public:
    tables:
      orders:
        columns: { id: { type: bigint }, amount: { type: int } }
    views:
      big_orders:
        query: SELECT id, amount FROM orders WHERE amount > 100
        comment: Worth a look
        columnComments: { id: The order, amount: In cents }
`;
  const comments = (db: { query<T>(q: string): Promise<T[]> }) => db.query<{ column: string; comment: string | null }>(
    `SELECT a.attname AS column, col_description(a.attrelid, a.attnum) AS comment FROM pg_attribute a
     WHERE a.attrelid = 'big_orders'::regclass AND a.attnum > 0 ORDER BY a.attnum`);

  it('sets them, changes them in place, keeps them across a rebuild, and inspects them back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      assert.deepEqual(await comments(db), [{ column: 'id', comment: 'The order' }, { column: 'amount', comment: 'In cents' }]);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /columnComments:/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);

      const v2 = v1.replace('columnComments: { id: The order, amount: In cents }', 'columnComments: { amount: In euro cents }');
      const plan = await planYaml(db, v2);
      assert.deepEqual(plan.steps.map((s) => s.sql), [[
        `COMMENT ON COLUMN "public"."big_orders"."amount" IS 'In euro cents'`,
        `COMMENT ON COLUMN "public"."big_orders"."id" IS NULL`,
      ]]);
      await applyYaml(db, v2);
      assert.deepEqual(await comments(db), [{ column: 'id', comment: null }, { column: 'amount', comment: 'In euro cents' }]);

      const v3 = v2.replace('amount > 100', 'amount > 1000');
      await applyYaml(db, v3);
      assert.deepEqual(await comments(db), [{ column: 'id', comment: null }, { column: 'amount', comment: 'In euro cents' }]);
      assert.deepEqual((await planYaml(db, v3)).steps.map((s) => s.description), []);
    });
  });
});
