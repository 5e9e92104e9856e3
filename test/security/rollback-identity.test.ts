import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import type { Database } from '../../src/db/database.js';
import type { Plan } from '../../src/plan/types.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { listSnapshots } from '../../src/state/store.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Rollback finds a backup by the object it belongs to, not by its name at
 * the time: renames in the same apply, and between applies, must not make
 * a backed-up value come back NULL or rounded; and a value written after
 * the apply is not overwritten without a hazard saying so.
 */
const v1 = `
schemas:
  public:
    tables:
      prices:
        columns:
          id: { type: integer }
          label: { type: text }
          amount: { type: "numeric(10,2)" }
          note: { type: text }
        primaryKey: [id]
`;
const rows = "INSERT INTO public.prices VALUES (1, 'one', 1.50, 'n1'), (2, 'two', 2.25, 'n2'), (3, 'three', 3.75, 'n3')";

const hazardsOf = (plan: Plan) => plan.steps.flatMap((s) => s.hazards.map((h) => h.message)).join('\n');

async function rollBackTo(db: Database, to?: number, keepNewer = false) {
  const plan = await planRollback(db, { ...(to !== undefined && { to }), keepNewer });
  await applyPlan(db, plan, { allowDestructive: true });
  return plan;
}

async function pricesAsText(db: Database) {
  return db.query('SELECT id, label, amount::text AS amount, note FROM public.prices ORDER BY id');
}

const original = [
  { id: 1, label: 'one', amount: '1.50', note: 'n1' },
  { id: 2, label: 'two', amount: '2.25', note: 'n2' },
  { id: 3, label: 'three', amount: '3.75', note: 'n3' },
];

describe('security: rollback restores backed-up values through renames', function () {
  this.timeout(120_000);

  it('a table renamed and its column dropped in the same apply: the column comes back with its values', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(rows);
      const v2 = v1.replace('      prices:\n', '      costs:\n        renamedFrom: prices\n').replace("          note: { type: text }\n", '');
      await applyPlan(db, await planYaml(db, v2), { allowDestructive: true });
      const plan = await rollBackTo(db);
      assert.doesNotMatch(hazardsOf(plan), /no backup/);
      assert.deepEqual(await pricesAsText(db), original);
    });
  });

  it('a table renamed and its column retyped lossily in the same apply: the exact values come back, not rounded ones', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(rows);
      const v2 = v1.replace('      prices:\n', '      costs:\n        renamedFrom: prices\n').replace('amount: { type: "numeric(10,2)" }', 'amount: { type: integer }');
      await applyPlan(db, await planYaml(db, v2), { allowDestructive: true });
      assert.deepEqual((await db.query('SELECT amount FROM public.costs ORDER BY id')).map((r) => r.amount), [2, 2, 4]);
      await rollBackTo(db);
      assert.deepEqual(await pricesAsText(db), original);
    });
  });

  it('a column renamed in one apply and its table dropped in the next: rollback past both brings rows and names back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(rows);
      const baseline = (await listSnapshots(db)).at(-1)!.id;
      await applyPlan(db, await planYaml(db, v1.replace('note: { type: text }', 'remark: { type: text, renamedFrom: note }')));
      await applyPlan(db, await planYaml(db, 'schemas:\n  public: {}\n'), { allowDestructive: true });
      const plan = await rollBackTo(db, baseline);
      assert.doesNotMatch(hazardsOf(plan), /comes back/);
      assert.deepEqual(await pricesAsText(db), original);
    });
  });

  it('a column dropped in one apply and its table in the next: rollback past both restores the column too', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(rows);
      const baseline = (await listSnapshots(db)).at(-1)!.id;
      await applyPlan(db, await planYaml(db, v1.replace("          note: { type: text }\n", '')), { allowDestructive: true });
      await applyPlan(db, await planYaml(db, 'schemas:\n  public: {}\n'), { allowDestructive: true });
      await rollBackTo(db, baseline);
      assert.deepEqual(await pricesAsText(db), original);
    });
  });

  it('a value written after the apply: the rollback says it would overwrite it, and --keep-newer keeps it', async () => {
    for (const keepNewer of [false, true]) {
      await withDatabase(async ({ db }) => {
        await applyYaml(db, v1);
        await db.exec(rows);
        await applyPlan(db, await planYaml(db, v1.replace('amount: { type: "numeric(10,2)" }', 'amount: { type: integer }')), { allowDestructive: true });
        await db.exec('UPDATE public.prices SET amount = 7 WHERE id = 2');
        const plan = await planRollback(db, { keepNewer });
        const hazards = hazardsOf(plan);
        assert.match(hazards, /1 row\(s\) of public\.prices\.amount were changed after the apply/);
        assert.equal(plan.steps.some((s) => s.hazards.some((h) => h.code === 'data-loss' && /changed after/.test(h.message))), !keepNewer);
        await applyPlan(db, plan, { allowDestructive: true });
        const amounts = (await pricesAsText(db)).map((r) => r.amount);
        assert.deepEqual(amounts, keepNewer ? ['1.50', '7.00', '3.75'] : ['1.50', '2.25', '3.75']);
      });
    }
  });
});
