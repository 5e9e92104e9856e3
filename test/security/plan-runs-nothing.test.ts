import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectServer } from '../../src/db/server.js';
import type { Database } from '../../src/db/database.js';
import { SchemaFileError, SchemaformError } from '../../src/errors.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { applyYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';
import { runCli, STACK_TRACE } from '../harness/cli.js';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `schema plan` runs on pull requests, where the schema file is untrusted.
 * Every position that holds SQL text gets statement breakouts and
 * side-effect payloads; afterwards nothing may have happened: the sentinel
 * sequence has not moved, no file was written, no replication slot exists,
 * another session is alive, no table appeared through dblink, and no plan
 * took anywhere near as long as the sleep it was handed.
 */

type Doc = Record<string, any>;

const FULL = process.env.SCHEMAFORM_SECURITY_CASES === 'all';

/** A schema with one of everything that holds SQL text, applied first so that the plan's probe builds each of them. */
function baseDoc(): Doc {
  return {
    schemas: {
      public: {
        sequences: { sentinel: {} },
        domains: { positive: { type: 'integer', default: '1', checks: { positive_check: { expression: 'VALUE > 0' } } } },
        composites: { pair: { attributes: { x: 'integer', y: 'integer' } } },
        ranges: { span: { subtype: 'float8', subtypeDiff: 'float8mi' } },
        aggregates: { 'total(integer)': { stateFunction: 'int4pl', stateType: 'integer', initialCondition: '0' } },
        functions: {
          'twice(n integer)': { returns: 'integer', language: 'sql', volatility: 'immutable', body: 'RETURN n * 2' },
          'touch()': { returns: 'trigger', language: 'plpgsql', body: 'BEGIN RETURN NEW; END' },
        },
        tables: {
          t: {
            columns: {
              id: { type: 'integer', notNull: true },
              a: { type: 'text', default: "'x'" },
              g: { type: 'integer', generated: 'id * 2' },
              r: { type: 'box' },
            },
            primaryKey: ['id'],
            checks: { t_id_check: { expression: 'id > 0' } },
            exclusions: { t_r_excl: { definition: 'EXCLUDE USING gist (r WITH &&)' } },
            indexes: {
              t_a_idx: { columns: ['a'], where: 'id > 0' },
              t_lower_idx: { expressions: ['lower(a)'] },
              t_key_idx: { keys: [{ column: 'a', collation: '"C"', opclass: 'text_pattern_ops' }] },
            },
            triggers: { t_touch: { timing: 'before', events: ['update'], level: 'row', function: 'public.touch', when: 'OLD.a IS DISTINCT FROM NEW.a' } },
            rowLevelSecurity: true,
            policies: { own: { using: 'id > 0', withCheck: 'id > 0' } },
          },
          parted: { columns: { k: { type: 'integer' } }, partitionBy: 'range (k)' },
          part1: { partitionOf: { table: 'parted', bound: 'FROM (0) TO (10)' } },
        },
        views: {
          v: {
            query: 'SELECT id, a FROM t',
            rules: { v_insert: { event: 'insert', instead: true, where: 'NEW.id > 0', actions: ['INSERT INTO t (id, a) VALUES (NEW.id, NEW.a)'] } },
          },
          mv: { materialized: true, query: 'SELECT id FROM t', indexes: { mv_id_idx: { columns: ['id'] } } },
        },
      },
    },
  };
}

