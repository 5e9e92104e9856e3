/**
 * npm run bench:online: what a change to a big, busy table does to the
 * application's writes. Builds `events` (10,000,000 rows by default) and
 * `accounts`, runs a write load through pgbench (4 clients), and applies
 * one change (an index on events(account_id), a foreign key to accounts,
 * a CHECK, note SET NOT NULL, planned from YAML by `schema plan` with no
 * hand edits) four ways in the same run: `schema apply` (online, the
 * default), `schema apply` of an `--atomic` plan, and the same change as a
 * plain DDL script. For each: the worst write latency and p99 while the
 * change ran, and how long it took. Then the lock-queue case: another
 * session holds a transaction on events; while the apply waits, no write
 * waits longer than about the lock timeout, and the apply finishes once the
 * holder ends, or stops cleanly, changing nothing, once its budget is spent.
 * Not a test: nothing here asserts a time.
 *
 *   npm run bench:online -- --rows 1000000 --clients 4
 *   npm run bench:online -- --pg-setting shared_buffers=2GB
 *
 * SCHEMAFORM_BENCH_TRACE=1 also prints each apply's progress, when, in
 * the change, the write that waited longest began, and what the server
 * said the writers waited for meanwhile (sampled every 50 ms).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres } from '../test/harness/postgres-server.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const ROWS = Number(option('rows', '10000000'));
const CLIENTS = Number(option('clients', '4'));
const HOLD_SECONDS = Number(option('hold', '8'));
// --pg-setting NAME=VALUE (repeatable): the server configured otherwise than the tests' (a production-sized buffer pool, say).
const SETTINGS = Object.fromEntries(args.flatMap((a, i) => (a === '--pg-setting' && args[i + 1]?.includes('=') ? [args[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])));

const table = (extra: string) => `
schemas:
  public:
    tables:
      accounts:
        columns: { id: { type: bigint }, name: { type: text } }
        primaryKey: [id]
      events:
        columns:
          id: { type: bigint }
          account_id: { type: bigint }
          amount: { type: integer }
          note: { type: text${extra ? ', notNull: true' : ''} }
        primaryKey: [id]
${extra}`;
const before = table('');
const after = table(`        indexes:
          events_account_id_idx: { columns: [account_id] }
        foreignKeys:
          events_account_id_fkey: { columns: [account_id], references: { table: accounts, columns: [id] } }
        checks:
          events_amount_check: { expression: "amount >= 0" }
`);
const plainDdl = [
  'CREATE INDEX events_account_id_idx ON public.events (account_id)',
  'ALTER TABLE public.events ADD CONSTRAINT events_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts (id)',
  'ALTER TABLE public.events ADD CONSTRAINT events_amount_check CHECK (amount >= 0)',
  'ALTER TABLE public.events ALTER COLUMN note SET NOT NULL',
];
// Each transaction writes: an insert and an update of a random row. The id sequence lives outside the managed schema.
const loadScript = `\\set acc random(1, 10000)
\\set row random(1, ${ROWS})
INSERT INTO public.events VALUES (nextval('load.ids'), :acc, 1, 'new');
UPDATE public.events SET amount = amount + 1 WHERE id = :row;
`;

async function sql(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(text)).rows as Array<Record<string, unknown>>; } finally { await c.end(); }
}

/** The CLI without blocking this process (its timers end the lock holder). */
function cliAsync(argv: string[], url: string, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], { cwd, env: { ...process.env, DATABASE_URL: url, CI: 'true', NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

function cli(argv: string[], url: string, cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd, env: { ...process.env, DATABASE_URL: url, CI: 'true', NO_COLOR: '1' }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

interface Latency { end: number; ms: number }

/** pgbench's per-transaction log: latency (µs) and completion time of each transaction. */
function readLog(dir: string, prefix: string): Latency[] {
  const out: Latency[] = [];
  for (const f of readdirSync(dir).filter((f) => f.startsWith(prefix))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const p = line.trim().split(/\s+/);
      if (p.length < 6) continue;
      out.push({ ms: Number(p[2]) / 1000, end: Number(p[4]) * 1000 + Number(p[5]) / 1000 });
    }
  }
  return out;
}

const SAMPLE_MS = 50;

/**
 * With SCHEMAFORM_BENCH_TRACE: every SAMPLE_MS, what the load's sessions
 * wait for (pg_stat_activity) and the phase of any index build
 * (pg_stat_progress_create_index), so that the longest write can be
 * matched with what held it up.
 */
async function sampleWaits(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const samples: Array<{ at: number; states: string[] }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = (await c.query(`SELECT 'writer ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS s FROM pg_stat_activity WHERE application_name = 'pgbench' AND state = 'active'
        UNION ALL SELECT 'index build: ' || phase FROM pg_stat_progress_create_index`)).rows as Array<{ s: string }>;
      samples.push({ at: Date.now(), states: rows.map((r) => r.s) });
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  return { stop: async () => { running = false; await loop; await c.end(); return samples; } };
}

interface CaseResult { label: string; worstMs: number; p99Ms: number; seconds: number; note: string }

/** Run the load for `seconds`, call `change` after a warm-up, and read the latencies of the writes that overlapped it. */
async function underLoad(pgbench: string, url: string, label: string, seconds: number, change: () => Promise<string>): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'schemaform-online-'));
  writeFileSync(join(dir, 'load.sql'), loadScript);
  const prefix = label.replace(/[^a-z]+/gi, '_');
  const load: ChildProcess = spawn(pgbench, ['-n', '-c', String(CLIENTS), '-j', '2', '-T', String(seconds), '-f', 'load.sql', '-l', `--log-prefix=${prefix}`, url], { cwd: dir, stdio: 'ignore' });
  const done = new Promise<void>((resolve) => load.on('exit', () => resolve()));
  await new Promise((r) => setTimeout(r, 3000));
  const sampler = process.env.SCHEMAFORM_BENCH_TRACE ? await sampleWaits(url) : undefined;
  const started = Date.now();
  const note = await change();
  const ended = Date.now();
  const samples = await sampler?.stop();
  await done;
  const during = readLog(dir, prefix).filter((t) => t.end >= started && t.end - t.ms <= ended);
  const sorted = during.map((t) => t.ms).sort((a, b) => a - b);
  const worst = during.reduce((w, t) => (t.ms > (w?.ms ?? -1) ? t : w), undefined as Latency | undefined);
  if (worst && process.env.SCHEMAFORM_BENCH_TRACE) {
    process.stderr.write(`${label}: worst write started ${((worst.end - worst.ms - started) / 1000).toFixed(2)} s into the change\n`);
    // What the server said, while it waited, about the writers and any index build.
    const seen = new Map<string, number>();
    for (const s of samples ?? []) if (s.at >= worst.end - worst.ms && s.at <= worst.end) for (const w of s.states) seen.set(w, (seen.get(w) ?? 0) + 1);
    process.stderr.write(`${label}: during it, sampled every ${SAMPLE_MS} ms: ${[...seen].map(([w, n]) => `${w} ×${n}`).join('; ') || 'nothing'}\n`);
  }
  const ranPast = readLog(dir, prefix).some((t) => t.end > ended);
  return {
    label, seconds: (ended - started) / 1000, worstMs: sorted.at(-1) ?? NaN, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
    note: ranPast ? note : `${note} (the load ended before the change: raise its length)`,
  };
}

