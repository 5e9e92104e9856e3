import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { SchemaformError } from '../../src/errors.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

// Bounds written the short way (dates without times, lower-case keywords):
// the catalog spells them differently, and a replan must still be empty.
const v1 = `
schemas:
  public:
    tables:
      events:
        columns:
          id: { type: bigint, notNull: true }
          at: { type: timestamp, notNull: true }
          kind: { type: text, notNull: true }
        primaryKey: [id, at]
        partitionBy: range (at)
        indexes:
          events_kind_idx: { columns: [kind] }
      events_2026_01:
        partitionOf: { table: events, bound: "FROM ('2026-01-01') TO ('2026-02-01')" }
        comment: January
      events_2026_02:
        partitionOf: { table: events, bound: "for values from ('2026-02-01') to ('2026-03-01')" }
      events_rest:
        partitionOf: { table: events, bound: default }
      regions:
        columns:
          code: { type: text, notNull: true }
          n: { type: int }
        partitionBy: LIST (code)
      regions_na:
        partitionOf: { table: regions, bound: "IN ('US', 'CA')" }
      buckets:
        columns:
          id: { type: bigint }
        partitionBy: HASH (id)
      buckets_0:
        partitionOf: { table: buckets, bound: "WITH (MODULUS 2, REMAINDER 0)" }
      buckets_1:
        partitionOf: { table: buckets, bound: "WITH (modulus 2, remainder 1)" }
`;

const without = (yaml: string, lines: string) => {
  assert.ok(yaml.includes(lines), lines);
  return yaml.replace(lines, '');
};

describe('partitioned tables', () => {
  it('create parents before partitions (range, list, hash, default), route rows, inspect back and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, v1);
      const creates = plan.steps.filter((s) => s.change.kind === 'create-table').map((s) => s.description);
      assert.ok(creates.findIndex((d) => d.includes('public.events_2026_01')) > creates.findIndex((d) => d.includes('public.events ')), creates.join('\n'));
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);

      await db.exec(`INSERT INTO events VALUES (1, '2026-01-15', 'a'), (2, '2026-02-15', 'b'), (3, '2027-01-01', 'c');
        INSERT INTO regions VALUES ('US', 1); INSERT INTO buckets SELECT generate_series(1, 10)`);
      assert.deepEqual(await db.query(`SELECT tableoid::regclass::text AS part, id::int FROM events ORDER BY id`), [
        { part: 'events_2026_01', id: 1 }, { part: 'events_2026_02', id: 2 }, { part: 'events_rest', id: 3 },
      ]);

      // The partitions show their own definitions, not copies of the parent's columns, keys or indexes.
      const model = (await introspect(db, { schemas: ['public'] })).model;
      const january = model.schemas[0]!.tables.find((t) => t.name === 'events_2026_01')!;
      assert.deepEqual([january.columns, january.primaryKey, january.indexes], [[], undefined, []]);
      assert.equal(model.schemas[0]!.tables.find((t) => t.name === 'events')!.partitionBy, 'RANGE (at)');
      const yaml = modelToYaml(model);
      assert.match(yaml, /events_2026_01:\n {8}comment: January\n {8}partitionOf:\n {10}table: events\n {10}bound: FROM \('2026-01-01 00:00:00'\) TO \('2026-02-01 00:00:00'\)\n/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
    });
  });

  it('adds, moves (detach + attach) and drops partitions; rollback brings the dropped rows back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO events VALUES (1, '2026-01-15', 'a'), (2, '2026-02-15', 'b')`);
      const v2 = without(v1, `      events_2026_01:
        partitionOf: { table: events, bound: "FROM ('2026-01-01') TO ('2026-02-01')" }
        comment: January
`).replace("for values from ('2026-02-01') to ('2026-03-01')", "FROM ('2026-02-01') TO ('2026-04-01')") + `      events_2026_04:
        partitionOf: { table: events, bound: "FROM ('2026-04-01') TO ('2026-05-01')" }
`;
      const plan = await planYaml(db, v2, { allowDestructive: true });
      const kinds = stepKinds(plan);
      assert.ok(kinds.includes('set-partition') && kinds.includes('drop-table') && kinds.includes('create-table'), kinds.join());
      const move = plan.steps.find((s) => s.change.kind === 'set-partition')!;
      assert.match(move.sql.join('\n'), /DETACH PARTITION "?public"?\."?events_2026_02"?[\s\S]*ATTACH PARTITION .* FOR VALUES FROM \('2026-02-01 00:00:00'\) TO \('2026-04-01 00:00:00'\)/);
      assert.ok(move.hazards.some((h) => h.code === 'may-fail'), JSON.stringify(move.hazards));
      assert.ok(plan.steps.find((s) => s.change.kind === 'drop-table')!.hazards.some((h) => h.code === 'data-loss'));
      await applyPlan(db, plan, { allowDestructive: true });
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);
      await db.exec(`INSERT INTO events VALUES (3, '2026-03-15', 'c')`);
      assert.equal((await db.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM events WHERE id = 3`))[0]!.part, 'events_2026_02');

      // Back to v1: the moved bound no longer holds March, so take that row out first.
      await db.exec(`DELETE FROM events WHERE id = 3`);
      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      assert.deepEqual(await db.query(`SELECT tableoid::regclass::text AS part, id::int FROM events ORDER BY id`), [
        { part: 'events_2026_01', id: 1 }, { part: 'events_2026_02', id: 2 },
      ]);
    });
  });

  it('refuses to change a partition key in place, naming the table and what to do', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await assert.rejects(planYaml(db, v1.replace('partitionBy: range (at)', 'partitionBy: range (id)')), (e: unknown) =>
        e instanceof SchemaformError && /table public\.events: its partition key cannot change in place \(RANGE \(at\) → RANGE \(id\)\)/.test(e.message) && /another name/.test(e.hint ?? ''));
    });
  });

  it('reports a partition of an undeclared or unpartitioned table at its place in the file', async () => {
    await withDatabase(async ({ db }) => {
      await assert.rejects(planYaml(db, v1.replace('partitionOf: { table: regions,', 'partitionOf: { table: nowhere,')), /belongs to table "public\.nowhere", which the schema does not declare/);
      await assert.rejects(planYaml(db, v1.replace('        partitionBy: LIST (code)\n', '')), /table "public\.regions" is not partitioned; give it partitionBy/);
    });
  });
});
