import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutPassword } from '../../src/db/redact.js';
import { diffModels } from '../../src/diff/diff.js';
import { SchemaFileError, SchemaformError } from '../../src/errors.js';
import { emptyModel, emptySchema, type Model } from '../../src/model/types.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { runCli, STACK_TRACE } from '../harness/cli.js';
import { applyYaml, planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'schemaform-inputs-'));
const table = 'schemas:\n  public:\n    tables:\n      t:\n        columns: { id: { type: integer } }\n';

async function fileError(yaml: string): Promise<SchemaFileError> {
  try {
    await loadSchema(writeTempYaml(yaml));
  } catch (e) {
    assert.ok(e instanceof SchemaFileError, String(e));
    return e;
  }
  assert.fail('the file was accepted');
}

describe('security: hostile inputs get a clear error and reveal nothing', function () {
  this.timeout(60_000);

  it('does not read a linked file outside a schema directory, nor print its content', async () => {
    const secrets = tempDir();
    writeFileSync(join(secrets, '.env'), 'API_TOKEN=tok_live_abcdef\nPGPASSWORD=hunter22\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'schema.yaml'), table);
    symlinkSync(join(secrets, '.env'), join(dir, 'zz.yaml'));
    symlinkSync('/proc/self/environ', join(dir, 'env.yaml'));
    const r = await runCli(['validate', '-f', dir], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /link to a file outside/);
    assert.doesNotMatch(r.stdout + r.stderr, /tok_live|hunter22|PATH=/);
  });

  it('reads a kernel file as the empty file it claims to be, and says nothing of its content', async () => {
    const r = await runCli(['validate', '-f', '/proc/self/environ'], { cwd: tempDir() });
    assert.doesNotMatch(r.stdout + r.stderr, /PATH=|HOME=/);
  });

  it('refuses devices and FIFOs at once instead of reading or waiting', async () => {
    const fifo = join(tempDir(), 'schema.yaml');
    execFileSync('mkfifo', [fifo]);
    for (const file of ['/dev/zero', '/dev/urandom', fifo]) {
      const started = performance.now();
      const r = await runCli(['validate', '-f', file], { cwd: tempDir() });
      assert.equal(r.code, 1, file);
      assert.match(r.stderr, /is not a regular file/);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
      assert.ok(performance.now() - started < 10_000, `${file} took ${Math.round(performance.now() - started)} ms`);
    }
  });

  it('never prints a password, however the connection string carries it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), table);
    const forms = [
      'postgres://someone:Secr3t-pw@127.0.0.1:1/db',
      'postgres://someone@127.0.0.1:1/db?password=Secr3t-pw',
      'postgres://someone:Secr%33t-pw@127.0.0.1:1/db?sslpassword=Other-pw',
    ];
    for (const url of forms) {
      for (const args of [['plan', '--database-url', url], [`--database-url=${url}`]]) {
        const r = await runCli(args[0] === 'plan' ? args : ['plan', ...args], { cwd });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /could not connect/);
        assert.doesNotMatch(r.stdout + r.stderr, /Secr3t|Secr%33t|Other-pw/, `${url}: ${r.stderr}`);
      }
      const viaEnv = await runCli(['plan'], { cwd, databaseUrl: url });
      assert.doesNotMatch(viaEnv.stdout + viaEnv.stderr, /Secr3t|Secr%33t|Other-pw/, viaEnv.stderr);
    }
  });

  it('hands pg_dump a connection string without its password, in whichever form it came', () => {
    const forms: Array<[string, string]> = [
      ['postgres://someone:Secr%33t-pw@127.0.0.1:1/db', 'postgres://someone@127.0.0.1:1/db'],
      ['postgres://someone@127.0.0.1:1/db?password=Secr3t-pw&sslmode=disable', 'postgres://someone@127.0.0.1:1/db?sslmode=disable'],
      ["host=127.0.0.1 password='Secr3t-pw' dbname=db", 'host=127.0.0.1  dbname=db'],
    ];
    for (const [given, target] of forms) assert.deepEqual(withoutPassword(given), { target, password: 'Secr3t-pw' });
    assert.deepEqual(withoutPassword('postgres://someone@127.0.0.1:1/db'), { target: 'postgres://someone@127.0.0.1:1/db' });
  });

  it('keeps 64-bit integers exact and refuses numbers that are not finite, at file:line:col', async () => {
    await withDatabase(async ({ db }) => {
      const yaml = 'schemas:\n  public:\n    sequences:\n      big: { start: 9007199254740993, maxValue: 9223372036854775807, minValue: -9223372036854775808 }\n';
      await applyYaml(db, yaml);
      const [seq] = await db.query<{ start: string; max: string; min: string }>(
        "SELECT start_value::text AS start, max_value::text AS max, min_value::text AS min FROM pg_sequences WHERE sequencename = 'big'");
      assert.deepEqual(seq, { start: '9007199254740993', max: '9223372036854775807', min: '-9223372036854775808' });
      assert.equal((await planYaml(db, yaml)).steps.length, 0, 'replan is empty');
    });
    for (const bad of ['.inf', '-.inf', '.nan', '1e309']) {
      const e = await fileError(`schemas:\n  public:\n    sequences:\n      s: { increment: ${bad} }\n`);
      assert.equal(e.problems[0]!.line, 4, e.message);
      assert.match(e.message, /not a finite number/);
    }
  });

  it('refuses NUL bytes in names and text at validation', async () => {
    const e = await fileError('schemas:\n  public:\n    tables:\n      "bad\\0name":\n        columns: { id: { type: integer, comment: "a\\0b" } }\n');
    assert.match(e.message, /4:\d+: .*NUL byte/);
    assert.match(e.message, /5:\d+: .*NUL byte/);
  });

  it('diffs a schema of 150,000 tables without running out of stack', () => {
    const model: Model = emptyModel();
    const schema = emptySchema('public');
    for (let i = 0; i < 150_000; i++) {
      schema.tables.push({ name: `t${i}`, columns: [], uniques: [], checks: [], foreignKeys: [], exclusions: [], indexes: [], triggers: [], policies: [] });
    }
    model.schemas.push(schema);
    assert.equal(diffModels(emptyModel(), model).filter((c) => c.kind === 'create-table').length, 150_000);
  });

  it('does not plan dropping everything for a file that declares nothing, unless told to', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, table);
      for (const empty of ['', '# nothing here\n']) {
        const load = () => loadSchema(writeTempYaml(empty)).then((l) => l.model);
        await assert.rejects(createPlan(db, load), (e: unknown) => e instanceof SchemaformError && /the file declares nothing/.test(e.message) && /--allow-destructive/.test(e.hint ?? ''));
        const plan = await createPlan(db, load, { allowDestructive: true });
        assert.ok(plan.steps.some((s) => s.change.kind === 'drop-table'));
      }
    });
  });
});
