import assert from 'node:assert/strict';
import { introspect } from '../../src/introspect/introspect.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  public:
    functions:
      "add_tax(amount int, rate numeric DEFAULT 0.2)":
        returns: numeric
        language: sql
        volatility: immutable
        strict: true
        body: SELECT amount * (1 + rate)
        comment: Gross from net
      "touch()":
        returns: trigger
        language: plpgsql
        settings: { search_path: "public, pg_temp" }
        body: |
          BEGIN
            NEW.updated_at := now();
            RETURN NEW;
          END;
      "log_it(msg text)":
        kind: procedure
        language: plpgsql
        body: BEGIN RAISE NOTICE '%', msg; END
    tables:
      prices:
        columns:
          id: { type: int }
          net: { type: int, notNull: true }
          gross: { type: numeric, generated: "add_tax(net)" }
        primaryKey: [id]
`;

describe('functions and procedures', () => {
  it('create before the tables that use them, inspect back, and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, v1);
      const order = stepKinds(plan);
      assert.ok(order.indexOf('create-function') < order.indexOf('create-table'), order.join());
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      await db.exec('INSERT INTO prices (id, net) VALUES (1, 100)');
      assert.deepEqual(await db.query('SELECT gross::text FROM prices'), [{ gross: '120.0' }]);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /add_tax\(amount integer, rate numeric DEFAULT 0\.2\):/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
    });
  });

  it('takes a default off a routine being rebuilt and puts it back, both ways', async () => {
    await withDatabase(async ({ db }) => {
      const withDefault = `
schemas:
  public:
    functions:
      "next_code()":
        returns: integer
        language: sql
        body: SELECT 7
    tables:
      tickets:
        columns:
          id: { type: int }
          code: { type: bigint, default: next_code() }
`;
      await applyYaml(db, withDefault);
      const wider = withDefault.replace('returns: integer', 'returns: bigint');
      const plan = await planYaml(db, wider);
      assert.deepEqual(plan.steps.map((s) => s.description), [
        'alter column code of table public.tickets (default)',
        'drop function public.next_code() (created again below)',
        'create function public.next_code()',
        'alter column code of table public.tickets (default)',
      ]);
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, plan);
      await db.exec('INSERT INTO tickets (id) VALUES (1)');
      assert.deepEqual(await db.query('SELECT code::int FROM tickets'), [{ code: 7 }]);
      assert.deepEqual((await planYaml(db, wider)).steps.map((s) => s.description), []);
      const { planRollback } = await import('../../src/rollback/rollback.js');
      await applyPlan(db, await planRollback(db));
      assert.deepEqual((await planYaml(db, withDefault)).steps.map((s) => s.description), []);
    });
  });

  it('replaces a body in place and rebuilds on a new return type', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      const v2 = v1.replace('NEW.updated_at := now();', 'NEW.updated_at := clock_timestamp();');
      assert.deepEqual(stepKinds(await applyYaml(db, v2)), ['create-function']);
      assert.equal((await planYaml(db, v2)).steps.length, 0);
      const v3 = v2.replace('"log_it(msg text)":\n        kind: procedure', '"log_it(msg text)":\n        returns: void');
      assert.deepEqual(stepKinds(await applyYaml(db, v3)), ['drop-function', 'create-function']);
      assert.equal((await planYaml(db, v3)).steps.length, 0);
    });
  });
});
