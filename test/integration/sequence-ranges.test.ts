import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { isSchemaformError } from '../../src/errors.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * A new MINVALUE or MAXVALUE that leaves a sequence's current value outside:
 * PostgreSQL refuses it. A never-used sequence is restarted at its new START
 * (nothing was handed out); a used one stops the plan, naming its value.
 */
const identity = (start: number, min: number, max: number) => `
schemas:
  public:
    sequences:
      counter: { start: ${start}, minValue: ${min}, maxValue: ${max} }
    tables:
      volts:
        columns:
          v: { type: integer, identity: { kind: by default, start: ${start}, minValue: ${min}, maxValue: ${max} } }
`;

describe('sequence ranges that leave the current value outside', function () {
  this.timeout(60_000);

  it('restarts a never-used sequence and identity at the new start, and reaches the file', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, identity(-200, -200, 200));
      const narrowed = identity(-100, -100, 100);
      const plan = await planYaml(db, narrowed);
      assert.ok(plan.steps.some((s) => s.sql.some((q) => /ALTER SEQUENCE .*counter.* RESTART$/.test(q))), plan.steps.flatMap((s) => s.sql).join('\n'));
      assert.ok(plan.steps.some((s) => s.sql.some((q) => /ALTER COLUMN "v" .*RESTART$/.test(q))), plan.steps.flatMap((s) => s.sql).join('\n'));
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, narrowed)).steps, []);
      assert.deepEqual(await db.query("SELECT nextval('public.counter')::int AS n"), [{ n: -100 }]);
      await db.exec('INSERT INTO public.volts DEFAULT VALUES');
      assert.deepEqual(await db.query('SELECT v FROM public.volts'), [{ v: -100 }]);
    });
  });

  it('stops the plan when a used sequence is outside the new range, naming its value; a range that holds it plans', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, identity(-200, -200, 200));
      await db.exec("SELECT nextval('public.counter')");
      await assert.rejects(planYaml(db, identity(-100, -100, 100)), (e: unknown) => isSchemaformError(e)
        && /^sequence public\.counter is at -200, outside its new range -100\.\.100; no plan was written$/.test(e.message));
      const wider = await planYaml(db, identity(-200, -300, 100));
      assert.ok(!wider.steps.some((s) => s.sql.some((q) => q.includes('RESTART'))));
    });
  });

  it('finds the identity under its live names when the same plan renames its table and column', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, identity(-200, -200, 200));
      const renamed = identity(-100, -100, 100)
        .replace('      volts:\n        columns:\n          v: {', '      volts2:\n        renamedFrom: volts\n        columns:\n          w: { renamedFrom: v,');
      const plan = await planYaml(db, renamed);
      assert.ok(plan.steps.some((s) => s.sql.some((q) => /ALTER COLUMN "w" .*RESTART$/.test(q))), plan.steps.flatMap((s) => s.sql).join('\n'));
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, renamed)).steps, []);
    });
  });
});
