import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../harness/cli.js';

/**
 * The CLI compiles its bundle from V8's code cache (src/cli/compile-cache.ts).
 * What it reads runs as code, so only a private directory and the user's own
 * regular files are read; a cache V8 refuses is replaced; none of it ever
 * changes what a command prints.
 */
describe('compile cache', function () {
  this.timeout(60_000);
  let cwd: string;
  let expected: string;
  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'schemaform-cc-'));
    const plain = await runCli(['help'], { cwd, env: { SCHEMAFORM_COMPILE_CACHE: 'off' } });
    assert.equal(plain.code, 0, plain.stderr);
    expected = plain.stdout;
  });

  const freshDir = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'schemaform-cc-dir-')), 'cache');
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  };
  const help = async (dir: string, env: Record<string, string> = {}) => {
    const r = await runCli(['help'], { cwd, env: { SCHEMAFORM_CACHE_DIR: dir, ...env } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.equal(r.stdout, expected);
    return r;
  };
  const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8'));

  it('writes one private file per command, and uses it unchanged the next time', async () => {
    const dir = freshDir();
    await help(dir);
    const [file] = cacheFiles(dir);
    assert.ok(file?.startsWith('help-'), `files: ${readdirSync(dir).join(', ')}`);
    const written = statSync(join(dir, file));
    assert.equal(written.mode & 0o777, 0o600);
    assert.ok(written.size > 100_000, `a cache of ${written.size} bytes holds little`);
    await help(dir);
    // V8 accepted it: a refused cache would have been written again.
    assert.equal(statSync(join(dir, file)).mtimeMs, written.mtimeMs);
    assert.deepEqual(readdirSync(dir), [file]);
  });

  it('removes the files an older build left for the same command, and only those', async () => {
    const dir = freshDir();
    for (const old of ['help-1-2-v18.0.0-x64.v8', 'plan-1-2-v18.0.0-x64.v8', 'notes.txt']) writeFileSync(join(dir, old), 'old', { mode: 0o600 });
    await help(dir);
    const left = readdirSync(dir).sort();
    assert.equal(left.length, 3, left.join(', '));
    assert.ok(!left.includes('help-1-2-v18.0.0-x64.v8'));
    assert.ok(left.includes('plan-1-2-v18.0.0-x64.v8') && left.includes('notes.txt'));
  });

  it('gives words that are no command one shared file, and removes the files typos left before', async () => {
    const dir = freshDir();
    // What an earlier version wrote for a typo: a file of its own, per mistake.
    writeFileSync(join(dir, 'plna-1-2-v18.0.0-x64.v8'), 'old', { mode: 0o600 });
    const typo = async (word: string) => {
      const r = await runCli([word], { cwd, env: { SCHEMAFORM_CACHE_DIR: dir } });
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    };
    await typo('plna');
    const files = cacheFiles(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.ok(files[0]!.startsWith('other-'), files.join(', '));
    const written = statSync(join(dir, files[0]!)).mtimeMs;
    await typo('aply');
    assert.deepEqual(cacheFiles(dir), files, 'a second typo wrote a file of its own');
    assert.equal(statSync(join(dir, files[0]!)).mtimeMs, written, 'the shared file was not used as it was');
    // A command's first run starts from the shared file and then writes its own; the shared one stays.
    await help(dir);
    assert.deepEqual(cacheFiles(dir).map((f) => f.slice(0, f.indexOf('-'))).sort(), ['help', 'other']);
  });

  it('replaces a cache V8 refuses (damaged, or from another build) and prints the same', async () => {
    const dir = freshDir();
    await help(dir);
    const [file] = cacheFiles(dir);
    const path = join(dir, file!);
    writeFileSync(path, Buffer.alloc(4096, 0xab), { mode: 0o600 });
    await help(dir);
    assert.notEqual(readFileSync(path)[0], 0xab, 'the damaged cache was not replaced');
  });

  it('neither reads nor writes a directory others may write', async () => {
    const dir = freshDir();
    chmodSync(dir, 0o777);
    await help(dir);
    assert.deepEqual(cacheFiles(dir), []);
  });

  it('does not follow a link placed where its file goes', async () => {
    const dir = freshDir();
    await help(dir);
    const [file] = cacheFiles(dir);
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'schemaform-cc-other-')), 'planted.v8');
    writeFileSync(elsewhere, readFileSync(join(dir, file!)));
    const linkDir = freshDir();
    symlinkSync(elsewhere, join(linkDir, file!));
    await help(linkDir);
    // The link was replaced by a file of the command's own; what it pointed at is untouched.
    assert.ok(lstatSync(join(linkDir, file!)).isFile());
    assert.deepEqual(readFileSync(elsewhere), readFileSync(join(dir, file!)));
  });

  it('imports the packages kept out of the bundle from a cached compile (PostgreSQL\'s parser)', async () => {
    const dir = freshDir();
    writeFileSync(join(cwd, 'bad.yaml'), 'schemas:\n  public:\n    tables:\n      n:\n        columns:\n          id: { type: bigint }\n        checks:\n          positive: { expression: "id > 0); drop table x; --" }\n');
    const validate = () => runCli(['validate', '-f', 'bad.yaml'], { cwd, env: { SCHEMAFORM_CACHE_DIR: dir } });
    const first = await validate();
    const [file] = cacheFiles(dir);
    assert.ok(file?.startsWith('validate-'));
    const written = statSync(join(dir, file)).mtimeMs;
    const second = await validate();
    assert.equal(statSync(join(dir, file)).mtimeMs, written, 'the second run did not use the cache');
    for (const r of [first, second]) {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /bad\.yaml:8:\d+: .*PostgreSQL's parser: syntax error/);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
  });

  it('is not used at all with SCHEMAFORM_COMPILE_CACHE=off', async () => {
    const dir = freshDir();
    await help(dir, { SCHEMAFORM_COMPILE_CACHE: 'off' });
    assert.deepEqual(cacheFiles(dir), []);
    assert.ok(existsSync(dir));
  });
});
