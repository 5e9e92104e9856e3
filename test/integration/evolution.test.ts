import assert from 'node:assert/strict';
import { applyYaml, planYaml, stepKinds, withDatabase } from '../harness/workflow.js';

const v1 = `
schemas:
  public:
    tables:
      purchases:
        columns:
          id: { type: int, identity: always }
          customer: { type: text }
          amount: { type: int, notNull: true }
          note: { type: varchar(20) }
        primaryKey: [id]
        indexes:
          purchases_customer_idx: { columns: [customer] }
      customers:
        columns:
          name: { type: text }
        primaryKey: [name]
`;

// Rename a table and a column, widen types, change a default, tighten NOT
// NULL, add a column, swap an index, add a foreign key.
const v2 = `
schemas:
  public:
    tables:
      orders:
        renamedFrom: purchases
        columns:
          id: { type: bigint, identity: always }
          customer_name: { type: text, renamedFrom: customer, notNull: true }
          amount: { type: "numeric(12,2)", notNull: true, default: 0 }
          note: { type: text }
          currency: { type: text, notNull: true, default: "'EUR'" }
        primaryKey: [id]
        foreignKeys:
          orders_customer_fkey: { columns: [customer_name], references: { table: customers, columns: [name] } }
        indexes:
          orders_amount_idx: { columns: [amount], where: "amount > 100" }
      customers:
        columns:
          name: { type: text }
        primaryKey: [name]
`;

describe('evolution keeps data', () => {
  it('renames, retypes and constrains columns while every row and value survives', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO customers VALUES ('ada'), ('bob');
        INSERT INTO purchases (customer, amount, note) VALUES ('ada', 10, 'first'), ('bob', 250, NULL), ('ada', 99, 'third')`);
      const plan = await planYaml(db, v2);
      const kinds = stepKinds(plan);
      assert.ok(kinds.includes('rename-table') && kinds.includes('rename-column'), kinds.join());
      assert.ok(!kinds.includes('drop-table') && !kinds.includes('drop-column'), 'renames must not drop anything');
      assert.equal(plan.steps.flatMap((s) => s.hazards).filter((h) => h.code === 'data-loss').length, 0);
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, plan);
      const rows = await db.query<{ id: string; customer_name: string; amount: string; note: string | null; currency: string }>(
        'SELECT id::text, customer_name, amount::text, note, currency FROM orders ORDER BY id');
      assert.deepEqual(rows, [
        { id: '1', customer_name: 'ada', amount: '10.00', note: 'first', currency: 'EUR' },
        { id: '2', customer_name: 'bob', amount: '250.00', note: null, currency: 'EUR' },
        { id: '3', customer_name: 'ada', amount: '99.00', note: 'third', currency: 'EUR' },
      ]);
      assert.equal((await planYaml(db, v2)).steps.length, 0, 'second plan is empty');
      // The identity keeps counting from where it was.
      const [next] = await db.query<{ id: string }>(`INSERT INTO orders (customer_name, amount) VALUES ('bob', 1) RETURNING id::text`);
      assert.equal(next!.id, '4');
    });
  });

  it('adds an enum value in place and keeps its position', async () => {
    await withDatabase(async ({ db }) => {
      const schema = (values: string) => `
schemas:
  public:
    enums:
      status: [${values}]
    tables:
      jobs:
        columns:
          id: { type: int }
          state: { type: status, notNull: true, default: "'new'" }
        primaryKey: [id]
`;
      await applyYaml(db, schema('new, done'));
      await db.exec(`INSERT INTO jobs VALUES (1, 'done')`);
      const plan = await applyYaml(db, schema('new, running, done'));
      assert.deepEqual(stepKinds(plan), ['add-enum-value']);
      const [row] = await db.query<{ labels: string[] }>(`SELECT enum_range(NULL::status)::text[] AS labels`);
      assert.deepEqual(row!.labels, ['new', 'running', 'done']);
      assert.equal((await planYaml(db, schema('new, running, done'))).steps.length, 0);
    });
  });

  it('plans nothing for spellings PostgreSQL treats as equal', async () => {
    await withDatabase(async ({ db }) => {
      const a = `
schemas:
  public:
    tables:
      t:
        columns:
          a: { type: int4, default: "1 + 1" }
          b: { type: timestamptz, default: CURRENT_TIMESTAMP }
          c: { type: "character varying(10)", default: "'x'" }
          d: { type: "decimal(5,1)" }
        checks:
          t_a_check: { expression: "a > 0 AND b IS NOT NULL" }
        indexes:
          t_idx: { expressions: ["lower(c)"], where: "a>1" }
`;
      await applyYaml(db, a);
      assert.deepEqual((await planYaml(db, a)).steps.map((s) => s.description), []);
    });
  });
});

describe('exclusion constraints', () => {
  it('create, normalise, refuse overlaps, and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const schema = `
extensions: [btree_gist]
schemas:
  public:
    tables:
      bookings:
        columns:
          room: { type: int, notNull: true }
          during: { type: tstzrange, notNull: true }
        exclusions:
          bookings_no_overlap: { definition: "exclude using gist (room with =, during with &&)", comment: One booking per room at a time }
`;
      await applyYaml(db, schema);
      assert.deepEqual((await planYaml(db, schema)).steps.map((s) => s.description), []);
      await db.exec(`INSERT INTO bookings VALUES (1, '[2026-01-01,2026-01-03)')`);
      await assert.rejects(db.exec(`INSERT INTO bookings VALUES (1, '[2026-01-02,2026-01-04)')`), /bookings_no_overlap/);
    });
  });
});

describe('schema renames', () => {
  it('renames a schema in place, keeping rows, types and references, and rolls back', async () => {
    await withDatabase(async ({ db }) => {
      const v1 = `
schemas:
  public:
    tables:
      users:
        columns:
          id: { type: int }
        primaryKey: [id]
  billing:
    enums:
      currency: [eur, usd]
    tables:
      invoices:
        columns:
          id: { type: int }
          user_id: { type: int }
          currency: { type: currency, default: "'eur'" }
        primaryKey: [id]
        foreignKeys:
          invoices_user_fkey: { columns: [user_id], references: { schema: public, table: users, columns: [id] } }
    views:
      euro_invoices: { query: "SELECT id FROM invoices WHERE currency = 'eur'" }
`;
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO users VALUES (1); INSERT INTO billing.invoices VALUES (10, 1, 'usd')`);
      const v2 = v1.replace('  billing:\n', '  accounts:\n    renamedFrom: billing\n');
      const plan = await planYaml(db, v2);
      assert.deepEqual(stepKinds(plan), ['rename-schema']);
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, plan);
      assert.deepEqual(await db.query(`SELECT id, currency::text FROM accounts.invoices`), [{ id: 10, currency: 'usd' }]);
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);
      const { planRollback } = await import('../../src/rollback/rollback.js');
      const back = await planRollback(db);
      assert.deepEqual(stepKinds(back), ['rename-schema']);
      await applyPlan(db, back);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
    });
  });
});

