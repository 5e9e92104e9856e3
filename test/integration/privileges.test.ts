import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyPlan } from '../../src/apply/apply.js';
import { SchemaformError } from '../../src/errors.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { sql } from '../harness/databases.js';
import { serverUrl } from '../harness/root-hooks.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

// Roles belong to the whole server: unique names, dropped afterwards.
const suffix = randomBytes(3).toString('hex');
const reader = `reader_${suffix}`;
const writer = `writer_${suffix}`;
const odd = `Odd "role"-${suffix}`;
const quoted = (role: string) => `"${role.replaceAll('"', '""')}"`;
const yamlString = (role: string) => JSON.stringify(role);

const v1 = `
schemas:
  public:
    functions:
      "double_it(n integer)":
        returns: integer
        language: sql
        body: SELECT n * 2
        grants:
          - { to: ${writer}, privileges: [execute] }
      "open_to_all()":
        returns: integer
        language: sql
        body: SELECT 1
    sequences:
      tickets:
        grants:
          - { to: ${writer}, privileges: [usage, select] }
    tables:
      accounts:
        columns:
          id: { type: bigint }
          name: { type: text }
          secret: { type: text }
        grants:
          - { to: ${writer}, privileges: [select, insert, update] }
          - { to: ${reader}, privileges: [select], columns: [id, name] }
          - { to: ${yamlString(odd)}, privileges: [SELECT], withGrantOption: true }
          - { to: PUBLIC, privileges: [references] }
    views:
      account_names:
        query: SELECT id, name FROM accounts
        grants:
          - { to: ${reader}, privileges: [select] }
`;

async function privileges(db: { query<T>(q: string, p?: unknown[]): Promise<T[]> }) {
  const [row] = await db.query<Record<string, boolean>>(`SELECT
      has_table_privilege($1, 'accounts', 'SELECT') AS reader_table,
      has_column_privilege($1, 'accounts', 'name', 'SELECT') AS reader_name,
      has_column_privilege($1, 'accounts', 'secret', 'SELECT') AS reader_secret,
      has_table_privilege($1, 'account_names', 'SELECT') AS reader_view,
      has_table_privilege($2, 'accounts', 'INSERT') AS writer_insert,
      has_table_privilege($2, 'accounts', 'DELETE') AS writer_delete,
      has_sequence_privilege($2, 'tickets', 'USAGE') AS writer_sequence,
      has_table_privilege($3, 'accounts', 'SELECT WITH GRANT OPTION') AS odd_grant_option,
      has_function_privilege($1, 'double_it(integer)', 'EXECUTE') AS reader_double,
      has_function_privilege($2, 'double_it(integer)', 'EXECUTE') AS writer_double,
      has_function_privilege($1, 'open_to_all()', 'EXECUTE') AS reader_open`, [reader, writer, odd]);
  return row!;
}

