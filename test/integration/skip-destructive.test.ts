import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { rehearsalTarget } from '../../src/cli/connect.js';
import { makeStyle } from '../../src/cli/style.js';
import { formatPlanText } from '../../src/plan/format-text.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';

/**
 * `plan --skip-destructive`: the file's changes that lose data are left
 * out and listed, the rest is planned, rehearsed and applied, and the next
 * plan of the file shows what was left out, and only that.
 */
const live = `
schemas:
  public:
    enums:
      mood: [happy, sad, meh]
    tables:
      t:
        columns:
          id: { type: bigint }
          a: { type: text }
          b: { type: text }
          m: { type: mood }
        primaryKey: [id]
      old:
        columns: { id: { type: integer } }
`;
const wanted = `
schemas:
  public:
    enums:
      mood: [happy, sad]
    tables:
      t:
        columns:
          id: { type: bigint }
          a: { type: integer, using: "length(a)" }
          m: { type: mood }
          d: { type: text, comment: new }
        primaryKey: [id]
        indexes:
          t_d_idx: { columns: [d] }
      fresh:
        columns: { id: { type: integer } }
`;

describe('plan --skip-destructive', function () {
  this.timeout(120_000);

  it('plans and applies the rest; keeps the data; the next plan is exactly what was left out', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, live);
      await db.exec("INSERT INTO public.t VALUES (1, 'kept', 'also kept', 'meh'); INSERT INTO public.old VALUES (7)");
      const { model } = await loadSchema(writeTempYaml(wanted));
      const plan = await createPlan(db, model, { skipDestructive: true, rehearsal: await rehearsalTarget(url, db) });
      assert.deepEqual(plan.rehearsal, { rehearsed: true, where: 'this server' }, 'the partial target is rehearsed like any plan');
      assert.ok(plan.steps.every((s) => !s.hazards.some((h) => h.code === 'data-loss')), plan.steps.map((s) => s.description).join('\n'));
      assert.deepEqual(plan.skipped?.slice().sort(), [
        'alter column a of table public.t (type)',
        "clear value(s) meh of enum public.mood from column m of table public.t",
        'drop column b from table public.t',
        'drop table public.old',
      ].sort());
      assert.ok(plan.steps.some((s) => s.description === 'create table public.fresh'));
      assert.ok(plan.steps.some((s) => s.description === 'add column d to table public.t'));
      const text = formatPlanText(plan, makeStyle(false));
      assert.match(text, /Left out \(--skip-destructive\), 4 change\(s\) that lose data; the file still asks for them:\n {2}- /);
      assert.match(text, /reached the file, but for what was left out\./);
      await applyPlan(db, plan);
      assert.deepEqual(await db.query('SELECT a, b, m::text FROM public.t'), [{ a: 'kept', b: 'also kept', m: 'meh' }]);
      assert.deepEqual(await db.query('SELECT id FROM public.old'), [{ id: 7 }]);

      const again = await planYaml(db, wanted, { allowDestructive: true });
      const described = again.steps.filter((s) => !s.helper).map((s) => s.description);
      assert.ok(described.includes('drop column b from table public.t') && described.includes('drop table public.old'), described.join('\n'));
      assert.ok(!described.some((d) => /fresh|add column d|t_d_idx/.test(d)), `only what was left out:\n${described.join('\n')}`);
      const skippedAgain = await createPlan(db, model, { skipDestructive: true });
      assert.equal(skippedAgain.steps.length, 0);
      assert.match(formatPlanText(skippedAgain, makeStyle(false)), /No changes but those left out\./);
    });
  });
});