async function main() {
  const server = await startPostgres(SETTINGS);
  const pgbench = join(server.binDir, 'pgbench');
  if (!existsSync(pgbench)) throw new Error(`pgbench not found in ${server.binDir}: install Debian's postgresql package (it ships pgbench)`);
  const cwd = mkdtempSync(join(tmpdir(), 'schemaform-online-'));
  writeFileSync(join(cwd, 'before.yaml'), before);
  writeFileSync(join(cwd, 'after.yaml'), after);
  const urlOf = (db: string) => server.url.replace(/\/postgres$/, `/${db}`);
  const results: CaseResult[] = [];
  try {
    process.stderr.write(`building events with ${ROWS.toLocaleString('en-US')} rows...\n`);
    await sql(server.url, 'CREATE DATABASE online_template');
    const template = urlOf('online_template');
    const base = cli(['apply', '--auto-approve', (() => { const r = cli(['plan', '-f', 'before.yaml', '-o', 'before.plan.json'], template, cwd); if (r.code !== 0) throw new Error(r.out); return 'before.plan.json'; })()], template, cwd);
    if (base.code !== 0) throw new Error(base.out);
    await sql(template, `CREATE SCHEMA load; CREATE SEQUENCE load.ids START ${ROWS + 1};
      INSERT INTO public.accounts SELECT g, 'account ' || g FROM generate_series(1, 10000) g;
      INSERT INTO public.events SELECT g, g % 10000 + 1, g % 100, 'note ' || g FROM generate_series(1, ${ROWS}) g`);
    await sql(template, 'VACUUM ANALYZE');
    const fresh = async () => {
      await sql(server.url, 'DROP DATABASE IF EXISTS online WITH (FORCE)');
      await sql(server.url, 'CREATE DATABASE online TEMPLATE online_template');
      await sql(urlOf('online'), 'VACUUM ANALYZE');
      return urlOf('online');
    };
    const planned = async (extra: string[]) => {
      const url = await fresh();
      const r = cli(['plan', '-f', 'after.yaml', '-o', 'after.plan.json', ...extra], url, cwd);
      if (r.code !== 0) throw new Error(r.out);
      return url;
    };
    const apply = (url: string, extra: string[] = []) => async () => {
      const r = await cliAsync(['apply', 'after.plan.json', '--auto-approve', ...extra], url, cwd);
      if (process.env.SCHEMAFORM_BENCH_TRACE) process.stderr.write(r.out);
      const retries = r.out.split('\n').filter((l) => /retrying in/.test(l)).length;
      const outcome = r.code === 0 ? 'applied' : `stopped (exit ${r.code}): ${/Everything was rolled back|partial/.exec(r.out)?.[0] ?? r.out.split('\n').find((l) => /failed/.test(l)) ?? ''}`;
      return `${outcome}${retries ? ` after ${retries} lock-timeout retr${retries === 1 ? 'y' : 'ies'}` : ''}`;
    };

    const runPlain = (target: string) => async () => {
      const c = new pg.Client({ connectionString: target });
      await c.connect();
      try { for (const s of plainDdl) await c.query(s); } finally { await c.end(); }
      return 'applied';
    };
    // The plain script once without load: how long the change takes sizes the load (pgbench runs for a fixed time).
    let url = await fresh();
    const unloadedStart = Date.now();
    await runPlain(url)();
    const unloaded = (Date.now() - unloadedStart) / 1000;
    process.stderr.write(`plain DDL without load: ${unloaded.toFixed(1)} s\n`);
    url = await fresh();
    const plain = await underLoad(pgbench, url, 'plain DDL script', Math.ceil(unloaded * 2 + 10), runPlain(url));
    results.push(plain);
    const length = Math.ceil(plain.seconds * 5 + 15);
    report(plain);
    url = await planned([]);
    results.push(await underLoad(pgbench, url, 'schema apply (online, default)', length, apply(url)));
    report(results.at(-1)!);
    url = await planned(['--atomic']);
    results.push(await underLoad(pgbench, url, 'schema apply (--atomic plan)', Math.ceil(plain.seconds * 2 + 10), apply(url)));
    report(results.at(-1)!);

    // The lock queue: a transaction holds ACCESS SHARE on events; the apply waits behind it with 2 s lock timeouts.
    const queued = async (label: string, budget: string) => {
      const u = await planned([]);
      return underLoad(pgbench, u, label, length + HOLD_SECONDS, async () => {
        const holder = new pg.Client({ connectionString: u });
        await holder.connect();
        await holder.query("SET application_name = 'long report'; BEGIN; SELECT count(*) FROM public.events WHERE id < 10");
        const release = setTimeout(() => void holder.query('ROLLBACK').finally(() => holder.end()), HOLD_SECONDS * 1000);
        try {
          return await apply(u, ['--retry-budget', budget])();
        } finally {
          clearTimeout(release);
          await holder.query('ROLLBACK').catch(() => undefined);
          await holder.end().catch(() => undefined);
        }
      });
    };
    results.push(await queued(`schema apply behind a ${HOLD_SECONDS} s transaction`, '3min'));
    report(results.at(-1)!);
    results.push(await queued(`schema apply behind a ${HOLD_SECONDS} s transaction, 2 s retry budget`, '2s'));
    report(results.at(-1)!);
    const plainQueueUrl = await fresh();
    results.push(await underLoad(pgbench, plainQueueUrl, `plain DDL behind a ${HOLD_SECONDS} s transaction`, Math.ceil(plain.seconds * 2 + HOLD_SECONDS + 10), async () => {
      const holder = new pg.Client({ connectionString: plainQueueUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN; SELECT count(*) FROM public.events WHERE id < 10');
        setTimeout(() => void holder.query('ROLLBACK'), HOLD_SECONDS * 1000);
        return await runPlain(plainQueueUrl)();
      } finally {
        await holder.end();
      }
    }));
    report(results.at(-1)!);

    process.stdout.write([
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL from ${server.binDir} (fsync off${Object.entries(SETTINGS).map(([k, v]) => `, ${k}=${v}`).join('')}); ${ROWS.toLocaleString('en-US')} rows, ${CLIENTS} pgbench clients`,
      '',
      '| how the change runs | worst write stall | p99 write latency | change took | outcome |',
      '| --- | --- | --- | --- | --- |',
      ...results.map((r) => `| ${r.label} | ${(r.worstMs / 1000).toFixed(2)} s | ${r.p99Ms.toFixed(1)} ms | ${r.seconds.toFixed(1)} s | ${r.note} |`),
      '',
    ].join('\n'));
  } finally {
    await server.stop();
  }
}

function report(r: CaseResult) {
  process.stderr.write(`${r.label}: worst ${(r.worstMs / 1000).toFixed(2)} s, p99 ${r.p99Ms.toFixed(1)} ms, took ${r.seconds.toFixed(1)} s, ${r.note}\n`);
}

await main();
