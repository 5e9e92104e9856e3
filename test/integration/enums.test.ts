import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { STATE_DDL } from '../../src/state/store.js';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  app:
    enums:
      mood: [happy, meh, sad, angry]
    tables:
      people:
        columns:
          id: { type: bigint }
          mood: { type: mood }
          history: { type: "mood[]" }
          usual: { type: mood, notNull: true, default: "'happy'" }
        primaryKey: [id]
      keyless:
        columns:
          mood: { type: mood }
    views:
      moods: { query: "SELECT id, mood FROM people" }
`;
const v2 = v1.replace('mood: [happy, meh, sad, angry]', 'mood: [happy, sad]');

async function rows(db: { query<T>(q: string): Promise<T[]> }) {
  return db.query<{ id: string; mood: string | null; history: string | null; usual: string }>(
    'SELECT id::text, mood::text, history::text, usual::text FROM app.people ORDER BY id');
}

describe('enum values removed', () => {
  it('clears them from nullable columns after backing them up, and rollback puts them back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO app.people VALUES (1, 'meh', '{happy,angry,NULL,sad}', 'sad'), (2, 'sad', '{meh}', 'happy'), (3, NULL, NULL, 'happy');
        INSERT INTO app.keyless VALUES ('angry'), ('happy')`);
      const plan = await planYaml(db, v2);
      assert.deepEqual(stepKinds(plan), ['clear-enum-values', 'clear-enum-values', 'clear-enum-values', 'drop-view', 'recreate-enum', 'create-view']);
      const clears = plan.steps.filter((s) => s.change.kind === 'clear-enum-values');
      assert.ok(clears.every((s) => s.hazards.some((h) => h.code === 'data-loss')), JSON.stringify(clears.map((s) => s.hazards)));
      assert.deepEqual(clears.map((s) => [s.object.name, s.backup?.kind]), [['keyless', undefined], ['people', 'values'], ['people', 'values']], 'a table without a primary key cannot be backed up');
      assert.match(clears[0]!.hazards[0]!.message, /app\.keyless has no primary key/);
      const recreate = plan.steps.find((s) => s.change.kind === 'recreate-enum')!;
      assert.ok(recreate.hazards.some((h) => h.code === 'may-fail' && /app\.people\.usual/.test(h.message)), JSON.stringify(recreate.hazards));
      await assert.rejects(applyPlan(db, plan), /destroys data/);
      await applyPlan(db, plan, { allowDestructive: true });
      assert.deepEqual(await rows(db), [
        { id: '1', mood: null, history: '{happy,NULL,sad}', usual: 'sad' },
        { id: '2', mood: 'sad', history: '{}', usual: 'happy' },
        { id: '3', mood: null, history: null, usual: 'happy' },
      ]);
      assert.deepEqual(await db.query(`SELECT mood::text FROM app.keyless ORDER BY 1`), [{ mood: 'happy' }, { mood: null }]);
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);

      const back = await planRollback(db);
      assert.deepEqual(stepKinds(back), ['drop-view', 'recreate-enum', 'create-view', 'restore-column', 'restore-column']);
      assert.ok(back.steps.some((s) => s.change.kind === 'recreate-enum'), 'recreated, since values added in place cannot be stored in the same transaction');
      await applyPlan(db, back);
      assert.deepEqual(await rows(db), [
        { id: '1', mood: 'meh', history: '{happy,angry,NULL,sad}', usual: 'sad' },
        { id: '2', mood: 'sad', history: '{meh}', usual: 'happy' },
        { id: '3', mood: null, history: null, usual: 'happy' },
      ]);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
    });
  });

  it('orders a column retyped away from the enum, with a new default, before the enum is rebuilt', async () => {
    // Found by the schema-pairs property: the column's new default does not depend on the enum,
    // so nothing about it has to wait for the enum's new form (that edge made a cycle).
    const before = `schemas:
  public:
    enums: { mood: [sad, ok, happy] }
    tables:
      t0:
        columns:
          id: { type: bigint, identity: by default }
          c0: { type: mood, default: "'ok'" }
        primaryKey: [id]
`;
    const after = before.replace('[sad, ok, happy]', '[sad, ok]').replace(`c0: { type: mood, default: "'ok'" }`, 'c0: { type: integer, default: "7", using: "7" }');
    await withDatabase(async ({ db }) => {
      await applyYaml(db, before);
      await db.exec("INSERT INTO t0 (c0) VALUES ('ok')");
      await applyYaml(db, after, { allowDestructive: true });
      assert.deepEqual((await planYaml(db, after)).steps, []);
      assert.deepEqual(await db.query('SELECT c0 FROM t0'), [{ c0: 7 }]);
      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.deepEqual((await planYaml(db, before)).steps, []);
      assert.deepEqual(await db.query('SELECT c0::text AS c0 FROM t0'), [{ c0: 'ok' }], 'rollback restores the value');
    });
  });

  it('a default the file removes or adds in the same plan as a rebuilt enum ends as the file says', async () => {
    const file = (values: string, def: string) => `
schemas:
  public:
    enums:
      feel: [${values}]
    tables:
      t:
        columns:
          c: { type: feel${def} }
          n: { type: integer }
`;
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file('sad, ok, happy', `, default: "'ok'"`));
      const removed = file('sad, ok', '');
      await applyPlan(db, await planYaml(db, removed), { allowDestructive: true });
      assert.deepEqual((await planYaml(db, removed)).steps, [], 'the default stays dropped');
      const added = file('ok', `, default: "'ok'"`);
      await applyPlan(db, await planYaml(db, added), { allowDestructive: true });
      assert.deepEqual((await planYaml(db, added)).steps, [], 'the new default is there');
      assert.deepEqual(await db.query("SELECT column_default AS d FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'"), [{ d: "'ok'::feel" }]);
    });
  });

  it('stops with the column named when a NOT NULL column still holds a removed value, changing nothing', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO app.people VALUES (1, 'happy', NULL, 'angry')`);
      await assert.rejects(applyPlan(db, await planYaml(db, v2), { allowDestructive: true }), /angry/);
      assert.deepEqual(await rows(db), [{ id: '1', mood: 'happy', history: null, usual: 'angry' }]);
    });
  });

  it('upgrades state recorded by 0.1.0, whose backups table knew only table and column backups', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(STATE_DDL.replace(`('table', 'column', 'values')`, `('table', 'column')`));
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO app.people VALUES (1, 'meh', NULL, 'happy')`);
      await applyPlan(db, await planYaml(db, v2), { allowDestructive: true });
      assert.deepEqual(await db.query(`SELECT DISTINCT kind FROM schemaform.backups`), [{ kind: 'values' }]);
    });
  });
});
