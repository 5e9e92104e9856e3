import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../harness/cli.js';
import { scratchDatabases, sql } from '../harness/databases.js';
import { planYaml, withDatabase } from '../harness/workflow.js';

const live = `
CREATE TABLE people (id integer PRIMARY KEY, name text, age integer);
CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18;
CREATE TABLE "we""ird" (id integer);
`;

// Three mistakes PostgreSQL finds and the file's shape does not: a misspelled
// type, a default naming a column, and a view still selecting a column the
// same file renames. Split over two files, as a project's schema often is.
const tables = `schemas:
  public:
    tables:
      people:
        columns:
          id: { type: integer, notNull: true }
          full_name: { type: text, renamedFrom: name }
          age: { type: integer }
          nickname: { type: txet }
        primaryKey: [id]
      'we"ird':
        columns:
          id: { type: integer }
          status: { type: text, default: "no" }
`;
const views = `schemas:
  public:
    views:
      adults:
        query: |
          SELECT id,
                 name
          FROM people WHERE age >= 18
`;

describe('SQL the server refuses, at plan time', function () {
  this.timeout(120_000);

  it('plan and validate --database-url report each at file:line:col in PostgreSQL\'s words, exit 1, and write no plan', async () => {
    await withDatabase(async ({ db, url }) => {
      await db.exec(live);
      const cwd = mkdtempSync(join(tmpdir(), 'schemaform-errors-'));
      mkdirSync(join(cwd, 'db'));
      writeFileSync(join(cwd, 'db', 'tables.yaml'), tables);
      writeFileSync(join(cwd, 'db', 'views.yaml'), views);
      const expected = [
        /^db\/tables\.yaml:9:29: type "txet" does not exist \(step \d+ \(add column nickname to table public\.people\)\)$/m,
        // PostgreSQL gives no position for this one in ALTER TABLE: the column it is about.
        /^db\/tables\.yaml:14:19: cannot use column reference in DEFAULT expression \(step \d+ \(add column status to table public\.we"ird\)\)$/m,
        /^db\/views\.yaml:7:18: column "name" does not exist \(view public\.adults\)$/m,
      ];
      for (const command of [['plan', '-f', 'db'], ['validate', '-f', 'db', '--database-url', url]]) {
        const r = await runCli(command, { cwd, ...(command[0] === 'plan' && { databaseUrl: url }) });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const said = r.stderr.replace(/^Error: /m, '');
        for (const line of expected) assert.match(said, line, `${command[0]}:\n${said}`);
        assert.doesNotMatch(r.stderr + r.stdout, STACK_TRACE);
      }
      assert.equal(existsSync(join(cwd, 'plans')), false, 'no plan was written');
      assert.deepEqual(await scratchDatabases(url), []);
      const columns = await sql<{ name: string }>(url, "SELECT attname AS name FROM pg_attribute WHERE attrelid = 'people'::regclass AND attnum > 0 ORDER BY attnum");
      assert.deepEqual(columns.map((c) => c.name), ['id', 'name', 'age'], 'the live database is untouched');
    });
  });

  it('one column that does not build leaves the table\'s other parts as they are', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec('CREATE TABLE scores (id integer PRIMARY KEY, age integer, score integer DEFAULT 0 CONSTRAINT score_ok CHECK (score >= 0))');
      // The default and the check are spelled differently from the catalog, and mean the same.
      const plan = await planYaml(db, `schemas:
  public:
    tables:
      scores:
        columns:
          id: { type: integer, notNull: true }
          age: { type: integr }
          score: { type: integer, default: "(0)" }
        primaryKey: [id]
        checks:
          score_ok: { expression: "score >= 0" }
`, { allowDestructive: true });
      assert.deepEqual(plan.steps.map((s) => s.description), ['alter column age of table public.scores (type)']);
    });
  });
});
