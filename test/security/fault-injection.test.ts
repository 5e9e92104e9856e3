import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/database.js';
import { introspect } from '../../src/introspect/introspect.js';
import { fingerprint } from '../../src/model/objects.js';
import { writePlanFile } from '../../src/plan/plan-file.js';
import { serverUrl } from '../harness/root-hooks.js';
import { startCuttingProxy, type ProxyAction } from '../harness/proxy.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';
import { runCli } from '../harness/cli.js';

/**
 * An atomic apply (`schema plan --atomic`) is killed (kill -9) or loses its connection at chosen points: at
 * step boundaries, while a backup is being written, before COMMIT. Each
 * time the database must be exactly as before (schema, rows, history, no
 * leftover backup), the server must let go of the dead session within a
 * few seconds, and applying the same plan again must succeed with the same
 * result as an apply that was never interrupted. A bounded set of points
 * by default; SCHEMAFORM_FAULT_POINTS=all interrupts at every statement.
 * (An online apply, which commits unit by unit, resumes instead: resume.test.)
 */
const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const ROWS = 20_000;

const v1 = `
schemas:
  public:
    tables:
      orders:
        columns:
          id: { type: integer }
          note: { type: text }
          amount: { type: "numeric(12,2)" }
        primaryKey: [id]
`;
// Drops a column (backed up first) and cuts another (backed up too), and adds an index.
const v2 = `
schemas:
  public:
    tables:
      orders:
        columns:
          id: { type: integer }
          amount: { type: integer }
        primaryKey: [id]
        indexes:
          orders_amount_idx: { columns: [amount] }
`;

interface Point { name: string; at: (sql: string, n: number) => boolean; action: ProxyAction; kill: boolean }

const named: Point[] = [
  { name: 'kill -9 at the first step', at: (sql) => /^SET LOCAL search_path/.test(sql), action: 'hold', kill: true },
  { name: 'kill -9 while a backup is written', at: (sql) => /^CREATE TABLE "schemaform"\./.test(sql), action: 'pass', kill: true },
  { name: 'kill -9 between a backup and its drop', at: (sql) => /DROP COLUMN "note"/.test(sql), action: 'hold', kill: true },
  { name: 'kill -9 while an index builds', at: (sql) => /^CREATE INDEX/.test(sql), action: 'pass', kill: true },
  { name: 'kill -9 before COMMIT', at: (sql) => sql.trim() === 'COMMIT', action: 'hold', kill: true },
  { name: 'connection lost after a backup', at: (sql) => /DROP COLUMN "note"/.test(sql), action: 'cut', kill: false },
  { name: 'connection lost while the snapshot is recorded', at: (sql) => /^INSERT INTO "schemaform"\."snapshots"/.test(sql), action: 'cut', kill: false },
];

async function state(db: Database) {
  const schema = fingerprint((await introspect(db, { schemas: ['public'] })).model);
  const [rows] = await db.query<{ digest: string }>("SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS digest FROM public.orders t");
  const history = await db.query<{ n: number }>("SELECT (SELECT count(*)::int FROM schemaform.snapshots) AS n");
  const [leftovers] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE schemaname = 'schemaform' AND tablename NOT IN ('snapshots', 'backups', 'apply_journal')");
  return { schema, rows: rows!.digest, snapshots: history[0]!.n, backupTables: leftovers!.n };
}

/** Run `schema apply PLAN` through the proxy; kill it when the proxy reaches the point. */
function applyThrough(url: string, planFile: string, cwd: string, onPoint: (kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'apply', planFile, '--allow-destructive', '--database-url', url], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    onPoint(() => child.kill('SIGKILL'));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function serverSessionsGone(db: Database, database: string) {
  const started = performance.now();
  for (;;) {
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND application_name = 'schemaform' AND pid <> pg_backend_pid()", [database]);
    if (row!.n === 0) return performance.now() - started;
    if (performance.now() - started > 10_000) return Infinity;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('security: an interrupted atomic apply leaves everything as it was, and a retry finishes it', function () {
  this.timeout(600_000);

  it('at each chosen point: nothing changed, the server lets go, and the same plan then applies', async () => {
    // What an uninterrupted apply gives, to compare each retried one with.
    const expected = await withDatabase(async ({ db }) => {
      await applyYaml(db, v1);
      await db.exec(`INSERT INTO public.orders SELECT g, 'note ' || g, g / 7.0 FROM generate_series(1, ${ROWS}) g`);
      await applyYaml(db, v2, { allowDestructive: true });
      return (await state(db)).rows;
    });
    const all = process.env.SCHEMAFORM_FAULT_POINTS === 'all';
    const points: Point[] = all ? Array.from({ length: 60 }, (_, k) => ({ name: `kill -9 at statement ${k + 1}`, at: (_sql: string, n: number) => n === k + 1, action: 'hold' as const, kill: true })) : named;
    for (const point of points) {
      await withDatabase(async ({ db, name }) => {
        await applyYaml(db, v1);
        await db.exec(`INSERT INTO public.orders SELECT g, 'note ' || g, g / 7.0 FROM generate_series(1, ${ROWS}) g`);
        const before = await state(db);
        const cwd = mkdtempSync(join(tmpdir(), 'schemaform-fault-'));
        const planFile = join(cwd, 'plan.json');
        await writePlanFile(planFile, await planYaml(db, v2, { allowDestructive: true, execution: 'atomic' }));
        let kill: () => void = () => undefined;
        let reached = false;
        let n = 0;
        const proxy = await startCuttingProxy(serverUrl(), (sql) => {
          if (reached || !point.at(sql, ++n)) return 'pass';
          reached = true;
          if (point.kill) setTimeout(() => kill(), point.action === 'pass' ? 50 : 0);
          return point.action;
        });
        try {
          const run = await applyThrough(proxy.url(name), planFile, cwd, (k) => { kill = k; });
          if (!reached) return; // `all`: the plan has fewer statements than this point
          assert.ok(point.kill ? run.signal === 'SIGKILL' : run.code === 1, `${point.name}: ${run.code} ${run.signal} ${run.stderr}`);
          if (!point.kill) assert.match(run.stderr.replace(/\s*\n ›\s+/g, ' '), /nothing was committed|in doubt/, run.stderr);
        } finally {
          await proxy.close();
        }
        const gone = await serverSessionsGone(db, name);
        assert.ok(gone < 5_000, `${point.name}: the server kept the dead apply's session for ${Math.round(gone)} ms`);
        assert.deepEqual(await state(db), before, `${point.name}: the database changed`);
        const retry = await runCli(['apply', planFile, '--allow-destructive'], { cwd, databaseUrl: serverUrlOf(name) });
        assert.equal(retry.code, 0, `${point.name}: the retry failed: ${retry.stderr}`);
        const after = await state(db);
        assert.equal(after.rows, expected, `${point.name}: the retried apply gave other data`);
        assert.equal(after.snapshots, before.snapshots + 1, `${point.name}: the history does not record exactly one apply`);
        assert.equal(after.backupTables, 2, `${point.name}: expected the two backups of the retried apply`);
      });
    }
  });
});

function serverUrlOf(database: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