/** Where SQL text goes, each as a way to put `text` there. */
const positions: Record<string, (doc: Doc, text: string) => void> = {
  'column type': (d, x) => { d.schemas.public.tables.t.columns.a.type = x; },
  'column default': (d, x) => { d.schemas.public.tables.t.columns.a.default = x; },
  'generated column': (d, x) => { d.schemas.public.tables.t.columns.g.generated = x; },
  'type change USING': (d, x) => { Object.assign(d.schemas.public.tables.t.columns.a, { type: 'varchar(10)', using: x }); },
  check: (d, x) => { d.schemas.public.tables.t.checks.t_id_check.expression = x; },
  exclusion: (d, x) => { d.schemas.public.tables.t.exclusions.t_r_excl.definition = `EXCLUDE USING gist (r WITH &&) WHERE (${x})`; },
  'index where': (d, x) => { d.schemas.public.tables.t.indexes.t_a_idx.where = x; },
  'index expression': (d, x) => { d.schemas.public.tables.t.indexes.t_lower_idx.expressions = [x]; },
  'index collation': (d, x) => { d.schemas.public.tables.t.indexes.t_key_idx.keys[0].collation = x; },
  'index operator class': (d, x) => { d.schemas.public.tables.t.indexes.t_key_idx.keys[0].opclass = x; },
  'trigger when': (d, x) => { d.schemas.public.tables.t.triggers.t_touch.when = x; },
  'trigger function': (d, x) => { d.schemas.public.tables.t.triggers.t_touch.function = `public.${x}`; },
  'policy using': (d, x) => { d.schemas.public.tables.t.policies.own.using = x; },
  'policy with check': (d, x) => { d.schemas.public.tables.t.policies.own.withCheck = x; },
  'view query': (d, x) => { d.schemas.public.views.v.query = `SELECT id, ${x} AS a FROM t`; },
  'materialized view query': (d, x) => { d.schemas.public.views.mv.query = `SELECT ${x} AS id FROM t`; },
  'domain type': (d, x) => { d.schemas.public.domains.positive.type = x; },
  'domain default': (d, x) => { d.schemas.public.domains.positive.default = x; },
  'domain check': (d, x) => { d.schemas.public.domains.positive.checks.positive_check.expression = x; },
  'composite field type': (d, x) => { d.schemas.public.composites.pair.attributes.y = x; },
  'SQL-standard body': (d, x) => { d.schemas.public.functions['twice(n integer)'].body = `RETURN ${x}`; },
  'routine result': (d, x) => { d.schemas.public.functions['twice(n integer)'].returns = x; },
  'routine arguments': (d, x) => {
    const f = d.schemas.public.functions;
    f[`twice(n integer DEFAULT ${x})`] = f['twice(n integer)'];
    delete f['twice(n integer)'];
  },
  'range subtype': (d, x) => { d.schemas.public.ranges.span.subtype = x; },
  'range difference function': (d, x) => { d.schemas.public.ranges.span.subtypeDiff = x; },
  'aggregate state type': (d, x) => { d.schemas.public.aggregates['total(integer)'].stateType = x; },
  'aggregate state function': (d, x) => { d.schemas.public.aggregates['total(integer)'].stateFunction = x; },
  'aggregate arguments': (d, x) => {
    const a = d.schemas.public.aggregates;
    a[`total(${x})`] = a['total(integer)'];
    delete a['total(integer)'];
  },
  'rule condition': (d, x) => { d.schemas.public.views.v.rules.v_insert.where = x; },
  'rule command': (d, x) => { d.schemas.public.views.v.rules.v_insert.actions = [`INSERT INTO t (id, a) VALUES (NEW.id, ${x})`]; },
  'partition key': (d, x) => { d.schemas.public.tables.parted.partitionBy = `range ((${x}))`; },
  'partition bound': (d, x) => { d.schemas.public.tables.part1.partitionOf.bound = `FROM (${x}) TO (10)`; },
};

/** Statement breakouts around a side effect: each must be refused, whatever the position. */
const breakouts = (statement: string) => [
  `'b'); ${statement}; --`,
  `1; ${statement}`,
  `1)); ${statement}; SELECT ((1`,
  `integer; ${statement}; --`,
  `1 $x$; ${statement}; --`,
];

interface Sentinels { file: string; victim: Database; victimPid: number; dblink: boolean }

/** Side effects a rolled-back transaction does not undo, as SQL expressions. */
function sideEffects(s: Sentinels): Record<string, string> {
  return {
    sequence: "pg_catalog.setval('public.sentinel', 999)",
    file: `pg_catalog.lo_export(pg_catalog.lo_from_bytea(0, 'x'), '${s.file}')`,
    'replication slot': "(pg_catalog.pg_create_physical_replication_slot('sf_pwned')).lsn IS NULL",
    'session termination': `pg_catalog.pg_terminate_backend(${s.victimPid})`,
    sleep: 'pg_catalog.pg_sleep(25) IS NULL',
    ...(s.dblink && { 'second session': "public.dblink_exec('dbname=' || pg_catalog.current_database(), 'CREATE TABLE public.pwned ()') = ''" }),
  };
}

