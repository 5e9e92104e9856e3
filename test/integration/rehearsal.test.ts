import assert from 'node:assert/strict';
import { rehearsalTarget } from '../../src/cli/connect.js';
import { rules } from '../../src/graph/rules.js';
import { loadSchema } from '../../src/yaml/load.js';
import { createPlan } from '../../src/workflow/plan.js';
import { applyPlan } from '../../src/apply/apply.js';
import { withDatabase, writeTempYaml } from '../harness/workflow.js';
import { scratchDatabases } from '../harness/databases.js';
import { withScratchDatabase } from '../../src/rehearse/scratch.js';
import { rehearse } from '../../src/rehearse/rehearse.js';
import type { SchemaformError } from '../../src/errors.js';

const file = `
schemas:
  a:
    functions:
      "named(n text)": { returns: SETOF b.customer, language: sql, body: "SELECT * FROM b.customer WHERE name = n" }
      "loud()": { returns: int, language: plpgsql, volatility: immutable, body: "BEGIN RAISE EXCEPTION 'a routine body ran while planning'; END" }
  b:
    tables:
      customer:
        grants: [{ to: public, privileges: [select] }]
        columns:
          name: { type: text }
          n: { type: int, default: a.loud() }
`;

describe('rehearsal', () => {
  it('runs the steps in a scratch database, runs no routine body, records it, and leaves no database behind', async () => {
    await withDatabase(async ({ db, url }) => {
      // A scratch database a crashed run left ten minutes ago and more is cleared on the way.
      await db.exec('CREATE DATABASE schemaform_rehearsal_1_deadbeef');
      const { model } = await loadSchema(writeTempYaml(file));
      const plan = await createPlan(db, model, { rehearsal: await rehearsalTarget(url, db) });
      assert.deepEqual(plan.rehearsal, { rehearsed: true, where: 'this server' });
      assert.deepEqual(await scratchDatabases(url), []);
      await applyPlan(db, plan);
    });
  });

  it('refuses to write a plan in the wrong order, naming the step that fails', async () => {
    await withDatabase(async ({ db, url }) => {
      const { model } = await loadSchema(writeTempYaml(file));
      // Without the rule that puts a table before the routines naming its row type, the differ's order is wrong.
      const orderRules = rules.filter((r) => r.name !== 'created-before-use');
      await assert.rejects(createPlan(db, model, { rehearsal: await rehearsalTarget(url, db), orderRules }), (e: Error) => {
        assert.match(e.message, /^rehearsal: step \d+ \(create function a\.named\(n text\)\) failed in a scratch database: .* does not exist; no plan was written$/);
        return true;
      });
      assert.deepEqual(await scratchDatabases(url), []);
      assert.deepEqual(await db.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('a', 'b')"), [], 'nothing was created in the live database');
    });
  });

  it('rebuilds the live objects with names resolving in their own schema, as the steps do', async () => {
    await withDatabase(async ({ db, url }) => {
      await db.exec(`CREATE SCHEMA app; CREATE COLLATION app.bytewise (provider = libc, locale = 'C');
        SET search_path = app; CREATE TABLE app.people (name text COLLATE bytewise); RESET search_path;`);
      const { model } = await loadSchema(writeTempYaml(`schemas:
  app:
    collations:
      bytewise: { provider: libc, locale: C }
    tables:
      people:
        columns:
          name: { type: text, collation: bytewise }
          age: { type: integer }
`));
      const plan = await createPlan(db, model, { rehearsal: await rehearsalTarget(url, db) });
      assert.deepEqual(plan.rehearsal, { rehearsed: true, where: 'this server' });
    });
  });

  it('rehearses a change to a table whose foreign key points at a table the plan leaves alone', async () => {
    await withDatabase(async ({ db, url }) => {
      // The scratch database holds items without owners, so without its key: the comparison must not miss it.
      await db.exec('CREATE TABLE owners (id bigint PRIMARY KEY); CREATE TABLE items (id bigint PRIMARY KEY, owner_id bigint REFERENCES owners ON DELETE SET NULL)');
      const { model } = await loadSchema(writeTempYaml(`schemas:
  public:
    tables:
      owners:
        columns:
          id: { type: bigint, notNull: true }
        primaryKey: [ id ]
      items:
        columns:
          id: { type: bigint, notNull: true }
          owner_id: { type: bigint }
          note: { type: text }
        primaryKey: [ id ]
        foreignKeys:
          items_owner_id_fkey: { columns: [ owner_id ], references: { table: owners, columns: [ id ] }, onDelete: set null }
`));
      const plan = await createPlan(db, model, { rehearsal: await rehearsalTarget(url, db) });
      assert.deepEqual(plan.steps.map((s) => s.description), ['add column note to table public.items']);
      assert.deepEqual(plan.rehearsal, { rehearsed: true, where: 'this server' });
      await applyPlan(db, plan);
      assert.deepEqual((await createPlan(db, model, { rehearsal: await rehearsalTarget(url, db) })).steps, []);
    });
  });

  it('refuses a plan whose steps do not reach the file, naming what is left to do', async () => {
    await withDatabase(async ({ db, url }) => {
      await db.exec('CREATE TABLE items (id bigint PRIMARY KEY)');
      const { model } = await loadSchema(writeTempYaml(`schemas:
  public:
    tables:
      items:
        columns:
          id: { type: bigint, notNull: true }
          note: { type: text }
          size: { type: integer }
        primaryKey: [ id ]
`));
      const plan = await createPlan(db, model);
      assert.deepEqual(plan.steps.map((s) => s.description), ['add column note to table public.items', 'add column size to table public.items']);
      // A planner that forgot a step: the other one runs, and the result is read back and compared with the file.
      const short = { ...plan, steps: plan.steps.slice(0, 1) };
      await assert.rejects(rehearse(await rehearsalTarget(url, db), short, { live: plan.source.model, file: model }), (e: SchemaformError) => {
        assert.equal(e.message, "rehearsal: after the plan's steps ran in a scratch database, 1 difference(s) from the file remain; no plan was written");
        assert.deepEqual(e.details, ['still to do: add column size to table public.items']);
        return true;
      });
      assert.deepEqual(await scratchDatabases(url), []);
      assert.deepEqual((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0")), [{ n: '1' }], 'the live table is untouched');
    });
  });

  it('drops its scratch database when the work in it fails', async () => {
    await withDatabase(async ({ db, url }) => {
      const target = await rehearsalTarget(url, db);
      await assert.rejects(withScratchDatabase(target, async (scratch, name) => {
        assert.deepEqual(await scratchDatabases(url), [name], 'the work runs in the one scratch database');
        await scratch.exec('CREATE TABLE t (id int)');
        throw new Error('work failed');
      }), /work failed/);
      assert.deepEqual(await scratchDatabases(url), []);
    });
  });

  it('says in the plan when there was nowhere to rehearse', async () => {
    await withDatabase(async ({ db }) => {
      const { model } = await loadSchema(writeTempYaml(file));
      const plan = await createPlan(db, model);
      assert.equal(plan.rehearsal?.rehearsed, false);
      assert.match(plan.rehearsal && !plan.rehearsal.rehearsed ? plan.rehearsal.reason : '', /no scratch database/);
    });
  });
});
