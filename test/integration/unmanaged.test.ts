import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { SchemaformError } from '../../src/errors.js';
import { formatPlanText } from '../../src/plan/format-text.js';
import { makeStyle } from '../../src/cli/style.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';

const schema = `
schemas:
  public:
    tables:
      items:
        columns:
          id: { type: int }
          name: { type: text }
        primaryKey: [id]
`;

describe('objects schemaform does not manage', () => {
  it('are listed in the plan by kind and name and survive apply untouched', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, schema);
      await db.exec(`CREATE RULE no_deletes AS ON DELETE TO public.items DO INSTEAD NOTHING;
        CREATE AGGREGATE public.shout(text) (SFUNC = textcat, STYPE = text);
        CREATE TYPE public.floatrange AS RANGE (subtype = float8);
        CREATE SCHEMA elsewhere; CREATE FUNCTION elsewhere.f() RETURNS int LANGUAGE sql AS 'SELECT 1';`);
      const plan = await planYaml(db, schema.replace('          name: { type: text }\n', '          name: { type: text }\n          price: { type: numeric }\n'));
      assert.deepEqual(plan.unmanaged.map((o) => `${o.kind} ${o.schema}.${o.name}`), [
        'aggregate public.shout(text)',
        'range type public.floatrange',
        'rule public.items.no_deletes',
      ]);
      assert.match(formatPlanText(plan, makeStyle(false)), /Not managed by schemaform, left untouched \(3\):\n {2}aggregate: public\.shout\(text\)/);
      await applyPlan(db, plan);
      const [row] = await db.query<{ r: number; f: string | null }>(`SELECT (SELECT count(*)::int FROM pg_rules WHERE rulename = 'no_deletes') AS r, to_regprocedure('public.shout(text)')::text AS f`);
      assert.deepEqual(row, { r: 1, f: 'shout(text)' });
    });
  });

  it('--strict refuses to plan while they exist', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(`CREATE AGGREGATE public.one(text) (SFUNC = textcat, STYPE = text)`);
      const { model } = await loadSchema(writeTempYaml(schema));
      await assert.rejects(createPlan(db, model, { strict: true }), (e: unknown) => e instanceof SchemaformError && /aggregate public\.one\(text\)/.test(e.details.join()));
    });
  });
});
