import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, sql } from '../harness/databases.js';
import { NOTES_SCHEMA, runCli, STACK_TRACE } from '../harness/cli.js';
import { hasPython, runInTerminal } from '../harness/terminal.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'schemaform-cli-'));

const schemaV1 = NOTES_SCHEMA.replace('          body: { type: text, notNull: true }\n', '          body: { type: text, notNull: true }\n          draft: { type: text }\n');
const schemaV2 = NOTES_SCHEMA;

describe('the schema CLI', function () {
  this.timeout(120_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeEach(async () => { database = await createTestDatabase(); });
  afterEach(async () => { await database.drop(); });

  it('rejects broken YAML with file:line:col, exit 1 and no stack trace', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int, nul: true }\n');
    for (const command of [['validate'], ['plan', '--database-url', database.url]]) {
      const r = await runCli(command, { cwd });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /schema\.yaml:6:27: unknown key "nul"/);
      assert.doesNotMatch(r.stderr + r.stdout, STACK_TRACE);
    }
  });

  it('plans, applies, replans to nothing, and reports with --json', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const plan = await runCli(['plan', '--detailed-exitcode', '--json'], { cwd, databaseUrl: database.url });
    assert.equal(plan.code, 2, plan.stderr);
    const result = JSON.parse(plan.stdout);
    assert.match(result.planFile, /^plans\/\d{8}T\d{6}Z-[0-9a-f]{6}\.plan\.json$/);
    assert.equal(result.changes.create, 1);
    assert.deepEqual(result.objects, [{ action: 'create', object: { type: 'table', schema: 'public', name: 'notes' }, label: 'table public.notes', reason: null, steps: [1] }]);
    assert.deepEqual(result.rehearsal, { rehearsed: true, where: 'this server' }, 'a plan with steps is rehearsed on the server it was made against');

    const shown = await runCli(['show', result.planFile, '--format', 'markdown'], { cwd });
    assert.match(shown.stdout, /### schemaform plan/);
    assert.match(shown.stdout, /CREATE TABLE "public"."notes"/);

    const apply = await runCli(['apply', result.planFile], { cwd, databaseUrl: database.url });
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /Apply complete: 1 step\(s\)\. Snapshot 2 recorded/);
    assert.equal(readdirSync(join(cwd, 'state')).length, 1);

    const again = await runCli(['plan', '--detailed-exitcode'], { cwd, databaseUrl: database.url });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes/);

    const list = await runCli(['state', 'list', '--json'], { cwd, databaseUrl: database.url });
    assert.deepEqual(JSON.parse(list.stdout).map((s: { kind: string }) => s.kind), ['baseline', 'migrate']);
  });

  it('refuses data loss without --allow-destructive; rollback from another directory restores it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const first = JSON.parse((await runCli(['plan', '--json'], { cwd, databaseUrl: database.url })).stdout);
    assert.equal((await runCli(['apply', first.planFile], { cwd, databaseUrl: database.url })).code, 0);
    await sql(database.url, `INSERT INTO notes (body, draft) VALUES ('one', 'd1'), ('two', NULL), ('three', 'd3')`);

    writeFileSync(join(cwd, 'schema.yaml'), schemaV2);
    const drop = await runCli(['plan', '-o', 'plans/drop.plan.json'], { cwd, databaseUrl: database.url });
    assert.match(drop.stdout, /data-loss \(high\) step 1: Drops column public\.notes\.draft/);
    assert.match(drop.stdout, /schema apply plans\/drop\.plan\.json --allow-destructive/);

    const refused = await runCli(['apply', 'plans/drop.plan.json'], { cwd, databaseUrl: database.url });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /destroys data; refusing without --allow-destructive/);
    assert.doesNotMatch(refused.stderr, STACK_TRACE);

    assert.equal((await runCli(['apply', 'plans/drop.plan.json', '--allow-destructive'], { cwd, databaseUrl: database.url })).code, 0);
    assert.equal((await sql(database.url, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'draft'`))[0]!.n, 0);

    const elsewhere = tempDir();
    const rollback = await runCli(['rollback', '-o', 'undo.plan.json'], { cwd: elsewhere, databaseUrl: database.url });
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /restore values of column draft/);
    const undo = await runCli(['apply', 'undo.plan.json'], { cwd: elsewhere, databaseUrl: database.url });
    assert.equal(undo.code, 0, undo.stderr);
    assert.deepEqual(await sql(database.url, 'SELECT body, draft FROM notes ORDER BY id'), [
      { body: 'one', draft: 'd1' }, { body: 'two', draft: null }, { body: 'three', draft: 'd3' },
    ]);
  });

  it('drift exits 2 when the database was changed by hand', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const planned = JSON.parse((await runCli(['plan', '--json'], { cwd, databaseUrl: database.url })).stdout);
    await runCli(['apply', planned.planFile], { cwd, databaseUrl: database.url });
    assert.equal((await runCli(['drift'], { cwd, databaseUrl: database.url })).code, 0);
    await sql(database.url, 'ALTER TABLE notes ADD COLUMN sneaky int');
    const drift = await runCli(['drift'], { cwd, databaseUrl: database.url });
    assert.equal(drift.code, 2, drift.stderr);
    assert.match(drift.stdout, /drop column sneaky/);
  });

  it('refuses an edited plan with exit 1', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const planned = JSON.parse((await runCli(['plan', '--json'], { cwd, databaseUrl: database.url })).stdout);
    const path = join(cwd, planned.planFile);
    const original = readFileSync(path, 'utf8');
    const edited = original.replace('text NOT NULL', 'text');
    assert.notEqual(edited, original, 'the edit must change the plan');
    writeFileSync(path, edited);
    const r = await runCli(['apply', planned.planFile, '--json'], { cwd, databaseUrl: database.url });
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.stdout).error.message, /changed after it was planned/);
  });

  it('the quickstart: plan and apply the example on the embedded database, no server', async () => {
    const cwd = tempDir();
    cpSync(new URL('../../../examples', import.meta.url), join(cwd, 'examples'), { recursive: true });
    const plan = await runCli(['plan', '--embedded', '-f', 'examples/shop', '-o', 'plans/demo.plan.json'], { cwd });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stderr, /Using the embedded PostgreSQL in \.schema\/ \(creating it: a few seconds, once\)/);
    const apply = await runCli(['apply', '--embedded', 'plans/demo.plan.json'], { cwd });
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stderr, /Using the embedded PostgreSQL in \.schema\/\n/);
    const again = await runCli(['plan', '--embedded', '-f', 'examples/shop', '--detailed-exitcode'], { cwd });
    assert.equal(again.code, 0, again.stdout);
  });

  it('adopt: writes the file, checks it plans to nothing, records the baseline; refuses a second time', async () => {
    const cwd = tempDir();
    await sql(database.url, `CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL); CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq)`);
    const adopted = await runCli(['adopt'], { cwd, databaseUrl: database.url });
    assert.equal(adopted.code, 0, adopted.stderr);
    assert.match(adopted.stdout, /Adopted: wrote schema\.yaml, which plans to no changes; snapshot \d+ records it as the baseline/);
    assert.match(adopted.stdout, /1 object\(s\) in these schemas are not managed by schemaform and are left alone: operator public\.===\(integer,integer\)/);
    assert.match(readFileSync(join(cwd, 'schema.yaml'), 'utf8'), /accounts:/);
    const drift = await runCli(['drift'], { cwd, databaseUrl: database.url });
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd, databaseUrl: database.url });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const again = await runCli(['adopt'], { cwd, databaseUrl: database.url });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /schema\.yaml exists; nothing was changed/);
    const forced = await runCli(['adopt', '--force'], { cwd, databaseUrl: database.url });
    assert.equal(forced.code, 1);
    assert.match(forced.stderr, /this database is managed already: snapshot \d+ is its latest; nothing was changed/);
    assert.doesNotMatch(again.stderr + forced.stderr, STACK_TRACE);
  });

  it('apply at a terminal shows the plan and applies nothing unless the answer is "yes"', async function () {
    if (!hasPython()) this.skip();
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const planned = await runCli(['plan', '--json', '-o', 'plans/p.plan.json'], { cwd, databaseUrl: database.url });
    assert.equal(planned.code, 0, planned.stderr);
    const r = await runInTerminal(['apply', 'plans/p.plan.json'], { cwd, env: { DATABASE_URL: database.url }, answer: 'y' });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /\+ table public\.notes[\s\S]*Plan: 1 to create[\s\S]*Apply plans\/p\.plan\.json to database "[^"]+"\? Only "yes" applies:/);
    assert.match(r.stdout, /apply cancelled: nothing was changed/);
    const [row] = await sql<{ present: boolean }>(database.url, "SELECT to_regclass('public.notes') IS NOT NULL AS present");
    assert.equal(row!.present, false);
  });

  it('in CI with no database named, fails naming the ways to give one, and touches nothing', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const planned = await runCli(['plan', '--json', '-o', 'plans/p.plan.json'], { cwd, databaseUrl: database.url });
    assert.equal(planned.code, 0, planned.stderr);
    for (const command of [['apply', 'plans/p.plan.json'], ['plan'], ['drift'], ['state', 'list'], ['inspect']]) {
      const r = await runCli(command, { cwd });
      assert.equal(r.code, 1, `${command.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /no database to connect to: nothing was changed/);
      assert.match(r.stderr, /--database-url URL, set DATABASE_URL, set libpq's PGHOST \/ PGDATABASE \/ PGUSER \(or PGSERVICE\), or pass --embedded/);
      assert.doesNotMatch(r.stdout, /Apply complete/);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
    assert.equal(existsSync(join(cwd, '.schema')), false, 'no embedded database was created');
    const [row] = await sql<{ present: boolean }>(database.url, "SELECT to_regclass('public.notes') IS NOT NULL AS present");
    assert.equal(row!.present, false, 'the plan was not applied anywhere');
  });

  it('connects the way libpq does: PGHOST, PGPORT, PGDATABASE, PGUSER, and PGSERVICE with its service file', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const u = new URL(database.url);
    const libpq = { PGHOST: u.hostname, PGPORT: u.port, PGDATABASE: u.pathname.slice(1), PGUSER: decodeURIComponent(u.username) };
    const viaEnv = await runCli(['plan', '--detailed-exitcode'], { cwd, env: libpq });
    assert.equal(viaEnv.code, 2, viaEnv.stderr);
    assert.match(viaEnv.stderr, new RegExp(`Using .*${u.port}.* \\(from PGHOST, PGPORT, PGDATABASE, PGUSER\\)`));
    writeFileSync(join(cwd, 'services.conf'), `# a comment\n[app]\nhost=${u.hostname}\nport=${u.port}\ndbname=${u.pathname.slice(1)}\nuser=${decodeURIComponent(u.username)}\n`);
    const viaService = await runCli(['plan', '--detailed-exitcode'], { cwd, env: { PGSERVICE: 'app', PGSERVICEFILE: join(cwd, 'services.conf') } });
    assert.equal(viaService.code, 2, viaService.stderr);
    const unknown = await runCli(['plan'], { cwd, env: { PGSERVICE: 'nope', PGSERVICEFILE: join(cwd, 'services.conf') } });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /PGSERVICE names service "nope", which no service file defines/);
    const both = await runCli(['plan', '--embedded', '--database-url', database.url], { cwd });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /--embedded and --database-url name two databases/);
  });

  it('treats usage mistakes as errors: exit 1, no stack trace', async () => {
    for (const args of [['apply'], ['plan', '--no-such-flag'], ['frobnicate']]) {
      const r = await runCli(args, { cwd: tempDir() });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
  });

  it('SCHEMAFORM_PROFILE=1 prints where a plan spent its time, in start order, and nothing without it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const profiled = await runCli(['plan', '-o', 'p.plan.json'], { cwd, databaseUrl: database.url, env: { SCHEMAFORM_PROFILE: '1' } });
    assert.equal(profiled.code, 0, profiled.stderr);
    const report = profiled.stderr.slice(profiled.stderr.indexOf('schemaform profile'));
    const phases = [...report.matchAll(/^ *(\d+) ms {2}(?: *\d+ ms)? *(?:(?:peak )?\d+ MiB)? *(.+)$/gm)].map((m) => ({ start: Number(m[1]), name: m[2]!.trim() }));
    for (const name of ['CLI and command loaded', 'connecting', 'catalog read (introspect)', 'schema file', 'diff and dependents', 'building the plan (graph, SQL, digests)', 'table sizes', 'building the plan (hazards, units)', 'rehearsal', 'writing the plan file', 'exit']) {
      assert.ok(phases.some((p) => p.name === name), `${name} in:\n${report}`);
    }
    assert.deepEqual(phases.map((p) => p.start), [...phases.map((p) => p.start)].sort((x, y) => x - y), 'in start order');
    assert.match(report, /^ *\d+ ms +\d+ ms +\d+ MiB +catalog read \(introspect\)$/m, 'each phase with the memory at its end');
    assert.match(report, /peak \d+ MiB +exit$/m);
    const plain = await runCli(['plan', '-o', 'q.plan.json'], { cwd, databaseUrl: database.url });
    assert.doesNotMatch(plain.stderr, /schemaform profile|\d+ ms/);
  });

  it('answers --version without loading the framework', async () => {
    const r = await runCli(['--version'], { cwd: tempDir() });
    assert.match(r.stdout, /^schemaform\/\d+\.\d+\.\d+ /);
  });
});
