import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, STACK_TRACE } from '../harness/cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'schemaform-conventions-'));
const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const schemaJson = fileURLToPath(new URL('../../../schemas/schema.json', import.meta.url));

describe('CLI conventions', function () {
  this.timeout(60_000);

  it('says which command was meant, with exit 1, unwrapped and without a stack trace', async () => {
    for (const [typed, meant, shown] of [[['plna'], 'plan', 'plna'], [['aply', 'x.plan.json'], 'apply', 'aply'], [['state', 'lst'], 'state list', 'state lst'], [['rolback', '--to', '3'], 'rollback', 'rolback']] as const) {
      const r = await runCli([...typed], { cwd: tempDir() });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.split('\n')[0], `Error: "${shown}" is not a schema command. Did you mean "${meant}"?`);
      assert.doesNotMatch(r.stderr, / › /);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
    // The right command with a word it does not take is not "not a command, did you mean it".
    const extra = await runCli(['validate', 'schema.yaml'], { cwd: tempDir() });
    assert.equal(extra.code, 1);
    assert.equal(extra.stderr, 'Error: "schema validate" takes no argument "schema.yaml".\nhint: `schema help validate` shows what it takes; a schema file is given with -f FILE.\n');
    const far = await runCli(['frobnicate'], { cwd: tempDir() });
    assert.equal(far.code, 1);
    assert.match(far.stderr, /^Error: "frobnicate" is not a schema command\.\nhint: `schema --help` lists the commands/);
  });

  it('lists the commands in the order ICU collation gives (the bundle sorts their ids by code unit)', async () => {
    const { COMMANDS } = await import('../../src/commands/index.js');
    const ids = Object.keys(COMMANDS);
    const byCodeUnit = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(byCodeUnit, [...ids].sort((a, b) => a.localeCompare(b)), 'a command id sorts differently by code unit: see plainCommandSort in src/build/bundle.ts');
    const help = await runCli(['--help'], { cwd: tempDir() });
    assert.equal(help.code, 0, help.stderr);
    const listed = [...help.stdout.slice(help.stdout.indexOf('\nCOMMANDS\n')).matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]);
    assert.deepEqual(listed, byCodeUnit.filter((id) => !id.includes(':')));
  });

  it('-h, --help and `schema help COMMAND` print the same help', async () => {
    const cwd = tempDir();
    const long = await runCli(['plan', '--help'], { cwd });
    assert.equal(long.code, 0);
    assert.match(long.stdout, /Compare the schema file with the database/);
    for (const args of [['plan', '-h'], ['help', 'plan']]) {
      const r = await runCli(args, { cwd });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, long.stdout, args.join(' '));
    }
    const top = await runCli(['-h'], { cwd });
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /COMMANDS[\s\S]*plan[\s\S]*completion/);
    const nested = await runCli(['help', 'state', 'show'], { cwd });
    assert.equal(nested.code, 0, nested.stderr);
    assert.match(nested.stdout, /\$ schema state show/);
  });

  it('completion scripts complete commands, topics and each command\'s flags in bash', async function () {
    const script = await runCli(['completion', 'bash'], { cwd: tempDir() });
    assert.equal(script.code, 0, script.stderr);
    if (spawnSync('bash', ['-c', 'true']).status !== 0) this.skip();
    const complete = (...words: string[]) => {
      const line = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _schemaform_complete; echo "\${COMPREPLY[*]}"`;
      const r = spawnSync('bash', ['-c', `${script.stdout}\n${line}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split(' ').filter(Boolean);
    };
    assert.deepEqual(complete('schema', 'pl'), ['plan']);
    assert.deepEqual(complete('schema', 'state', ''), ['list', 'show']);
    assert.ok(complete('schema', 'apply', '--re').includes('--retry-budget'));
    assert.deepEqual(complete('schema', 'plan', '--detailed'), ['--detailed-exitcode']);
    for (const shell of ['zsh', 'fish']) {
      const r = await runCli(['completion', shell], { cwd: tempDir() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, shell === 'fish' ? /complete -c schema .*-a plan/ : /bashcompinit[\s\S]*complete -o default -F _schemaform_complete schema schemaform/);
    }
  });

  it('validate --json gives each problem as {file, line, column, path, message}, with the text the terminal shows', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int, bogus: 1 }\n          b: 3\n');
    const json = await runCli(['validate', '--json'], { cwd });
    assert.equal(json.code, 1);
    const { error } = JSON.parse(json.stdout);
    assert.deepEqual(error.details.map((d: { file: string; line: number; column: number; path: string }) => [d.file, d.line, d.column, d.path]), [
      ['schema.yaml', 6, 27, 'schemas.public.tables.t.columns.a.bogus'],
      ['schema.yaml', 7, 14, 'schemas.public.tables.t.columns.b'],
    ]);
    const human = await runCli(['validate'], { cwd });
    const lines = human.stderr.split('\n');
    for (const d of error.details) assert.ok(lines.some((l) => l.endsWith(`${d.file}:${d.line}:${d.column}: ${d.message}`)), `${d.message} not one whole line in:\n${human.stderr}`);
  });

  it('colours follow FORCE_COLOR, NO_COLOR and --no-color', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.yaml'), 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n');
    const env = (vars: Record<string, string>) => {
      const r = spawnSync(process.execPath, [bin, 'validate', ...(vars.ARGS ? [vars.ARGS] : [])], { cwd, encoding: 'utf8', env: { ...withoutColorVars(), ...vars } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.match(env({ FORCE_COLOR: '1' }), /\u001b\[32m/);
    assert.doesNotMatch(env({ FORCE_COLOR: '1', ARGS: '--no-color' }), /\u001b\[/);
    assert.doesNotMatch(env({ FORCE_COLOR: '1', NO_COLOR: '1' }), /\u001b\[/);
    assert.doesNotMatch(env({ FORCE_COLOR: '0' }), /\u001b\[/);
    assert.doesNotMatch(env({}), /\u001b\[/, 'a pipe gets no colour');
  });

  it('init: the $schema line resolves from the file\'s directory, and .schema/ is ignored once', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.gitignore'), 'node_modules/');
    for (const file of ['db/schema.yaml', 'schema.yaml']) {
      const r = await runCli(['init', '-f', file], { cwd });
      assert.equal(r.code, 0, r.stderr);
      const ref = /\$schema=(\S+)/.exec(readFileSync(join(cwd, file), 'utf8'))![1]!;
      assert.equal(resolve(dirname(join(cwd, file)), ref), schemaJson, `${file}: ${ref}`);
      const valid = await runCli(['validate', '-f', file], { cwd });
      assert.equal(valid.code, 0, valid.stderr);
    }
    assert.equal(readFileSync(join(cwd, '.gitignore'), 'utf8'), 'node_modules/\n# schemaform\'s embedded database (schema --embedded)\n/.schema/\n');
    mkdirSync(join(cwd, 'other'));
    const again = await runCli(['init', '-f', 'other/s.yaml', '--json'], { cwd });
    assert.equal(JSON.parse(again.stdout).gitignore, false);
  });
});

function withoutColorVars(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'DATABASE_URL']) delete env[name];
  return env;
}