async function assertNothingHappened(db: Database, s: Sentinels, what: string) {
  const [seq] = await db.query<{ last_value: string; is_called: boolean }>('SELECT last_value::text, is_called FROM public.sentinel');
  assert.deepEqual(seq, { last_value: '1', is_called: false }, `${what}: the sentinel sequence moved`);
  assert.equal(existsSync(s.file), false, `${what}: a file was written on the server`);
  const [slots] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_catalog.pg_replication_slots');
  assert.equal(slots!.n, 0, `${what}: a replication slot was created`);
  assert.deepEqual(await s.victim.query('SELECT 1 AS alive'), [{ alive: 1 }], `${what}: another session was terminated`);
  const [pwned] = await db.query<{ present: boolean }>("SELECT pg_catalog.to_regclass('public.pwned') IS NOT NULL AS present");
  assert.equal(pwned!.present, false, `${what}: a table was created through another session`);
}

async function withSentinels(fn: (db: Database, url: string, s: Sentinels) => Promise<void>) {
  await withDatabase(async ({ db, url }) => {
    await applyYaml(db, JSON.stringify(baseDoc(), null, 2), { allowDestructive: true });
    const [{ available }] = await db.query<{ available: boolean }>("SELECT count(*) > 0 AS available FROM pg_catalog.pg_available_extensions WHERE name = 'dblink'") as [{ available: boolean }];
    // Outside the managed schema: the plan lists it and leaves it alone.
    if (available) await db.exec('CREATE SCHEMA ext; CREATE EXTENSION dblink SCHEMA ext; CREATE FUNCTION public.dblink_exec(text, text) RETURNS text LANGUAGE sql AS $$ SELECT ext.dblink_exec($1, $2) $$');
    const victim = await connectServer(url);
    try {
      const [{ pid }] = await victim.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid') as [{ pid: number }];
      await fn(db, url, { file: `/tmp/schemaform-pwned-${randomBytes(4).toString('hex')}`, victim, victimPid: pid, dblink: available });
    } finally {
      await victim.close();
    }
  });
}

function docWith(position: string, text: string): string {
  const doc = baseDoc();
  positions[position]!(doc, text);
  return JSON.stringify(doc, null, 2);
}

/** The line of the file where the position's text stands: the error must point there. */
function lineOf(yaml: string, text: string): number {
  const at = yaml.split('\n').findIndex((l) => l.includes(JSON.stringify(text).slice(1, -1).slice(0, 11)));
  return at + 1;
}

