import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createTestDatabase } from '../harness/databases.js';
import { NOTES_SCHEMA, runCli } from '../harness/cli.js';
import { FakeReviewApi } from '../harness/fake-review-api.js';

/**
 * The GitHub Actions recipe in README.md ("Use it in CI"), run as written:
 * its `run:` steps in bash, its `${{ }}` expressions given the values
 * GitHub would, `npx schemaform` running this checkout, against a real
 * PostgreSQL and a stand-in for GitHub's API that records every call.
 */
const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const REPOSITORY = 'acme/shop';
const TOKEN = 'ghs_test_token';

interface Step { name?: string; uses?: string; run?: string; env?: Record<string, string>; id?: string }
interface Workflow { jobs: Record<string, { steps: Step[] }> }

/** The YAML blocks under "## Use it in CI": the GitHub workflow first, then .gitlab-ci.yml. */
function blocks(): unknown[] {
  const section = readme.slice(readme.indexOf('## Use it in CI'), readme.indexOf('\n## ', readme.indexOf('## Use it in CI') + 1));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
}
const recipe = () => blocks()[0] as Workflow;
const gitlabRecipe = () => blocks()[1] as Record<string, { script: string[] }>;

const schemaV1 = NOTES_SCHEMA;
const schemaV2 = schemaV1.replace('          body: { type: text, notNull: true }\n', '          body: { type: text, notNull: true }\n          pinned: { type: boolean, notNull: true, default: "false" }\n');

/** A shell in which `npx schemaform` is this checkout's binary and nothing else is fetched. */
function fakeNpx(): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemaform-npx-'));
  writeFileSync(join(dir, 'npx'), `#!/bin/sh\nif [ "$1" = schemaform ]; then shift; exec "${process.execPath}" "${bin}" "$@"; fi\necho "unexpected: npx $*" >&2\nexit 127\n`);
  chmodSync(join(dir, 'npx'), 0o755);
  return dir;
}

