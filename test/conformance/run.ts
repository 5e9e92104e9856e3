/**
 * npm run conformance: run the public corpora in ../shared/conformance
 * against real PostgreSQL. For each case: load `current` into database A and
 * `desired` into B, inspect B to YAML, plan that YAML against A and apply
 * it, then require equal `pg_dump --schema-only` and an empty second plan.
 *
 * A case that does not load is skipped; one whose databases hold objects
 * schemaform does not manage yet is "unsupported" and counted per object
 * kind, never passed. Failures not listed in expectations.json fail the run;
 * listed ones that now pass are reported so the list can only shrink.
 *
 * Every VERIFY_EVERY-th run case (every one with SCHEMAFORM_CONFORMANCE_VERIFY=all)
 * also runs `schema inspect --verify`'s check on the desired database: its
 * YAML, built in a scratch database, must give the same pg_dump.
 *
 *   npm run conformance -- [--corpus psqldef|migra] [--filter text] [--verbose] [--write-expectations]
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyPlan } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import { introspect, serverInfo } from '../../src/introspect/introspect.js';
import { listUnmanaged } from '../../src/introspect/unmanaged.js';
import { createPlan } from '../../src/workflow/plan.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { loadSchema } from '../../src/yaml/load.js';
import { startPostgres } from '../harness/postgres-server.js';
import { schemaDump } from './dump.js';
import { splitSqlStatements } from './split-sql.js';
import { rehearsalTarget } from '../../src/cli/connect.js';
import { verifyInspection } from '../../src/verify/verify.js';

interface Case { id: string; current: string; desired: string }
type Outcome =
  | { status: 'pass' }
  | { status: 'fail'; reason: string }
  | { status: 'unsupported'; kinds: string[] }
  | { status: 'skipped'; reason: string };

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpusDir = process.env.CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../../shared/conformance', import.meta.url));
const expectationsFile = fileURLToPath(new URL('../../../test/conformance/expectations.json', import.meta.url));

/** Verifying a case costs a scratch database and two more dumps: CI verifies a sample. */
const VERIFY_EVERY = 8;
const verifyAll = process.env.SCHEMAFORM_CONFORMANCE_VERIFY === 'all';

