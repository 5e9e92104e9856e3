import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { isSchemaformError } from '../../src/errors.js';
import { formatPlanText } from '../../src/plan/format-text.js';
import { makeStyle } from '../../src/cli/style.js';
import { isEmptyPlan } from '../../src/plan/types.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * `preventDestroy: true`: a plan that would drop the object stops and says
 * why, while the file says so and also after the object leaves the file;
 * dropping it takes a deliberate first apply that lifts the mark.
 */
const guarded = `
schemas:
  public:
    tables:
      accounts:
        preventDestroy: true
        columns:
          id: { type: bigint }
          email: { type: text, preventDestroy: true }
          note: { type: text }
        primaryKey: [id]
      scratch:
        columns: { id: { type: integer } }
    views:
      active: { query: "SELECT id FROM accounts", preventDestroy: true }
`;

async function refusal(run: () => Promise<unknown>): Promise<{ message: string; details: string[] }> {
  try {
    await run();
  } catch (e) {
    if (isSchemaformError(e)) return { message: e.message, details: e.details };
    throw e;
  }
  assert.fail('expected a refusal');
}

describe('preventDestroy', function () {
  this.timeout(120_000);

  it('marks nothing in the database: a replan is empty, and unguarded objects still drop', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, guarded);
      assert.deepEqual(plan.preventDestroy, ['column public.accounts.email', 'table public.accounts', 'view public.active']);
      assert.ok(isEmptyPlan(await planYaml(db, guarded)));
      const withoutScratch = guarded.replace('      scratch:\n        columns: { id: { type: integer } }\n', '');
      const dropped = await planYaml(db, withoutScratch, { allowDestructive: true });
      assert.deepEqual(dropped.steps.map((s) => s.description), ['drop table public.scratch']);
    });
  });

  it('refuses to drop a marked column, table or view, naming each and why', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, guarded);
      const noEmail = guarded.replace('          email: { type: text, preventDestroy: true }\n', '');
      const column = await refusal(() => planYaml(db, noEmail, { allowDestructive: true }));
      assert.match(column.message, /would drop 1 object\(s\) marked preventDestroy; no plan was written/);
      assert.deepEqual(column.details, ['column public.accounts.email: preventDestroy: true when snapshot 2 was applied, and it is no longer in the file']);
      // The whole table and its view deleted from the file: the marks the last apply recorded still hold.
      const gone = await refusal(() => planYaml(db, 'schemas:\n  public:\n    tables:\n      scratch:\n        columns: { id: { type: integer } }\n', { allowDestructive: true }));
      assert.deepEqual(gone.details.map((d) => d.split(':')[0]), ['table public.accounts', 'view public.active']);
      // A marked view rebuilt around a change is not dropped for good: allowed.
      const retyped = await planYaml(db, guarded.replace('id: { type: bigint }', 'id: { type: numeric }'), { allowDestructive: true });
      assert.ok(retyped.steps.some((s) => s.change.kind === 'drop-view'));
    });
  });

  it('lifting a mark is a plan of its own: no SQL, applied to record it; then the drop is planned', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, guarded);
      const lifted = guarded.replace('          email: { type: text, preventDestroy: true }', '          email: { type: text, preventDestroy: false }');
      const lift = await planYaml(db, lifted);
      assert.equal(lift.steps.length, 0);
      assert.deepEqual(lift.protectionChanges, { added: [], removed: ['column public.accounts.email'] });
      assert.ok(!isEmptyPlan(lift));
      assert.match(formatPlanText(lift, makeStyle(false), { planPath: 'p.json' }), /No changes to the schema\.\n\npreventDestroy marks to record with this apply:\n {2}- column public\.accounts\.email: no longer protected/);
      // Not yet applied: the mark still holds.
      const early = lifted.replace('          email: { type: text, preventDestroy: false }\n', '');
      await refusal(() => planYaml(db, early, { allowDestructive: true }));
      await applyPlan(db, lift);
      assert.ok(isEmptyPlan(await planYaml(db, lifted)));
      const drop = await planYaml(db, early, { allowDestructive: true });
      assert.deepEqual(drop.steps.map((s) => s.description), ['drop column email from table public.accounts']);
    });
  });

  it('a rollback that would drop a marked object is refused too', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, 'schemas:\n  public:\n    tables:\n      scratch:\n        columns: { id: { type: integer } }\n');
      await applyYaml(db, guarded);
      const back = await refusal(() => planRollback(db));
      assert.match(back.message, /marked preventDestroy/);
      assert.ok(back.details.some((d) => d.startsWith('table public.accounts: preventDestroy: true when snapshot 3 was applied')), back.details.join('\n'));
    });
  });
});