describe('unlogged tables', () => {
  it('create unlogged, inspect back, and switch to logged with its rows (a rewrite, flagged)', async () => {
    await withDatabase(async ({ db }) => {
      const unlogged = `
schemas:
  public:
    tables:
      cache:
        columns:
          k: { type: text }
          v: { type: jsonb }
        unlogged: true
`;
      await applyYaml(db, unlogged);
      assert.equal((await db.query<{ p: string }>(`SELECT relpersistence AS p FROM pg_class WHERE relname = 'cache'`))[0]!.p, 'u');
      assert.deepEqual((await planYaml(db, unlogged)).steps.map((s) => s.description), []);
      await db.exec(`INSERT INTO cache VALUES ('a', '{}')`);
      const logged = unlogged.replace('        unlogged: true\n', '');
      const plan = await applyYaml(db, logged);
      assert.deepEqual(stepKinds(plan), ['set-table-logging']);
      assert.ok(plan.steps[0]!.hazards.some((h) => h.code === 'table-rewrite'));
      assert.equal((await db.query<{ p: string }>(`SELECT relpersistence AS p FROM pg_class WHERE relname = 'cache'`))[0]!.p, 'p');
      assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cache`))[0]!.n, 1);
      assert.deepEqual((await planYaml(db, logged)).steps.map((s) => s.description), []);
    });
  });
});

describe('collations', () => {
  it('create before the columns that use them, inspect back, and drop after the last use', async () => {
    await withDatabase(async ({ db }) => {
      const v1 = `
schemas:
  public:
    collations:
      bytewise: { locale: C, comment: Sorts by bytes }
      posix_order: { lcCollate: POSIX, lcCtype: C }
    tables:
      words:
        columns:
          w: { type: text, collation: bytewise }
          v: { type: text, collation: posix_order }
`;
      const plan = await applyYaml(db, v1);
      const kinds = stepKinds(plan);
      assert.ok(kinds.lastIndexOf('create-collation') < kinds.indexOf('create-table'), kinds.join());
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const { introspect } = await import('../../src/introspect/introspect.js');
      const { modelToYaml } = await import('../../src/yaml/from-model.js');
      const yaml = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(yaml, /bytewise: \{ locale: C, comment: Sorts by bytes \}/);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);

      const v2 = v1.replace('      posix_order: { lcCollate: POSIX, lcCtype: C }\n', '').replace('v: { type: text, collation: posix_order }', 'v: { type: text }');
      const drop = await applyYaml(db, v2);
      assert.deepEqual(stepKinds(drop), ['alter-column', 'drop-collation']);
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);
    });
  });
});

describe('table inheritance', () => {
  it('creates children after parents, lists only their own columns, and restores a dropped child with its inherited values', async () => {
    await withDatabase(async ({ db }) => {
      const v1 = `
schemas:
  public:
    tables:
      stamped:
        columns:
          created_at: { type: timestamptz, default: now() }
          note: { type: text }
      posts:
        inherits: [stamped]
        columns:
          id: { type: int }
          title: { type: text }
        primaryKey: [id]
        checks:
          posts_note_check: { expression: "note <> ''" }
`;
      const plan = await applyYaml(db, v1);
      const creates = plan.steps.filter((s) => s.change.kind === 'create-table').map((s) => s.description);
      assert.deepEqual(creates, ['create table public.stamped', 'create table public.posts']);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const { introspect } = await import('../../src/introspect/introspect.js');
      const { modelToYaml } = await import('../../src/yaml/from-model.js');
      const model = (await introspect(db, { schemas: ['public'] })).model;
      assert.deepEqual(model.schemas[0]!.tables.find((t) => t.name === 'posts')!.columns.map((c) => c.name), ['id', 'title']);
      assert.deepEqual((await planYaml(db, modelToYaml(model))).steps.map((s) => s.description), []);

      await db.exec(`INSERT INTO posts (id, title, note, created_at) VALUES (1, 'hello', 'first', '2026-01-01T00:00:00Z')`);
      const before = await db.query(`SELECT id, title, note, created_at::text FROM posts`);
      const v2 = v1.replace(/      posts:[\s\S]*$/, '');
      await applyYaml(db, v2, { allowDestructive: true });
      const { planRollback } = await import('../../src/rollback/rollback.js');
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, await planRollback(db), { allowDestructive: true });
      assert.deepEqual(await db.query(`SELECT id, title, note, created_at::text FROM posts`), before, 'inherited columns come back too');
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
    });
  });
});

describe('composite types', () => {
  it('create before the tables and routines that use them, change fields in place, and inspect back', async () => {
    await withDatabase(async ({ db }) => {
      const v1 = `
schemas:
  public:
    composites:
      address:
        attributes:
          street: text
          city: { type: text, collation: C }
          zip: varchar(10)
        comment: A postal address
    functions:
      "city_of(a address)":
        returns: text
        language: sql
        body: SELECT a.city
    tables:
      customers:
        columns:
          id: { type: int }
          home: { type: address }
`;
      const plan = await applyYaml(db, v1);
      const kinds = stepKinds(plan);
      assert.ok(kinds.indexOf('create-composite') < kinds.indexOf('create-function') || kinds.indexOf('create-composite') < kinds.indexOf('create-table'), kinds.join());
      await db.exec(`INSERT INTO customers VALUES (1, ROW('Main St 1', 'Springfield', '12345'))`);
      assert.deepEqual(await db.query(`SELECT city_of(home) AS city FROM customers`), [{ city: 'Springfield' }]);
      assert.deepEqual((await planYaml(db, v1)).steps.map((s) => s.description), []);
      const { introspect } = await import('../../src/introspect/introspect.js');
      const { modelToYaml } = await import('../../src/yaml/from-model.js');
      assert.deepEqual((await planYaml(db, modelToYaml((await introspect(db, { schemas: ['public'] })).model))).steps.map((s) => s.description), []);

      const v2 = v1.replace('          zip: varchar(10)\n', '          country: text\n');
      const plan2 = await planYaml(db, v2, { allowDestructive: true });
      assert.deepEqual(plan2.steps.map((s) => s.change.kind), ['alter-composite']);
      assert.ok(plan2.steps[0]!.hazards.some((h) => h.code === 'data-loss' && /zip/.test(h.message)));
      const { applyPlan } = await import('../../src/apply/apply.js');
      await applyPlan(db, plan2, { allowDestructive: true });
      assert.deepEqual(await db.query(`SELECT (home).city, (home).country FROM customers`), [{ city: 'Springfield', country: null }]);
      assert.deepEqual((await planYaml(db, v2)).steps.map((s) => s.description), []);
    });
  });
});
