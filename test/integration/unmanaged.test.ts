import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { SchemaformError } from '../../src/errors.js';
import { introspect, serverInfo } from '../../src/introspect/introspect.js';
import { listUnmanaged, scanCatalog } from '../../src/introspect/unmanaged.js';
import { formatPlanText } from '../../src/plan/format-text.js';
import { makeStyle } from '../../src/cli/style.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';

const schema = `
schemas:
  public:
    tables:
      items:
        columns:
          id: { type: int }
          name: { type: text }
        primaryKey: [id]
`;

describe('objects schemaform does not manage', () => {
  it('are listed in the plan by kind and name and survive apply untouched', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, schema);
      await db.exec(`CREATE STATISTICS public.items_stats ON id, name FROM public.items;
        CREATE OPERATOR public.=== (leftarg = integer, rightarg = integer, function = int4eq);
        CREATE OPERATOR FAMILY public.fam USING btree;
        CREATE SCHEMA elsewhere; CREATE OPERATOR elsewhere.=== (leftarg = integer, rightarg = integer, function = int4eq);`);
      const plan = await planYaml(db, schema.replace('          name: { type: text }\n', '          name: { type: text }\n          price: { type: numeric }\n'));
      assert.deepEqual(plan.unmanaged.map((o) => `${o.kind} ${o.schema}.${o.name}`), [
        'operator public.===(integer,integer)',
        'operator family public.fam USING btree',
        'statistics object public.items_stats',
      ]);
      assert.match(formatPlanText(plan, makeStyle(false)), /Not managed by schemaform, left untouched \(3\):\n {2}operator: public\.===\(integer,integer\)/);
      await applyPlan(db, plan);
      const [row] = await db.query<{ s: number; o: string | null }>(`SELECT (SELECT count(*)::int FROM pg_statistic_ext WHERE stxname = 'items_stats') AS s, to_regoperator('public.===(integer,integer)')::text AS o`);
      assert.deepEqual(row, { s: 1, o: '===(integer,integer)' });
    });
  });

  it('--strict refuses to plan while they exist', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(`CREATE OPERATOR FAMILY public.one USING btree`);
      const { model } = await loadSchema(writeTempYaml(schema));
      await assert.rejects(createPlan(db, model, { strict: true }), (e: unknown) => e instanceof SchemaformError && /operator family public\.one USING btree/.test(e.details.join()));
    });
  });
});

/**
 * The unmanaged list compares what the catalog holds with what the model
 * read, so it needs no list of kinds. These tests create objects of kinds
 * the model does not hold (none of them named anywhere in the tool) and
 * check each is listed; and that the scan reaches every catalog PostgreSQL
 * says holds objects in a schema, so a new kind cannot slip past it.
 */
describe('unmanaged objects: the catalog compared with the model', function () {
  this.timeout(120_000);

  it('lists objects of every kind the model does not hold, in PostgreSQL\'s words, and nothing it does', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(`
        CREATE TABLE t (id integer PRIMARY KEY, a integer CHECK (a > 0), b text);
        CREATE TABLE child () INHERITS (t);
        CREATE VIEW v AS SELECT id, a FROM t;
        CREATE RULE v_insert AS ON INSERT TO v DO INSTEAD INSERT INTO t (id, a) VALUES (NEW.id, NEW.a);
        CREATE TEXT SEARCH TEMPLATE my_template (LEXIZE = dsimple_lexize, INIT = dsimple_init);
        CREATE OPERATOR === (leftarg = integer, rightarg = integer, function = int4eq);
        CREATE OPERATOR FAMILY fam USING btree;
        CREATE STATISTICS t_stats ON a, b FROM t;
        CREATE TYPE shell_type;
        CREATE CONVERSION my_conversion FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
        CREATE PUBLICATION my_publication FOR TABLE ONLY t;
        CREATE FOREIGN DATA WRAPPER dummy_wrapper;
        CREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_wrapper;
        CREATE FOREIGN TABLE remote (id integer) SERVER dummy_server;
        CREATE TABLE tuned (id integer) WITH (autovacuum_enabled = false);`);
      const listed = (await listUnmanaged(db, await serverInfo(db))).map((o) => `${o.kind} ${o.schema}.${o.name}`);
      assert.deepEqual(listed, [
        'conversion public.my_conversion',
        'foreign table public.remote',
        'operator public.===(integer,integer)',
        'operator family public.fam USING btree',
        'publication relation public.t (my_publication)',
        'statistics object public.t_stats',
        'table storage options public.tuned',
        'text search template public.my_template',
        'type public.shell_type',
      ]);
    });
  });

  it('reaches every catalog with objects in a schema (pg_get_catalog_foreign_keys), so a new kind is listed too', async function () {
    await withDatabase(async ({ db }) => {
      const server = await serverInfo(db);
      if (server.versionNum < 140000) this.skip();
      await db.exec(`
        CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
        CREATE AGGREGATE total(integer) (sfunc = int4pl, stype = integer);
        CREATE TEXT SEARCH CONFIGURATION my_search (COPY = english);
        CREATE TEXT SEARCH DICTIONARY my_dictionary (TEMPLATE = simple);
        CREATE OPERATOR CLASS my_ops FOR TYPE integer USING btree AS OPERATOR 1 <, FUNCTION 1 btint4cmp(integer, integer);
        CREATE COLLATION my_collation (provider = libc, locale = 'C');
        CREATE TABLE t (id integer);
        CREATE STATISTICS t_stats ON id, (id + 1) FROM t;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO public;`);
      // Every catalog whose rows live in a schema, by PostgreSQL's own account.
      const catalogs = await db.query<{ catalog: string; column: string }>(`
        SELECT fktable::text AS catalog, fkcols[1] AS column FROM pg_catalog.pg_get_catalog_foreign_keys()
        WHERE pktable = 'pg_catalog.pg_namespace'::regclass AND NOT is_array AND cardinality(fkcols) = 1
          AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = fktable AND a.attname = 'oid')`);
      assert.ok(catalogs.length >= 15, `PostgreSQL names the catalogs with a schema column (${catalogs.map((c) => c.catalog).join(', ')})`);
      const scan = await scanCatalog(db, server);
      const { read } = await introspect(db, {}, server);
      for (const { catalog, column } of catalogs) {
        const rows = await db.query<{ oid: number }>(`
          SELECT x.oid FROM ${catalog} x
          WHERE x.${column} = 'public'::regnamespace
            -- Objects that are part of another (row types, array types, constructors) come with it.
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = x.oid AND d.objsubid = 0 AND d.deptype IN ('i', 'e'))`);
        for (const { oid } of rows) {
          assert.ok(scan.objects.has(catalog, Number(oid)) || read.has(catalog, Number(oid)), `${catalog} row ${oid} in schema public is neither scanned nor read`);
        }
      }
    });
  });
});
