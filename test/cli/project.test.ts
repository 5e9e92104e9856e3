import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, sql } from '../harness/databases.js';
import { NOTES_SCHEMA, runCli, STACK_TRACE } from '../harness/cli.js';

/**
 * The project file: named environments (`--env`, SCHEMAFORM_ENV) with their
 * database, schema file and apply settings, in schemaform.yaml or in the
 * "schemaform" key of package.json, checked like the schema file.
 */
const schema = NOTES_SCHEMA;
const projectFile = `# yaml-language-server: $schema=./node_modules/schemaform/schemas/project.schema.json
schema: schema.yaml
environments:
  staging:
    urlFrom: STAGING_DATABASE_URL
    schema: db/schema.yaml
    lockTimeout: 1s
  local:
    embedded: true
`;

function project(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'schemaform-project-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(cwd, file, '..'), { recursive: true });
    writeFileSync(join(cwd, file), text);
  }
  return cwd;
}

describe('the project file and its environments', function () {
  this.timeout(120_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => { await database.drop(); });

  it('--env takes the database from the variable it names and the schema file it names; SCHEMAFORM_ENV does the same', async () => {
    const cwd = project({ 'schemaform.yaml': projectFile, 'db/schema.yaml': schema, 'schema.yaml': 'not: [the file staging uses' });
    const env = { STAGING_DATABASE_URL: database.url };
    const plan = await runCli(['plan', '--env', 'staging', '-o', 'p.plan.json'], { cwd, env });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stderr, /\(environment staging\)/);
    assert.match(plan.stdout, /\+ table public\.notes/);
    const validate = await runCli(['validate', '--env', 'staging'], { cwd, env });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /db\/schema\.yaml: valid .* against .*rehearsed/);
    const apply = await runCli(['apply', 'p.plan.json'], { cwd, env: { ...env, SCHEMAFORM_ENV: 'staging' } });
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(await sql(database.url, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'notes'"), [{ n: 1 }]);
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd, env: { ...env, SCHEMAFORM_ENV: 'staging' } });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    // --database-url still wins over the environment.
    const other = await createTestDatabase();
    try {
      const explicit = await runCli(['plan', '--env', 'staging', '--database-url', other.url, '--detailed-exitcode'], { cwd, env });
      assert.equal(explicit.code, 2, explicit.stderr);
    } finally {
      await other.drop();
    }
  });

  it('an unknown environment, or one whose variable is unset, is an error that names what to do; nothing is changed', async () => {
    const cwd = project({ 'schemaform.yaml': projectFile, 'db/schema.yaml': schema });
    const unknown = await runCli(['plan', '--env', 'prod'], { cwd, databaseUrl: database.url });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no environment "prod" in schemaform\.yaml \(it has: staging, local\)/);
    const unset = await runCli(['plan', '--env', 'staging'], { cwd, databaseUrl: database.url });
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /environment "staging" takes its database URL from STAGING_DATABASE_URL, which is not set/);
    assert.doesNotMatch(unset.stderr, STACK_TRACE);
    const none = await runCli(['plan', '--env', 'staging'], { cwd: project({ 'schema.yaml': schema }), databaseUrl: database.url });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /there is no project file \(schemaform\.yaml\) here/);
    assert.deepEqual(await sql(database.url, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'schemaform'"), [{ n: 0 }]);
  });

  it('a mistake in the project file is reported at file:line:col, in schemaform.yaml and in package.json', async () => {
    const yaml = await runCli(['plan'], { cwd: project({ 'schemaform.yaml': 'environments:\n  prod:\n    urll: postgres://x\n    lockTimeout: soon\n', 'schema.yaml': schema }), databaseUrl: database.url });
    assert.equal(yaml.code, 1);
    assert.match(yaml.stderr, /schemaform\.yaml:3:5: unknown key "urll" in environments\.prod; expected one of: url, urlFrom/);
    assert.match(yaml.stderr, /schemaform\.yaml:4:18: environments\.prod\.lockTimeout must match/);
    const twice = await runCli(['plan'], { cwd: project({ 'schemaform.yaml': 'environments:\n  prod:\n    url: postgres://a\n    urlFrom: B\n', 'schema.yaml': schema }), databaseUrl: database.url });
    assert.match(twice.stderr, /schemaform\.yaml:4:5: environment "prod" names its database twice \(url and urlFrom\)/);
    const pkg = await runCli(['plan'], { cwd: project({ 'package.json': JSON.stringify({ name: 'app', schemaform: { environments: { prod: { url: 5 } } } }, null, 2), 'schema.yaml': schema }), databaseUrl: database.url });
    assert.equal(pkg.code, 1);
    assert.match(pkg.stderr, /package\.json:6:16: schemaform\.environments\.prod\.url must be string/);
    const both = await runCli(['plan'], { cwd: project({ 'package.json': '{"schemaform": {}}', 'schemaform.yaml': 'environments: {}\n', 'schema.yaml': schema }), databaseUrl: database.url });
    assert.match(both.stderr, /the project is configured in schemaform\.yaml and package\.json: keep one/);
  });

  it('the "schemaform" key of package.json works as schemaform.yaml does', async () => {
    const cwd = project({ 'package.json': JSON.stringify({ name: 'app', schemaform: { schema: 'db', environments: { ci: { urlFrom: 'CI_DB' } } } }), 'db/tables.yaml': schema });
    const r = await runCli(['plan', '--env', 'ci', '--detailed-exitcode'], { cwd, env: { CI_DB: database.url } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /\+ table public\.notes/);
  });
});
