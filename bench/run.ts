/**
 * npm run bench: times schemaform's commands on generated schemas of 100,
 * 1,000 and 5,000 tables beside `pg_dump --schema-only` on the same
 * database, whole processes included, and prints medians, the ratio to
 * pg_dump and peak RSS. Not a test: nothing here asserts a time.
 *
 *   npm run bench -- --sizes 100,1000 --runs 5
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connectServer } from '../src/db/server.js';
import { introspect } from '../src/introspect/introspect.js';
import { modelToYaml } from '../src/yaml/from-model.js';
import { startPostgres } from '../test/harness/postgres-server.js';
import { generateSchemaSql, mutateModel } from './generate.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const sizes = option('sizes', '100,1000,5000').split(',').map(Number);
const runsFor = (size: number) => Number(option('runs', size >= 5000 ? '3' : '5'));

interface Sample { wall: number; rssMiB: number }

function measure(command: string[], env: NodeJS.ProcessEnv, cwd: string): Sample {
  const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M', ...command] : command;
  const started = process.hrtime.bigint();
  const r = spawnSync(timed[0]!, timed.slice(1), { env, cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${command.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rss = existsSync('/usr/bin/time') ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { wall, rssMiB: rss };
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

async function main() {
  const server = await startPostgres();
  const pgDump = join(server.binDir, 'pg_dump');
  if (!existsSync(pgDump)) throw new Error(`pg_dump not found in ${server.binDir}: install Debian's postgresql package to benchmark against it`);
  const rows: string[][] = [];
  const summary: Record<number, Record<string, Sample>> = {};
  try {
    for (const size of sizes) {
      const template = `bench_${size}_template`;
      const dbName = `bench_${size}`;
      await admin(server.url, `CREATE DATABASE ${template}`);
      const templateUrl = server.url.replace(/\/postgres$/, `/${template}`);
      const setup = await connectServer(templateUrl);
      await setup.exec(generateSchemaSql(size));
      await setup.exec('ANALYZE');
      const { model } = await introspect(setup, { schemas: ['public'] });
      await setup.close();
      const cwd = mkdtempSync(join(tmpdir(), `schemaform-bench-${size}-`));
      writeFileSync(join(cwd, 'same.yaml'), modelToYaml(model));
      writeFileSync(join(cwd, 'changed.yaml'), modelToYaml(mutateModel(model)));
      const reset = async () => {
        await admin(server.url, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin(server.url, `CREATE DATABASE ${dbName} TEMPLATE ${template}`);
      };
      await reset();
      const url = server.url.replace(/\/postgres$/, `/${dbName}`);
      const env = { ...process.env, DATABASE_URL: url, CI: 'true', NO_COLOR: '1' };
      const node = process.execPath;
      const commands: Record<string, { cmd: string[]; before?: () => Promise<void> }> = {
        'pg_dump --schema-only': { cmd: [pgDump, '--schema-only', '-f', '/dev/null', url] },
        'schema inspect': { cmd: [node, bin, 'inspect', '-o', 'inspected.yaml'] },
        'schema plan (no change)': { cmd: [node, bin, 'plan', '-f', 'same.yaml', '-o', 'same.plan.json'] },
        // Rehearsed in a scratch database on the same server, as `schema plan` does by default; and without, to show what that costs.
        'schema plan (5% change)': { cmd: [node, bin, 'plan', '-f', 'changed.yaml', '-o', 'changed.plan.json'] },
        'schema plan (5% change, --no-rehearse)': { cmd: [node, bin, 'plan', '-f', 'changed.yaml', '-o', 'changed.plan.json', '--no-rehearse'] },
        'schema apply (5% change)': { cmd: [node, bin, 'apply', 'changed.plan.json', '--allow-destructive'], before: reset },
      };
      summary[size] = {};
      for (const [label, { cmd, before }] of Object.entries(commands)) {
        const samples: Sample[] = [];
        for (let run = 0; run <= runsFor(size); run++) {
          await before?.();
          const s = measure(cmd, env, cwd);
          if (run > 0) samples.push(s); // the first run warms caches
        }
        summary[size]![label] = { wall: median(samples.map((s) => s.wall)), rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
        process.stderr.write(`${size} tables: ${label}: ${summary[size]![label]!.wall.toFixed(3)} s, ${summary[size]![label]!.rssMiB.toFixed(0)} MiB\n`);
      }
      await admin(server.url, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin(server.url, `DROP DATABASE ${template}`);
    }
    const quick = (cmd: string[]) => median(Array.from({ length: 10 }, () => measure(cmd, process.env, tmpdir()).wall));
    const nodeStart = quick([process.execPath, '-e', '0']);
    const version = quick([process.execPath, bin, '--version']);

    const labels = Object.keys(summary[sizes[0]!]!);
    rows.push(['median wall s / peak MiB (× pg_dump)', ...sizes.map((s) => `${s.toLocaleString('en-US')} tables`)]);
    for (const label of labels) {
      rows.push([label, ...sizes.map((s) => {
        const x = summary[s]![label]!;
        const ratio = x.wall / summary[s]!['pg_dump --schema-only']!.wall;
        return `${x.wall.toFixed(2)} / ${x.rssMiB.toFixed(0)}${label.startsWith('pg_dump') ? '' : ` (${ratio.toFixed(2)}×)`}`;
      })]);
    }
    const table = [
      `| ${rows[0]!.join(' | ')} |`,
      `| ${rows[0]!.map(() => '---').join(' | ')} |`,
      ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const scale = sizes.includes(1000) && sizes.includes(5000)
      ? labels.map((l) => `${l}: ${(summary[5000]![l]!.wall / summary[1000]![l]!.wall).toFixed(2)}×`).join('; ')
      : 'n/a';
    process.stdout.write([
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL from ${server.binDir}`,
      '',
      table,
      '',
      `5,000 vs 1,000 tables: ${scale}`,
      `\`schema --version\`: ${version.toFixed(3)} s vs \`node -e 0\`: ${nodeStart.toFixed(3)} s (${(version / nodeStart).toFixed(2)}×)`,
      '',
    ].join('\n'));
  } finally {
    await server.stop();
  }
}

await main();
