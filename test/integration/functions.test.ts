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

  it('rebuilds routines naming an enum that is recreated, and what calls them, in order both ways', async () => {
    await withDatabase(async ({ db }) => {
      const before = `
schemas:
  public:
    enums:
      level: [low, mid, high]
    functions:
      "rank(l level)":
        returns: integer
        language: sql
        volatility: immutable
        # Qualified: PostgreSQL 17+ builds indexes with search_path = pg_catalog, pg_temp.
        body: SELECT array_position(enum_range(NULL::public.level), l)
      "worst()":
        returns: level
        language: sql
        body: SELECT 'high'::level
    tables:
      alerts:
        columns:
          id: { type: int }
          level: { type: level, notNull: true }
          owner: { type: text }
        primaryKey: [id]
        checks:
          alerts_ranked: { expression: "rank(level) > 0" }
        indexes:
          alerts_rank_idx: { expressions: ["rank(level)"] }
        rowLevelSecurity: true
        policies:
          serious: { using: "rank(level) >= 1" }
    views:
      ranked: { query: "SELECT id, rank(level) AS r FROM alerts" }
`;
      await applyYaml(db, before);
      await db.exec(`INSERT INTO alerts VALUES (1, 'mid', 'ann'), (2, 'high', 'bob')`);
      // Reordered: a new type under the old name.
      const after = before.replace('level: [low, mid, high]', 'level: [high, mid, low]');
      const plan = await planYaml(db, after);
      const order = plan.steps.map((s) => s.description);
      const at = (pattern: RegExp) => order.findIndex((d) => pattern.test(d));
      for (const off of [/^drop view public\.ranked/, /^drop policy serious/, /^drop check alerts_ranked/, /^drop index alerts_rank_idx/]) {
        assert.ok(at(off) >= 0 && at(off) < at(/^drop function public\.rank\(/), `${off} before the routine goes: ${order.join('\n')}`);
      }
      assert.ok(at(/^drop function public\.worst\(\)/) < at(/^recreate enum public\.level/), order.join('\n'));
      assert.ok(at(/^recreate enum public\.level/) < at(/^create function public\.rank\(/), order.join('\n'));
      for (const on of [/^create view public\.ranked/, /^create policy serious/, /^add check alerts_ranked/, /^create index alerts_rank_idx/]) {
        assert.ok(at(on) > at(/^create function public\.rank\(/), `${on} after the routine is back: ${order.join('\n')}`);
      }
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, plan);
      assert.deepEqual(await db.query('SELECT id, r FROM ranked ORDER BY id'), [{ id: 1, r: 2 }, { id: 2, r: 1 }]);
      assert.deepEqual(await db.query('SELECT worst()::text AS w'), [{ w: 'high' }]);
      assert.deepEqual((await planYaml(db, after)).steps.map((s) => s.description), []);

      const { planRollback } = await import('../../src/rollback/rollback.js');
      await applyPlan(db, await planRollback(db));
      assert.deepEqual(await db.query('SELECT id, r FROM ranked ORDER BY id'), [{ id: 1, r: 2 }, { id: 2, r: 3 }]);
      assert.deepEqual((await planYaml(db, before)).steps.map((s) => s.description), []);
    });
  });
});