describe('security: schema plan runs nothing of the file', function () {
  this.timeout(300_000);

  it('refuses every statement breakout in every SQL position at file:line, and nothing happens', async () => {
    await withSentinels(async (db, _url, s) => {
      const statements = [...Object.values(sideEffects(s)).map((e) => `SELECT ${e}`), 'LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE', 'COMMIT', 'DROP TABLE public.t'];
      let refused = 0;
      for (const [p, position] of Object.keys(positions).entries()) {
        for (const [i, statement] of statements.entries()) {
          for (const [j, payload] of breakouts(statement).entries()) {
            const yaml = docWith(position, payload);
            const file = writeTempYaml(yaml);
            // Every combination is refused by the loader; a rotating share of them (all of them
            // with SCHEMAFORM_SECURITY_CASES=all) goes through a whole plan against the database.
            const load = () => loadSchema(file).then((l) => l.model);
            const throughPlan = FULL || (p + i + j) % statements.length === 0;
            const started = performance.now();
            await assert.rejects(throughPlan ? createPlan(db, load) : load(), (e: unknown) => {
              assert.ok(e instanceof SchemaFileError, `${position} / ${payload}: expected a schema file error, got ${String(e)}`);
              const line = lineOf(yaml, payload);
              assert.ok(e.problems.some((problem) => problem.line === line), `${position} / ${payload}: no problem at line ${line}: ${e.message}`);
              return true;
            });
            assert.ok(performance.now() - started < 5_000, `${position}: refusing took ${performance.now() - started} ms`);
            refused++;
          }
        }
        await assertNothingHappened(db, s, position);
      }
      assert.equal(refused, Object.keys(positions).length * statements.length * breakouts('').length);
    });
  });

  it('evaluates no side-effect expression in any SQL position while planning', async () => {
    await withSentinels(async (db, _url, s) => {
      const effects = Object.entries(sideEffects(s));
      for (const [p, position] of Object.keys(positions).entries()) {
        // Each position gets the sleep and one other effect in turn; SCHEMAFORM_SECURITY_CASES=all gives each every effect.
        const chosen = FULL ? effects : effects.filter(([name], e) => name === 'sleep' || e === p % effects.length);
        for (const [effect, expression] of chosen) {
          const started = performance.now();
          try {
            await createPlan(db, () => loadSchema(writeTempYaml(docWith(position, expression))).then((l) => l.model), { allowDestructive: true });
          } catch (e) {
            // Refusing the text is fine; failing in any other way than a user-facing error is not.
            assert.ok(e instanceof SchemaformError, `${position} / ${effect}: ${String((e as Error).stack)}`);
          }
          const ms = performance.now() - started;
          assert.ok(ms < 10_000, `${position} / ${effect}: planning took ${Math.round(ms)} ms: something waited`);
          await assertNothingHappened(db, s, `${position} / ${effect}`);
        }
      }
    });
  });

  it('runs no routine body from the file, even one PostgreSQL would fold while planning an index', async () => {
    await withSentinels(async (db, _url, s) => {
      const doc = baseDoc();
      // Declared immutable, with a side effect: PostgreSQL calls an immutable function with
      // constant arguments while it plans an index expression.
      doc.schemas.public.functions['evil()'] = {
        returns: 'integer', language: 'plpgsql', volatility: 'immutable',
        body: "BEGIN PERFORM pg_catalog.setval('public.sentinel', 999); RETURN 1; END",
      };
      doc.schemas.public.functions['evil_sql()'] = {
        returns: 'integer', language: 'sql', volatility: 'immutable', body: "RETURN pg_catalog.setval('public.sentinel', 998)::integer",
      };
      doc.schemas.public.tables.t.indexes.t_lower_idx.expressions = ['(id + public.evil() + public.evil_sql())'];
      doc.schemas.public.tables.t.checks.t_id_check.expression = 'id > public.evil() + public.evil_sql()';
      doc.schemas.public.tables.t.columns.g.generated = 'id + public.evil() + public.evil_sql()';
      const plan = await createPlan(db, () => loadSchema(writeTempYaml(JSON.stringify(doc, null, 2))).then((l) => l.model), { allowDestructive: true });
      assert.ok(plan.steps.some((step) => step.change.kind === 'create-function'), 'the plan still creates the functions');
      await assertNothingHappened(db, s, 'an immutable routine with a side effect');
    });
  });

  it('the CLI, which skips texts the catalog already spells, still refuses every other one', async () => {
    await withSentinels(async (_db, url) => {
      const cwd = mkdtempSync(join(tmpdir(), 'schemaform-cli-security-'));
      // Unchanged pieces (spelled as the catalog spells them) beside one hostile piece per position.
      for (const position of ['column default', 'check', 'index where', 'view query', 'policy using', 'partition bound']) {
        const yaml = docWith(position, "1); SELECT pg_catalog.setval('public.sentinel', 999); SELECT (1");
        writeFileSync(join(cwd, 'schema.yaml'), yaml);
        const r = await runCli(['plan', '--database-url', url], { cwd });
        assert.equal(r.code, 1, `${position}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`schema\\.yaml:${lineOf(yaml, "1); SELECT pg_catalog")}:\\d+: `), `${position}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, STACK_TRACE);
      }
      const [seq] = await _db.query<{ is_called: boolean }>('SELECT is_called FROM public.sentinel');
      assert.equal(seq!.is_called, false);
    });
  });
});
