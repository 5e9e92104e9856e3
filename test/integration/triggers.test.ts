import assert from 'node:assert/strict';
import { introspect } from '../../src/introspect/introspect.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  public:
    functions:
      "touch()":
        returns: trigger
        language: plpgsql
        body: BEGIN NEW.updated_at := now(); RETURN NEW; END
      "audit()":
        returns: trigger
        language: plpgsql
        body: BEGIN INSERT INTO audit_log (what) SELECT TG_ARGV[0] || ':' || count(*) FROM new_rows; RETURN NULL; END
    tables:
      audit_log:
        columns:
          what: { type: text }
      items:
        columns:
          id: { type: int }
          name: { type: text }
          updated_at: { type: timestamptz }
        primaryKey: [id]
        triggers:
          items_touch:
            timing: before
            events: [update]
            updateOf: [name]
            level: row
            function: touch
            when: "OLD.name IS DISTINCT FROM NEW.name"
          items_audit:
            timing: after
            events: [insert]
            level: statement
            function: public.audit
            arguments: [items]
            newTable: new_rows
            comment: Counts inserts
`;

describe('triggers', () => {
  it('create after their functions and tables, fire, inspect back and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, v1);
      const kinds = stepKinds(plan);
      assert.ok(kinds.lastIndexOf('create-function') < kinds.indexOf('create-trigger'), kinds.join());
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      await db.exec(`INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'); UPDATE items SET name = 'c' WHERE id = 1`);
      assert.deepEqual(await db.query('SELECT what FROM audit_log'), [{ what: 'items:2' }]);
      assert.deepEqual(await db.query('SELECT id, updated_at IS NOT NULL AS touched FROM items ORDER BY id'), [{ id: 1, touched: true }, { id: 2, touched: false }]);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
    });
  });

  it('disables in place and recreates on a changed definition', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      const disabled = v1.replace('            comment: Counts inserts', '            comment: Counts inserts\n            enabled: disabled');
      assert.deepEqual(stepKinds(await applyYaml(db, disabled)), ['alter-trigger']);
      assert.equal((await planYaml(db, disabled)).steps.length, 0);
      const changed = disabled.replace('events: [insert]', 'events: [insert, delete]').replace('newTable: new_rows', 'oldTable: old_rows\n            newTable: new_rows');
      assert.deepEqual(stepKinds(await planYaml(db, changed)), ['drop-trigger', 'create-trigger']);
    });
  });
});

describe('triggers on views', () => {
  it('INSTEAD OF triggers make a view writable, survive a rebuild of the view, and inspect back', async () => {
    await withDatabase(async ({ db }) => {
      const v1 = `
schemas:
  public:
    functions:
      "write_through()":
        returns: trigger
        language: plpgsql
        body: BEGIN INSERT INTO items (name) VALUES (NEW.name); RETURN NEW; END
    tables:
      items:
        columns:
          name: { type: text }
          qty: { type: int }
    views:
      item_names:
        query: SELECT name FROM items
        triggers:
          item_names_insert: { timing: instead of, events: [insert], level: row, function: write_through }
`;
      const plan = await applyYaml(db, v1);
      const kinds = stepKinds(plan);
      assert.ok(kinds.indexOf('create-view') < kinds.indexOf('create-trigger'), kinds.join());
      await db.exec(`INSERT INTO item_names VALUES ('a')`);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);

      // Changing the query rebuilds the view, which takes its trigger along: it comes back.
      const v2 = v1.replace('SELECT name FROM items', 'SELECT name, qty FROM items');
      assert.deepEqual(stepKinds(await applyYaml(db, v2)), ['drop-view', 'create-view', 'create-trigger']);
      await db.exec(`INSERT INTO item_names (name) VALUES ('b')`);
      assert.deepEqual(await db.query(`SELECT name FROM items ORDER BY name`), [{ name: 'a' }, { name: 'b' }]);
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);
    });
  });
});

describe('row-level security', () => {
  it('enables RLS with policies, normalises their expressions, and replans to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const schema = `
schemas:
  public:
    tables:
      notes:
        columns:
          id: { type: int }
          owner: { type: text, notNull: true }
          body: { type: text }
        primaryKey: [id]
        rowLevelSecurity: true
        forceRowLevelSecurity: true
        policies:
          own_rows: { using: "owner = current_user", withCheck: "owner = current_user", comment: Only your own notes }
          no_deletes: { permissive: false, command: delete, using: "false" }
`;
      await applyYaml(db, schema.replace(/        rowLevelSecurity[\s\S]*$/, ''));
      const plan = await applyYaml(db, schema);
      assert.ok(plan.steps.some((s) => s.hazards.some((h) => h.code === 'breaking-change' && /rows become invisible/.test(h.message))), JSON.stringify(plan.steps.map((s) => s.hazards)));
      assert.deepEqual((await planYaml(db, schema)).steps.map((s) => s.description), []);
      const [t] = await db.query<{ rls: boolean; force: boolean }>(`SELECT relrowsecurity AS rls, relforcerowsecurity AS force FROM pg_class WHERE relname = 'notes'`);
      assert.deepEqual(t, { rls: true, force: true });
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
      assert.deepEqual(stepKinds(await planYaml(db, schema.replace('        forceRowLevelSecurity: true\n', ''))), ['set-row-level-security']);
    });
  });
});