describe('privileges on tables, columns, views, sequences and routines', function () {
  before(async () => {
    for (const role of [reader, writer, odd]) await sql(serverUrl(), `CREATE ROLE ${quoted(role)}`);
  });
  after(async () => {
    for (const role of [reader, writer, odd]) await sql(serverUrl(), `DROP ROLE IF EXISTS ${quoted(role)}`);
  });

  it('grants what the file says, inspects back, and replans to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, v1);
      assert.ok(plan.steps.some((s) => /^GRANT SELECT \("id", "name"\) ON TABLE "public"\."accounts" TO "reader_/.test(s.sql.join())), plan.steps.map((s) => s.sql.join()).join('\n'));
      assert.deepEqual(await privileges(db), {
        reader_table: false, reader_name: true, reader_secret: false, reader_view: true,
        writer_insert: true, writer_delete: false, writer_sequence: true, odd_grant_option: true,
        // A function with grants is the owner's and theirs only; one without keeps the default (everyone).
        reader_double: false, writer_double: true, reader_open: true,
      });
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /- \{ to: public, privileges: \[ references \] \}/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
    });
  });

  it('revokes what the file no longer grants, keeps grants across a view rebuild, and rolls back', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      const v2 = v1
        .replace(`{ to: ${writer}, privileges: [select, insert, update] }`, `{ to: ${writer}, privileges: [all] }`)
        .replace(`          - { to: ${yamlString(odd)}, privileges: [SELECT], withGrantOption: true }\n`, `          - { to: ${yamlString(odd)}, privileges: [SELECT] }\n`)
        .replace('SELECT id, name FROM accounts', 'SELECT id, upper(name) AS name FROM accounts')
        .replace('        body: SELECT 1\n', '        body: SELECT 1\n        grants: []\n');
      const plan = await planYaml(db, v2);
      const revokes = plan.steps.filter((s) => s.change.kind === 'revoke-privileges');
      assert.ok(revokes.length > 0 && revokes.every((s) => s.hazards.some((h) => h.code === 'breaking-change')), JSON.stringify(revokes.map((s) => s.hazards)));
      await applyPlan(db, plan);
      const after = await privileges(db);
      assert.equal(after.writer_delete, true, 'all includes DELETE');
      assert.equal(after.odd_grant_option, false, 'the grant option is gone');
      assert.equal(after.reader_view, true, 'the rebuilt view keeps its grant');
      assert.equal(after.reader_open, false, 'grants: [] leaves the function to its owner');
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);

      await applyPlan(db, await planRollback(db));
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      assert.equal((await privileges(db)).odd_grant_option, true);
      assert.equal((await privileges(db)).reader_open, true);
    });
  });

  it('refuses to plan grants to a role that does not exist, naming it', async () => {
    await withDatabase(async ({ db }) => {
      await assert.rejects(planYaml(db, v1.replace(`{ to: ${reader}, privileges: [select] }`, '{ to: nobody_here, privileges: [select] }')), (e: unknown) =>
        e instanceof SchemaformError && /role\(s\) that do not exist: nobody_here/.test(e.message) && /CREATE ROLE/.test(e.hint ?? ''));
    });
  });

  it('reports a privilege that does not apply, or a column the table lacks, at its place in the file', async () => {
    await withDatabase(async ({ db }) => {
      await assert.rejects(planYaml(db, v1.replace('privileges: [usage, select]', 'privileges: [usage, delete]')), /delete cannot be granted on sequence "tickets"/);
      await assert.rejects(planYaml(db, v1.replace('columns: [id, name]', 'columns: [id, nope]')), /names column "nope", which it does not have/);
    });
  });
});

