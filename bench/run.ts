/**
 * npm run bench: times schemaform's commands beside `pg_dump --schema-only`
 * on the same database, whole processes included, on two generated
 * profiles: "plain" (tables, enums, foreign keys, checks, indexes, a few
 * views; 100, 1,000 and 5,000 tables) and "rich" (what real application
 * schemas add: routines, triggers, RLS policies, domains, partitions,
 * grants; 500 and 2,500 tables). Prints medians, the ratio to pg_dump, peak
 * RSS, where one no-change and one 5% plan spend their time
 * (SCHEMAFORM_PROFILE), and the performance goals met or not. Not a test:
 * nothing here asserts a time.
 *
 *   npm run bench -- --plain 1000,5000 --rich 500 --runs 5
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connectServer } from '../src/db/server.js';
import { introspect } from '../src/introspect/introspect.js';
import type { Model } from '../src/model/types.js';
import { modelToYaml } from '../src/yaml/from-model.js';
import { startPostgres, type RunningServer } from '../test/harness/postgres-server.js';
import { generateSchemaSql, mutateModel } from './generate.js';
import { createRichRolesSql, generateRichSchemaSql, mutateRichModel } from './generate-rich.js';
import { goalLines, type Results } from './goals.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const sizesOf = (text: string) => text.split(',').filter(Boolean).map(Number);

interface Profile { name: 'plain' | 'rich'; sizes: number[]; sql: (n: number) => string; mutate: (m: Model) => Model; setup?: string }
const profiles: Profile[] = [
  { name: 'plain', sizes: sizesOf(option('plain', option('sizes', '100,1000,5000'))), sql: generateSchemaSql, mutate: mutateModel },
  { name: 'rich', sizes: sizesOf(option('rich', '500,2500')), sql: generateRichSchemaSql, mutate: mutateRichModel, setup: createRichRolesSql },
];
const runsFor = (size: number) => Number(option('runs', size >= 5000 ? '3' : '5'));

interface Sample { wall: number; rssMiB: number }

function measure(command: string[], env: NodeJS.ProcessEnv, cwd: string): Sample & { stderr: string } {
  const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M', ...command] : command;
  const started = process.hrtime.bigint();
  const r = spawnSync(timed[0]!, timed.slice(1), { env, cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${command.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rss = existsSync('/usr/bin/time') ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { wall, rssMiB: rss, stderr: r.stderr };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function admin(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

const PG_DUMP = 'pg_dump --schema-only';
const NO_CHANGE = 'schema plan (no change)';
const CHANGED = 'schema plan (5% change, rehearsed: the default)';
const CHANGED_BARE = 'schema plan (5% change, --no-rehearse)';
const APPLY = 'schema apply (5% change)';

/** Times every command on one generated database; returns the medians and one profiled run of each plan. */
async function benchOne(server: RunningServer, profile: Profile, size: number) {
  const template = `bench_${profile.name}_${size}_template`;
  const dbName = `bench_${profile.name}_${size}`;
  if (profile.setup) await admin(server.url, profile.setup);
  await admin(server.url, `CREATE DATABASE ${template}`);
  const setup = await connectServer(server.url.replace(/\/postgres$/, `/${template}`));
  await setup.exec(profile.sql(size));
  await setup.exec('ANALYZE');
  const { model } = await introspect(setup, { schemas: ['public'] });
  await setup.close();
  const cwd = mkdtempSync(join(tmpdir(), `schemaform-bench-${profile.name}-${size}-`));
  writeFileSync(join(cwd, 'same.yaml'), modelToYaml(model));
  writeFileSync(join(cwd, 'changed.yaml'), modelToYaml(profile.mutate(model)));
  const reset = async () => {
    await admin(server.url, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin(server.url, `CREATE DATABASE ${dbName} TEMPLATE ${template}`);
  };
  await reset();
  const url = server.url.replace(/\/postgres$/, `/${dbName}`);
  const env = { ...process.env, DATABASE_URL: url, CI: 'true', NO_COLOR: '1' };
  const node = process.execPath;
  const pgDump = join(server.binDir, 'pg_dump');
  const commands: Record<string, { cmd: string[]; before?: () => Promise<void> }> = {
    [PG_DUMP]: { cmd: [pgDump, '--schema-only', '-f', '/dev/null', url] },
    'schema inspect': { cmd: [node, bin, 'inspect', '-o', 'inspected.yaml'] },
    [NO_CHANGE]: { cmd: [node, bin, 'plan', '-f', 'same.yaml', '-o', 'same.plan.json'] },
    [CHANGED_BARE]: { cmd: [node, bin, 'plan', '-f', 'changed.yaml', '-o', 'changed.plan.json', '--no-rehearse'] },
    // Rehearsed in a scratch database on the same server, as `schema plan` does by default.
    [CHANGED]: { cmd: [node, bin, 'plan', '-f', 'changed.yaml', '-o', 'changed.plan.json'] },
    [APPLY]: { cmd: [node, bin, 'apply', 'changed.plan.json', '--allow-destructive'], before: reset },
  };
  const results: Record<string, Sample> = {};
  for (const [label, { cmd, before }] of Object.entries(commands)) {
    const samples: Sample[] = [];
    for (let run = 0; run <= runsFor(size); run++) {
      await before?.();
      const s = measure(cmd, env, cwd);
      if (run > 0) samples.push(s); // the first run warms caches
    }
    results[label] = { wall: median(samples.map((s) => s.wall)), rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
    process.stderr.write(`${profile.name} ${size} tables: ${label}: ${results[label]!.wall.toFixed(3)} s, ${results[label]!.rssMiB.toFixed(0)} MiB\n`);
  }
  await reset();
  const profiled = (cmd: string[]) => measure(cmd, { ...env, SCHEMAFORM_PROFILE: '1' }, cwd).stderr.split('\n').filter((l) => /^\s+\d+ ms/.test(l));
  const phases = { [NO_CHANGE]: profiled(commands[NO_CHANGE]!.cmd), [CHANGED]: profiled(commands[CHANGED]!.cmd) };
  await admin(server.url, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin(server.url, `DROP DATABASE ${template}`);
  return { results, phases };
}

function markdownTable(profile: Profile, results: Results[string]): string {
  const header = ['median wall s / peak MiB (× pg_dump)', ...profile.sizes.map((s) => `${s.toLocaleString('en-US')} tables`)];
  const labels = Object.keys(results[profile.sizes[0]!]!);
  const rows = labels.map((label) => [label, ...profile.sizes.map((s) => {
    const x = results[s]![label]!;
    const ratio = x.wall / results[s]![PG_DUMP]!.wall;
    return `${x.wall.toFixed(2)} / ${x.rssMiB.toFixed(0)}${label === PG_DUMP ? '' : ` (${ratio.toFixed(2)}×)`}`;
  })]);
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

async function main() {
  const server = await startPostgres();
  if (!existsSync(join(server.binDir, 'pg_dump'))) throw new Error(`pg_dump not found in ${server.binDir}: install Debian's postgresql package to benchmark against it`);
  const results: Results = {};
  const out: string[] = [];
  const load = loadavg()[0]!.toFixed(2);
  try {
    for (const profile of profiles) {
      if (profile.sizes.length === 0) continue;
      results[profile.name] = {};
      const phaseLines: string[] = [];
      for (const size of profile.sizes) {
        const { results: r, phases } = await benchOne(server, profile, size);
        results[profile.name]![size] = r;
        for (const [label, lines] of Object.entries(phases)) phaseLines.push(`${profile.name}, ${size} tables, ${label}:`, ...lines);
      }
      out.push(`### ${profile.name} profile`, '', markdownTable(profile, results[profile.name]!), '', '```', ...phaseLines, '```', '');
    }
    const quick = (cmd: string[]) => median(Array.from({ length: 10 }, () => measure(cmd, process.env, tmpdir()).wall));
    const nodeStart = quick([process.execPath, '-e', '0']);
    const version = quick([process.execPath, bin, 'help']);
    process.stdout.write([
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL from ${server.binDir}; load average ${load} at the start, ${loadavg()[0]!.toFixed(2)} at the end`,
      '',
      ...out,
      'Goals:',
      ...goalLines(results, { pgDump: PG_DUMP, noChange: NO_CHANGE, changed: CHANGED, changedBare: CHANGED_BARE, apply: APPLY }),
      '',
      `\`schema help\` (loading the CLI): ${version.toFixed(3)} s vs \`node -e 0\`: ${nodeStart.toFixed(3)} s`,
      '',
    ].join('\n'));
  } finally {
    await server.stop();
  }
}

await main();