describe('the CI recipe in the README', function () {
  this.timeout(300_000);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let github: FakeReviewApi;
  beforeEach(async () => {
    database = await createTestDatabase();
    github = new FakeReviewApi(REPOSITORY, TOKEN);
    await github.start();
  });
  afterEach(async () => {
    await github.stop();
    await database.drop();
  });

  /** Run one job's steps as GitHub would, skipping the `uses:` actions and `npm ci` (the install is this checkout). */
  async function runJob(job: string, cwd: string, pr: number, only?: (step: Step) => boolean): Promise<string[]> {
    const steps = recipe().jobs[job]!.steps;
    const event = join(cwd, 'event.json');
    writeFileSync(event, JSON.stringify({ action: 'synchronize', number: pr, pull_request: { number: pr, merged: false, head: { sha: 'c0ffee' }, labels: [] } }));
    const ran: string[] = [];
    for (const step of steps) {
      if (!step.run || step.run === 'npm ci' || (only && !only(step))) continue;
      const outputs = join(cwd, `outputs-${ran.length}`);
      writeFileSync(outputs, '');
      const env: NodeJS.ProcessEnv = {
        PATH: `${fakeNpx()}:${process.env.PATH}`, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1',
        GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: event,
        GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: `refs/pull/${pr}/merge`, GITHUB_OUTPUT: outputs, GITHUB_RUN_ID: '4242',
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))])),
      };
      const result = await bash(expand(step.run), cwd, env);
      assert.equal(result.code, 0, `step "${step.name ?? step.run}" failed:\n${result.output}`);
      ran.push(step.name ?? step.run);
    }
    return ran;
  }

  /** What GitHub substitutes for each `${{ }}` the recipe uses; one it does not know fails the test. */
  function expand(text: string): string {
    const values: Record<string, string> = {
      'secrets.PRODUCTION_DATABASE_URL': database.url,
      'secrets.SHADOW_DATABASE_URL': '',
      'secrets.GITHUB_TOKEN': TOKEN,
      'github.run_id': '4242',
      'github.event.pull_request.head.sha': 'c0ffee',
      'steps.reviewed.outputs.run-id': '4242',
      "contains(github.event.pull_request.labels.*.name, 'allow-destructive') && '--allow-destructive' || ''": '',
    };
    return text.replaceAll(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
      assert.ok(expression in values, `the test does not know the expression \${{ ${expression} }}`);
      return values[expression]!;
    });
  }

  it('plans on a pull request with one comment, updated in place on the next push; the merge applies the reviewed plan', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'schemaform-ci-'));
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    // Reviewers were there first: the tool's comment is past the first page of 100.
    github.seed(7, 150);

    const ran = await runJob('plan', cwd, 7);
    assert.deepEqual(ran, ['Plan against production', 'Comment on the pull request']);
    assert.deepEqual(github.writes().map((c) => `${c.method} ${c.path}`), [`POST /repos/${REPOSITORY}/issues/7/comments`]);
    const first = github.thread(7).at(-1)!;
    assert.ok(first.body.startsWith('<!-- schemaform:plan:default -->\n'), first.body.slice(0, 80));
    assert.match(first.body, /Plan: 1 to create, 0 to change, 0 to replace, 0 to destroy\./);

    writeFileSync(join(cwd, 'schema.yaml'), schemaV2);
    await runJob('plan', cwd, 7);
    const writes = github.writes().map((c) => `${c.method} ${c.path}`);
    assert.deepEqual(writes, [`POST /repos/${REPOSITORY}/issues/7/comments`, `PATCH /repos/${REPOSITORY}/issues/comments/${first.id}`], 'the second run edits the same comment');
    assert.equal(github.thread(7).length, 151, 'still one comment of the tool');
    assert.match(github.thread(7).at(-1)!.body, /Plan: 1 to create, 0 to change/);
    assert.ok(github.calls.some((c) => c.path.endsWith('page=2')), 'it read past the first page');

    // The merge: the reviewed plan (the plan job's artifact) is applied as it is.
    const reviewed = readFileSync(join(cwd, 'plan.json'), 'utf8');
    const applied = await runJob('apply', cwd, 7, (s) => s.name === 'Apply the reviewed plan');
    assert.deepEqual(applied, ['Apply the reviewed plan']);
    assert.equal(readFileSync(join(cwd, 'plan.json'), 'utf8'), reviewed);
    const again = await runCli(['plan', '--detailed-exitcode', '--no-rehearse'], { cwd, databaseUrl: database.url });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    // Applying it a second time (a re-run of the merge job) is refused and changes nothing.
    const rerun = await bash(`npx schemaform apply plan.json`, cwd, { PATH: `${fakeNpx()}:${process.env.PATH}`, CI: 'true', DATABASE_URL: database.url });
    assert.equal(rerun.code, 1);
    assert.match(rerun.output, /already applied \(snapshot \d+/);
  });

  it('a plan job without a database fails instead of planning against a throwaway one, and comments nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'schemaform-ci-'));
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    const step = recipe().jobs.plan!.steps.find((s) => s.name === 'Plan against production')!;
    const r = await bash(step.run!, cwd, { PATH: `${fakeNpx()}:${process.env.PATH}`, CI: 'true', HOME: process.env.HOME });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /no database to connect to/);
    assert.equal(existsSync(join(cwd, 'plan.json')), false);
    assert.equal(existsSync(join(cwd, '.schema')), false);
    assert.deepEqual(github.calls, []);
  });

  it('a 2,000-table plan becomes a comment under 65,536 characters, with a note on what it left out', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'schemaform-ci-'));
    const tables = Array.from({ length: 2000 }, (_, i) => `      t${i}:\n        columns:\n          id: { type: bigint }\n          name: { type: text, notNull: true }\n        primaryKey: [id]\n        indexes:\n          t${i}_name_idx: { columns: [name] }\n`);
    writeFileSync(join(cwd, 'schema.yaml'), `schemas:\n  public:\n    tables:\n${tables.join('')}`);
    const plan = await runCli(['plan', '-o', 'plan.json', '--no-rehearse'], { cwd, databaseUrl: database.url });
    assert.equal(plan.code, 0, plan.stderr);
    assert.ok(readFileSync(join(cwd, 'plan.json'), 'utf8').length > 1_000_000, 'the plan itself is far over the limit');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN };
    const comment = await runCli(['comment', 'plan.json', '--pr', '8', '--json'], { cwd, env });
    assert.equal(comment.code, 0, comment.stderr + comment.stdout);
    const body = github.thread(8)[0]!.body;
    assert.ok(body.length <= 65_536, `${body.length} characters`);
    assert.match(body, /Plan: 2000 to create/);
    assert.match(body, /\*\*Shortened to fit a comment:\*\* \d+ object section\(s\) left out\. The full plan: the plan file, attached to this job as an artifact\./);
    assert.equal(JSON.parse(comment.stdout).characters, body.length);
  });

  it('on GitLab, one merge request note, updated in place', async () => {
    const gitlab = new FakeReviewApi('42', 'glpat-test', 'gitlab');
    await gitlab.start();
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'schemaform-ci-'));
      writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
      gitlab.seed(3, 120);
      const env = {
        PATH: `${fakeNpx()}:${process.env.PATH}`, HOME: process.env.HOME, CI: 'true', GITLAB_CI: 'true', CI_JOB_ID: '99',
        GITLAB_TOKEN: 'glpat-test', CI_API_V4_URL: `${gitlab.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '3', DATABASE_URL: database.url,
      };
      // The job's script lines, as GitLab runs them (one shell, stopping at the first failure); the install is this checkout.
      const job = async (name: string) => {
        const script = gitlabRecipe()[name]!.script.filter((line) => line !== 'npm ci').join('\n');
        const r = await bash(script, cwd, env);
        assert.equal(r.code, 0, `${name}:\n${r.output}`);
      };
      await job('schema-plan');
      writeFileSync(join(cwd, 'schema.yaml'), schemaV2);
      await job('schema-plan');
      assert.deepEqual(gitlab.writes().map((c) => c.method), ['POST', 'PUT']);
      assert.equal(gitlab.thread(3).length, 121);
      assert.match(gitlab.thread(3).at(-1)!.body, /^<!-- schemaform:plan:default -->\n### schemaform plan/);
      await job('schema-apply');
      const again = await runCli(['plan', '--detailed-exitcode', '--no-rehearse'], { cwd, databaseUrl: database.url });
      assert.equal(again.code, 0, again.stdout);
    } finally {
      await gitlab.stop();
    }
  });

  it('says what is missing or refused, exit 1, and writes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'schemaform-ci-'));
    writeFileSync(join(cwd, 'schema.yaml'), schemaV1);
    assert.equal((await runCli(['plan', '-o', 'plan.json', '--no-rehearse'], { cwd, databaseUrl: database.url })).code, 0);
    const outside = await runCli(['comment', 'plan.json'], { cwd });
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /not in GitHub Actions or GitLab CI/);
    const noToken = await runCli(['comment', 'plan.json', '--pr', '7'], { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: github.url } });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /GITHUB_TOKEN not set/);
    const badToken = await runCli(['comment', 'plan.json', '--pr', '7'], { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: REPOSITORY, GITHUB_API_URL: github.url, GITHUB_TOKEN: 'wrong' } });
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /GET .*\/issues\/7\/comments answered 401[\s\S]*pull-requests: write/);
    assert.deepEqual(github.writes(), []);
  });
});

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  mkdirSync(cwd, { recursive: true });
  return new Promise((resolve, reject) => {
    // GitHub's `run:` shell: bash --noprofile --norc -eo pipefail.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