function loadCases(): Case[] {
  const corpora = option('corpus') ? [option('corpus')!] : ['psqldef', 'migra'];
  const filter = option('filter');
  return corpora.flatMap((c) => readFileSync(join(corpusDir, `${c}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case))
    .filter((c) => !filter || c.id.includes(filter));
}

async function admin(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

async function load(url: string, sql: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const statement of splitSqlStatements(sql)) {
      try {
        await c.query(statement);
      } catch (e) {
        return `${(e as Error).message} in: ${statement.slice(0, 80).replace(/\s+/g, ' ')}`;
      }
    }
    return undefined;
  } finally {
    await c.end();
  }
}

/**
 * Empty a database the quick way: CREATE DATABASE costs a second or more on
 * a small machine, dropping everything inside costs milliseconds.
 */
const RESET = `
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP EXECUTE format('DROP EXTENSION %I CASCADE', r.extname); END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP;
END $$;
CREATE SCHEMA public;`;

async function runCase(urlA: string, urlB: string, binDir: string, c: Case, verify: boolean): Promise<Outcome> {
  await admin(urlA, RESET);
  await admin(urlB, RESET);
  try {
    const loadA = await load(urlA, c.current);
    if (loadA) return { status: 'skipped', reason: `current does not load: ${loadA}` };
    const loadB = await load(urlB, c.desired);
    if (loadB) return { status: 'skipped', reason: `desired does not load: ${loadB}` };
    const a = await connectServer(urlA);
    const b = await connectServer(urlB);
    try {
      const server = await serverInfo(a);
      const kinds = [...new Set([...(await listUnmanaged(a, server)), ...(await listUnmanaged(b, server))].map((o) => o.kind))].sort();
      if (kinds.length) return { status: 'unsupported', kinds };
      const dir = mkdtempSync(join(tmpdir(), 'schemaform-conformance-'));
      // Adopt the current database first, as a team does when it starts
      // using schemaform on an existing one: its inspected schema plans to
      // nothing, and the apply records which schemas and extensions are
      // now managed (so the desired file may drop them).
      const adopted = join(dir, 'current.yaml');
      writeFileSync(adopted, modelToYaml((await introspect(a)).model));
      const adoption = await createPlan(a, (await loadSchema(adopted)).model);
      if (adoption.steps.length) return { status: 'fail', reason: `the current database does not replan to nothing: ${adoption.steps.map((s) => s.description).join('; ').slice(0, 200)}` };
      await applyPlan(a, adoption);
      const file = join(dir, 'schema.yaml');
      writeFileSync(file, modelToYaml((await introspect(b)).model));
      const { model } = await loadSchema(file);
      const plan = await createPlan(a, model, { allowDestructive: true });
      await applyPlan(a, plan, { allowDestructive: true });
      const dumpA = schemaDump(binDir, urlA);
      const dumpB = schemaDump(binDir, urlB);
      if (dumpA !== dumpB) return { status: 'fail', reason: `pg_dump differs: ${firstDifference(dumpA, dumpB)}` };
      const again = await createPlan(a, model, { allowDestructive: true });
      if (again.steps.length) return { status: 'fail', reason: `second plan not empty: ${again.steps.map((s) => s.description).join('; ').slice(0, 200)}` };
      if (verify) {
        // Both ways: pg_dump's, and the catalog comparison used where no pg_dump is at hand.
        for (const pgDump of [join(binDir, 'pg_dump'), undefined]) {
          const target = await rehearsalTarget(urlB, b);
          const { notCaptured, added } = await verifyInspection({ liveUrl: urlB, live: b, serverVersion: server.versionNum, model, target, pgDump, privileges: true, role: server.currentRole });
          const first = notCaptured[0] ?? added[0];
          const how = pgDump ? 'inspect --verify' : 'inspect --verify by catalog';
          if (first !== undefined) return { status: 'fail', reason: `${how}: ${notCaptured.length ? 'not captured' : 'only in the rebuilt database'}: ${first.slice(0, 200)}` };
        }
      }
      return { status: 'pass' };
    } finally {
      await a.close();
      await b.close();
    }
  } catch (e) {
    return { status: 'fail', reason: ((e as Error).message.split('\n')[0] ?? '').slice(0, 300) };
  }
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `applied has "${(la[i] ?? '<end>').slice(0, 120)}", desired has "${(lb[i] ?? '<end>').slice(0, 120)}"`;
  }
  return '?';
}

async function main() {
  const cases = loadCases();
  const expectations: Record<string, string> = existsSync(expectationsFile) ? JSON.parse(readFileSync(expectationsFile, 'utf8')) : {};
  const server = await startPostgres();
  if (!existsSync(join(server.binDir, 'pg_dump'))) throw new Error(`pg_dump not found in ${server.binDir}; install Debian's postgresql package`);
  const results: Array<{ c: Case; outcome: Outcome }> = [];
  let verified = 0;
  const [urlA, urlB] = ['conformance_a', 'conformance_b'].map((name) => server.url.replace(/\/postgres$/, `/${name}`)) as [string, string];
  await admin(server.url, 'CREATE DATABASE conformance_a');
  await admin(server.url, 'CREATE DATABASE conformance_b');
  try {
    for (const [i, c] of cases.entries()) {
      const outcome = await runCase(urlA, urlB, server.binDir, c, verifyAll || i % VERIFY_EVERY === 0);
      results.push({ c, outcome });
      if (outcome.status === 'pass' && (verifyAll || i % VERIFY_EVERY === 0)) verified++;
      if (flag('verbose') || outcome.status === 'fail') {
        process.stderr.write(`${outcome.status.padEnd(11)} ${c.id}${'reason' in outcome ? `: ${outcome.reason}` : 'kinds' in outcome ? `: ${outcome.kinds.join(', ')}` : ''}\n`);
      }
    }
  } finally {
    await server.stop();
  }

  const corpusOf = (id: string) => id.split('/')[0]!;
  const rows: string[] = ['| corpus | cases | skipped (did not load) | unsupported (unmanaged kinds) | run | pass | fail | pass rate of run |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const corpus of [...new Set(results.map((r) => corpusOf(r.c.id)))]) {
    const rs = results.filter((r) => corpusOf(r.c.id) === corpus);
    const count = (s: Outcome['status']) => rs.filter((r) => r.outcome.status === s).length;
    const run = count('pass') + count('fail');
    rows.push(`| ${corpus} | ${rs.length} | ${count('skipped')} | ${count('unsupported')} | ${run} | ${count('pass')} | ${count('fail')} | ${run ? ((100 * count('pass')) / run).toFixed(1) : '-'}% |`);
  }
  const kinds = new Map<string, number>();
  for (const r of results) if (r.outcome.status === 'unsupported') for (const k of r.outcome.kinds) kinds.set(k, (kinds.get(k) ?? 0) + 1);
  const skipReasons = new Map<string, number>();
  for (const r of results) if (r.outcome.status === 'skipped') {
    const reason = r.outcome.reason.replace(/ in: .*$/, '').replace(/"[^"]*"/g, '"…"');
    skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
  }
  process.stdout.write([
    rows.join('\n'), '',
    'Unsupported cases by object kind (a case may count under several):',
    ...[...kinds].sort((x, y) => y[1] - x[1]).map(([k, n]) => `  ${k}: ${n}`), '',
    'Skipped cases by reason:',
    ...[...skipReasons].sort((x, y) => y[1] - x[1]).map(([k, n]) => `  ${n} × ${k}`), '',
  ].join('\n'));

  const failures = results.filter((r) => r.outcome.status === 'fail');
  if (flag('write-expectations')) {
    writeFileSync(expectationsFile, JSON.stringify(Object.fromEntries(failures.map((r) => [r.c.id, (r.outcome as { reason: string }).reason])), null, 2) + '\n');
    process.stdout.write(`Wrote ${failures.length} expected failure(s) to ${expectationsFile}\n`);
    return;
  }
  const unexpected = failures.filter((r) => !(r.c.id in expectations));
  const fixed = results.filter((r) => r.outcome.status === 'pass' && r.c.id in expectations);
  for (const r of fixed) process.stdout.write(`now passes (remove from expectations.json): ${r.c.id}\n`);
  for (const r of unexpected) process.stdout.write(`unexpected failure: ${r.c.id}: ${(r.outcome as { reason: string }).reason}\n`);
  const passed = results.filter((r) => r.outcome.status === 'pass').length;
  process.stdout.write(`conformance: ${passed} passed (${verified} of them also by inspect --verify), ${unexpected.length} failed\n`);
  if (unexpected.length) process.exitCode = 1;
}

await main();
