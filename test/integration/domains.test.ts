import assert from 'node:assert/strict';
import { introspect } from '../../src/introspect/introspect.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  public:
    domains:
      email:
        type: varchar(320)
        notNull: true
        checks:
          email_has_at: { expression: "VALUE LIKE '%@%'" }
        comment: An address we can write to
      positive: { type: int, default: 1, checks: { positive_check: { expression: VALUE > 0 } } }
    tables:
      people:
        columns:
          id: { type: int }
          contact: { type: email }
          visits: { type: positive }
        primaryKey: [id]
`;

describe('domains', () => {
  it('create, use in columns, inspect back, and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /email:\n\s+type: character varying\(320\)\n\s+notNull: true/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
      await assert.rejects(db.exec(`INSERT INTO people VALUES (1, 'nope', 1)`), /email_has_at/);
    });
  });

  it('alters defaults and checks in place, and refuses a check the data breaks', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO people VALUES (1, 'a@b', 5)`);
      const v2 = v1.replace('default: 1, checks: { positive_check: { expression: VALUE > 0 } }', 'default: 2, checks: { positive_check: { expression: VALUE > 1 } }');
      const plan = await applyYaml(db, v2);
      assert.deepEqual(stepKinds(plan), ['alter-domain']);
      assert.deepEqual((await planYaml(db, v2)).steps.length, 0);
      const v3 = v1.replace('default: 1, checks: { positive_check: { expression: VALUE > 0 } }', 'checks: { positive_check: { expression: VALUE > 10 } }');
      await assert.rejects(applyYaml(db, v3), /alter domain public.positive.*violate the new constraint/);
    });
  });
});