describe('privileges on schemas and types, and default privileges', function () {
  const user = `user_${suffix}`;
  before(async () => {
    for (const role of [user]) await sql(serverUrl(), `CREATE ROLE ${quoted(role)}`);
  });
  after(async () => {
    for (const role of [user]) await sql(serverUrl(), `DROP ROLE IF EXISTS ${quoted(role)}`);
  });

  const base = `
schemas:
  app:
    grants:
      - { to: ${user}, privileges: [usage] }
    defaultPrivileges:
      - { on: tables, grants: [{ to: ${user}, privileges: [select] }] }
      - { on: functions, grants: [{ to: ${user}, privileges: [execute] }] }
    enums:
      mood: { values: [happy, sad], grants: [] }
    domains:
      positive: { type: integer, checks: { positive_check: { expression: VALUE > 0 } }, grants: [{ to: ${user}, privileges: [usage] }] }
    composites:
      pair: { attributes: { a: integer, b: integer }, grants: [{ to: public, privileges: [all] }] }
    tables:
      first:
        columns: { id: { type: bigint }, feeling: { type: mood } }
`;

  async function privilegesOf(db: { query<T>(q: string, p?: unknown[]): Promise<T[]> }, table?: string) {
    const [row] = await db.query<Record<string, boolean>>(`SELECT
        has_schema_privilege($1, 'app', 'USAGE') AS schema_usage,
        has_schema_privilege($1, 'app', 'CREATE') AS schema_create,
        has_type_privilege($1, 'app.mood', 'USAGE') AS mood,
        has_type_privilege($1, 'app.positive', 'USAGE') AS positive,
        has_type_privilege($1, 'app.pair', 'USAGE') AS pair,
        has_table_privilege($1, 'app.first', 'SELECT') AS first_select
        ${table ? `, has_table_privilege($1, $2, 'SELECT') AS table_select` : ''}`, table ? [user, table] : [user]);
    return row!;
  }

  it('grants on schemas and types, sets defaults after creating what they would cover, inspects back and rolls back', async () => {
    await withDatabase(async ({ db }) => {
      const plan = await applyYaml(db, base);
      const sql = plan.steps.flatMap((s) => s.sql);
      assert.ok(sql.includes(`GRANT USAGE ON SCHEMA "app" TO ${quoted(user)}`), sql.join('\n'));
      assert.ok(sql.includes('REVOKE USAGE ON TYPE "app"."mood" FROM PUBLIC'), sql.join('\n'));
      const [{ me }] = await db.query<{ me: string }>('SELECT current_user AS me') as [{ me: string }];
      assert.ok(sql.includes(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoted(me)} IN SCHEMA "app" GRANT SELECT ON TABLES TO ${quoted(user)}`), sql.join('\n'));
      const defaults = plan.steps.filter((s) => s.sql.some((q) => q.startsWith('ALTER DEFAULT PRIVILEGES')));
      assert.equal(defaults.length, 2);
      assert.ok(defaults.every((d) => d.index > plan.steps.findIndex((s) => s.change.kind === 'create-table')), 'defaults change after the table is created');
      assert.deepEqual(await privilegesOf(db), {
        schema_usage: true, schema_create: false, mood: false, positive: true, pair: true,
        // Created before the defaults existed, and the file grants nothing on it.
        first_select: false,
      });
      assert.deepEqual((await planYaml(db, base)).steps.map((s) => s.description), []);
      const yaml = modelToYaml((await introspect(db, { schemas: ['app'] })).model);
      assert.match(yaml, /defaultPrivileges:/);
      assert.match(yaml, /mood:\n\s+values: \[ happy, sad \]\n\s+grants: \[\]/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);

      // Created now, a table starts with the defaults: the file's word still wins.
      const later = base.replace('    tables:\n', `    tables:
      granted:
        columns: { id: { type: bigint } }
        grants: [{ to: ${user}, privileges: [select] }]
      bare:
        columns: { id: { type: bigint } }
`).replace(`    grants:\n      - { to: ${user}, privileges: [usage] }\n`, `    grants:\n      - { to: ${user}, privileges: [usage, create] }\n`)
        .replace(`      - { on: functions, grants: [{ to: ${user}, privileges: [execute] }] }\n`, '');
      const second = await planYaml(db, later);
      const descriptions = second.steps.map((s) => s.description);
      assert.ok(!descriptions.some((d) => /^grant .* table app\.granted/.test(d)), descriptions.join('\n'));
      assert.ok(descriptions.some((d) => /^revoke SELECT on table app\.bare/.test(d)), descriptions.join('\n'));
      const dropDefault = second.steps.find((s) => s.sql.some((q) => / REVOKE EXECUTE ON FUNCTIONS FROM /.test(q)));
      assert.ok(dropDefault?.hazards.some((h) => h.code === 'breaking-change'), descriptions.join('\n'));
      await applyPlan(db, second);
      assert.equal((await privilegesOf(db, 'app.granted')).table_select, true);
      assert.equal((await privilegesOf(db, 'app.bare')).table_select, false);
      assert.equal((await privilegesOf(db)).schema_create, true);
      assert.deepEqual((await planYaml(db, later)).steps.map((s) => s.description), []);

      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.deepEqual((await planYaml(db, base)).steps.map((s) => s.description), []);
      assert.equal((await privilegesOf(db)).schema_create, false);
    });
  });

  it('leaves a schema\'s own privileges alone when the file does not set them', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(`CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO ${quoted(user)}`);
      const plan = await planYaml(db, 'schemas:\n  app:\n    tables:\n      t: { columns: { id: { type: bigint } } }\n');
      assert.deepEqual(plan.steps.map((s) => s.description), ['create table app.t']);
    });
  });

  it('reports a privilege a schema or type cannot have at its place in the file', async () => {
    await withDatabase(async ({ db }) => {
      await assert.rejects(planYaml(db, base.replace('privileges: [usage] }\n    defaultPrivileges', 'privileges: [select] }\n    defaultPrivileges')), /select cannot be granted on schema "app"; use usage, create, all/);
      await assert.rejects(planYaml(db, base.replace(`grants: [{ to: ${user}, privileges: [usage] }] }`, `grants: [{ to: ${user}, privileges: [execute] }] }`)), /execute cannot be granted on domain "positive"; use usage, all/);
    });
  });
});
