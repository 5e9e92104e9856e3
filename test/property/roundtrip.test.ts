import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyPlan, ApplyFailedError } from '../../src/apply/apply.js';
import { fingerprint } from '../../src/model/objects.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Random pairs of schemas (A, B): apply A and fill it, plan to B and apply,
 * then B must replan to nothing; rolling back must return to A with the rows
 * as they were. SCHEMAFORM_PROPERTY_RUNS raises the number of cases; SCHEMAFORM_PROPERTY_SEED replays a reported seed.
 */
const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 8);

const types = ['integer', 'bigint', 'text', 'boolean', 'numeric(10,2)', 'timestamptz', 'varchar(20)', 'mood'] as const;
type ColumnType = (typeof types)[number];
const sample: Record<ColumnType, string> = {
  integer: '7', bigint: '70000000000', text: "'hello'", boolean: 'true', 'numeric(10,2)': '12.5',
  timestamptz: "'2026-01-02 03:04:05+00'", 'varchar(20)': "'short'", mood: "'ok'",
};

const column = fc.record({ type: fc.constantFrom(...types), notNull: fc.boolean(), withDefault: fc.boolean(), comment: fc.option(fc.constantFrom('a note', "it's"), { nil: undefined }) });
const table = fc.record({
  columns: fc.array(column, { minLength: 1, maxLength: 4 }),
  indexed: fc.boolean(),
  unique: fc.boolean(),
  // PUBLIC needs no role to exist.
  publicPrivileges: fc.subarray(['select', 'insert', 'update', 'delete']),
});
const schema = fc.record({ tables: fc.array(table, { minLength: 1, maxLength: 3 }), view: fc.boolean(), moods: fc.constantFrom(['sad', 'ok'], ['sad', 'ok', 'happy']) });
type Generated = typeof schema extends fc.Arbitrary<infer T> ? T : never;

function toYaml(s: Generated): string {
  const tables: Record<string, unknown> = {};
  s.tables.forEach((t, i) => {
    const columns: Record<string, unknown> = { id: { type: 'bigint', identity: 'by default' } };
    t.columns.forEach((c, j) => {
      columns[`c${j}`] = { type: c.type, ...(c.notNull && { notNull: true }), ...(c.withDefault && { default: sample[c.type] }), ...(c.comment && { comment: c.comment }) };
    });
    tables[`t${i}`] = {
      columns,
      primaryKey: ['id'],
      ...(t.indexed && { indexes: { [`t${i}_c0_idx`]: { columns: ['c0'] } } }),
      ...(t.unique && { unique: { [`t${i}_id_c0_key`]: { columns: ['id', 'c0'] } } }),
      ...(t.publicPrivileges.length && { grants: [{ to: 'public', privileges: t.publicPrivileges }] }),
    };
  });
  return stringify({
    schemas: {
      public: {
        enums: { mood: s.moods },
        tables,
        ...(s.view && { views: { first_ids: { query: 'SELECT id FROM t0' } } }),
      },
    },
  });
}

describe('property: random schema pairs converge and roll back', function () {
  this.timeout(600_000);
  it(`holds for ${runs} random pairs`, async () => {
    await fc.assert(
      fc.asyncProperty(schema, schema, async (a, b) => {
        await withDatabase(async ({ db }) => {
          const yamlA = toYaml(a);
          await applyPlan(db, await planYaml(db, yamlA));
          assert.deepEqual((await planYaml(db, yamlA)).steps.map((s) => s.description), [], 'A replans to nothing');
          for (const [i, t] of a.tables.entries()) {
            await db.exec(`INSERT INTO t${i} (${t.columns.map((_, j) => `c${j}`).join(', ')}) VALUES (${t.columns.map((c) => sample[c.type]).join(', ')})`);
          }
          const rowsOf = async () => {
            const out: unknown[] = [];
            for (const [i] of a.tables.entries()) out.push(await db.query(`SELECT * FROM t${i} ORDER BY id`));
            return out;
          };
          const before = await rowsOf();
          const stateA = fingerprint((await introspect(db, { schemas: ['public'] })).model);

          const yamlB = toYaml(b);
          try {
            await applyPlan(db, await planYaml(db, yamlB), { allowDestructive: true });
          } catch (e) {
            // A conversion the data cannot take (e.g. 'hello' to integer): its unit is undone. Failing in the
            // first unit, the apply left everything as it was; later, the units before it stay, recorded, and
            // `schema rollback` of the partial apply brings back the schema and every row.
            assert.ok(e instanceof ApplyFailedError, String(e));
            assert.ok(e.outcome === 'rolled-back' || (e.outcome === 'partial' && e.progress?.failedUnitUndone), `${e.outcome}: ${e.message}`);
            if (e.outcome === 'partial') {
              await applyPlan(db, await planRollback(db), { allowDestructive: true });
              assert.deepEqual((await planYaml(db, yamlA)).steps.map((s) => s.description), [], 'rollback of the partial apply returns to A');
            } else {
              assert.equal(fingerprint((await introspect(db, { schemas: ['public'] })).model), stateA);
            }
            assert.deepEqual(await rowsOf(), before);
            return;
          }
          assert.deepEqual((await planYaml(db, yamlB)).steps.map((s) => s.description), [], 'B replans to nothing');

          await applyPlan(db, await planRollback(db), { allowDestructive: true });
          assert.deepEqual((await planYaml(db, yamlA)).steps.map((s) => s.description), [], 'rollback returns to A');
          assert.deepEqual(await rowsOf(), before, 'rows survive the round trip');
        });
      }),
      { numRuns: runs, ...(process.env.SCHEMAFORM_PROPERTY_SEED && { seed: Number(process.env.SCHEMAFORM_PROPERTY_SEED) }) },
    );
  });
});
