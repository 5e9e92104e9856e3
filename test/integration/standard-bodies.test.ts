import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

const schema = (amountType: string, withOrders = true) => `
schemas:
  public:
    functions:
      "double_it(x int)":
        returns: int
        language: sql
        volatility: immutable
        body: RETURN x * 2
${withOrders ? `      "order_total()":
        returns: bigint
        language: sql
        body: |
          BEGIN ATOMIC
            SELECT sum(amount) FROM orders WHERE amount > 0;
          END
      "add_order(a int)":
        kind: procedure
        language: sql
        body: BEGIN ATOMIC INSERT INTO orders (id, amount) VALUES (add_order.a, double_it(a)); END
    tables:
      orders:
        columns:
          id: { type: int }
          amount: { type: ${amountType}, notNull: true }
        primaryKey: [id]
        checks:
          positive: { expression: double_it(id) > 0 }
` : ''}`;

const descriptions = (plan: { steps: Array<{ description: string }> }) => plan.steps.map((s) => s.description);
const position = (plan: { steps: Array<{ description: string }> }, text: string) => {
  const i = plan.steps.findIndex((s) => s.description.includes(text));
  assert.ok(i >= 0, `no step "${text}" in:\n${descriptions(plan).join('\n')}`);
  return i;
};

/** RETURN … and BEGIN ATOMIC … END: parsed at creation, so they depend on the tables they read. */
describe('routines with SQL-standard bodies', () => {
  it('are created after the tables they read, spelled as PostgreSQL prints them, and inspect back', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, schema('int'));
      assert.ok(position(plan, 'create table public.orders') < position(plan, 'order_total'), descriptions(plan).join('\n'));
      // The check calls double_it(): that one needs nothing and goes first, as routines do.
      assert.ok(position(plan, 'double_it') < position(plan, 'create table public.orders'));
      assert.deepEqual(descriptions(await planYaml(db, schema('int'))), []);
      await db.exec('CALL add_order(5)');
      assert.deepEqual(await db.query('SELECT order_total()::int AS total, double_it(21) AS d'), [{ total: 10, d: 42 }]);
      const [{ body }] = await db.query<{ body: string }>(`SELECT pg_get_function_sqlbody('order_total'::regproc) AS body`) as [{ body: string }];
      assert.match(body, /^BEGIN ATOMIC/);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /BEGIN ATOMIC/);
      assert.match(yaml, /RETURN \(x \* 2\)/);
      assert.deepEqual(descriptions(await planYaml(db, yaml)), []);
    });
  });

  it('come off before a column they read is retyped and go back after, and roll back the same way', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, schema('int'));
      await db.exec('CALL add_order(7)');
      const plan = await applyYaml(db, schema('bigint'));
      const drop = position(plan, 'drop function public.order_total');
      const retype = position(plan, 'amount');
      const create = plan.steps.map((s) => s.description).lastIndexOf(plan.steps.filter((s) => s.description.includes('order_total')).at(-1)!.description);
      assert.ok(drop < retype && retype < create, descriptions(plan).join('\n'));
      assert.deepEqual(descriptions(await planYaml(db, schema('bigint'))), []);
      assert.deepEqual(await db.query(`SELECT format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount'`), [{ type: 'bigint' }]);

      // bigint back to int may not fit: a data-loss step, backed up first.
      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.deepEqual(descriptions(await planYaml(db, schema('int'))), []);
      assert.deepEqual(await db.query('SELECT order_total()::int AS total'), [{ total: 14 }]);
    });
  });

  it('are dropped before the table they read', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, schema('int'));
      const plan = await applyYaml(db, schema('int', false), { allowDestructive: true });
      assert.ok(position(plan, 'drop function public.order_total') < position(plan, 'drop table public.orders'), descriptions(plan).join('\n'));
      assert.ok(position(plan, 'drop procedure public.add_order') < position(plan, 'drop table public.orders'), descriptions(plan).join('\n'));
      assert.deepEqual(descriptions(await planYaml(db, schema('int', false))), []);
    });
  });
});
