import assert from 'node:assert/strict';
import pg from 'pg';
import { applyPlan } from '../../src/apply/apply.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * The online forms a plan chooses, on tables with rows: each reaches the
 * file (a replan is empty) and takes only brief write-blocking locks; a
 * partitioned table and an --atomic plan keep the plain forms.
 */
const base = `
schemas:
  public:
    tables:
      t:
        columns: { id: { type: integer }, a: { type: text }, b: { type: integer } }
        indexes:
          t_a_idx: { columns: [a] }
`;

describe('online forms', function () {
  this.timeout(120_000);

  it('a changed index is built beside the old one, swapped in by renames, and the old one dropped', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, g FROM generate_series(1, 1000) g");
      const changed = base.replace('t_a_idx: { columns: [a] }', 't_a_idx: { columns: [a, b], comment: widened }');
      const plan = await planYaml(db, changed);
      assert.deepEqual(plan.steps.map((s) => s.description), [
        'create index t_a_idx_schemaform_new on table public.t concurrently',
        'rename index t_a_idx to t_a_idx_schemaform_old on table public.t',
        'rename index t_a_idx_schemaform_new to t_a_idx on table public.t',
        'drop index t_a_idx_schemaform_old from table public.t concurrently',
      ]);
      assert.deepEqual(plan.steps.map((s) => s.unit), [1, 2, 2, 3]);
      assert.ok(plan.steps.every((s) => s.locks.every((l) => l.mode === 'SHARE UPDATE EXCLUSIVE')), JSON.stringify(plan.steps.map((s) => s.locks)));
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, changed)).steps, []);
      const [row] = await db.query<{ def: string; comment: string }>("SELECT pg_get_indexdef('public.t_a_idx'::regclass) AS def, obj_description('public.t_a_idx'::regclass, 'pg_class') AS comment");
      assert.match(row!.def, /\(a, b\)/);
      assert.equal(row!.comment, 'widened');
    });
  });

  it('a primary key takes over a concurrently built index; SET NOT NULL goes through a validated check', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, g FROM generate_series(1, 1000) g");
      const keyed = base.replace('id: { type: integer }', 'id: { type: integer, notNull: true }').replace('        indexes:', '        primaryKey: [id]\n        indexes:');
      const plan = await planYaml(db, keyed);
      const kinds = plan.steps.map((s) => `${s.change.kind}${s.transactional ? '' : ' (outside a transaction)'}`);
      assert.ok(kinds.includes('create-index (outside a transaction)'), kinds.join(', '));
      assert.ok(plan.steps.some((s) => s.sql.some((q) => /PRIMARY KEY USING INDEX/.test(q))), 'ADD CONSTRAINT ... USING INDEX');
      assert.ok(plan.steps.some((s) => s.change.kind === 'validate-constraint'));
      assert.ok(plan.steps.some((s) => s.helper));
      assert.equal(plan.summary.update, plan.steps.filter((s) => !s.helper).length, 'the helper steps are not counted as changes');
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, keyed)).steps, []);
    });
  });

  it('--atomic plans the plain forms in one unit; a partitioned table keeps the plain forms online too', async () => {
    await withDatabase(async ({ db }) => {
      const partitioned = `${base}      p:
        columns: { id: { type: integer }, at: { type: date } }
        partitionBy: RANGE (at)
      p2026:
        partitionOf: { table: p, bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" }
`;
      await applyYaml(db, partitioned);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, g FROM generate_series(1, 100) g");
      const wanted = partitioned.replace('t_a_idx: { columns: [a] }', 't_a_idx: { columns: [a] }\n          t_b_idx: { columns: [b] }')
        .replace('partitionBy: RANGE (at)', 'partitionBy: RANGE (at)\n        indexes:\n          p_at_idx: { columns: [at] }');
      const atomic = await planYaml(db, wanted, { execution: 'atomic' });
      assert.equal(atomic.execution, 'atomic');
      assert.ok(atomic.steps.every((s) => s.unit === 1 && s.transactional));
      assert.ok(atomic.steps.every((s) => s.sql.every((q) => !/CONCURRENTLY/.test(q))));
      const online = await planYaml(db, wanted);
      const sql = online.steps.flatMap((s) => s.sql).join('\n');
      assert.match(sql, /CREATE INDEX CONCURRENTLY "t_b_idx"/);
      assert.match(sql, /CREATE INDEX "p_at_idx" ON "public"\."p"/);
      await applyPlan(db, online);
      assert.deepEqual((await planYaml(db, wanted)).steps, []);
    });
  });

  it('a step that blocks writes to a big table while it reads its rows is a high hazard, with the table\'s size', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, g FROM generate_series(1, 1000) g; ANALYZE public.t");
      const retyped = base.replace('b: { type: integer }', 'b: { type: bigint }');
      const severity = async () => (await planYaml(db, retyped)).steps.flatMap((s) => s.hazards).find((h) => h.code === 'table-rewrite')!;
      assert.equal((await severity()).severity, 'high', 'a rewrite is high anyway');
      process.env.SCHEMAFORM_BIG_TABLE_ROWS = '500';
      try {
        const plan = await planYaml(db, base.replace('b: { type: integer }', 'b: { type: integer, notNull: true }'), { execution: 'atomic' });
        const scan = plan.steps.flatMap((s) => s.hazards).find((h) => h.code === 'full-scan')!;
        assert.equal(scan.severity, 'high', scan.message);
        assert.match(scan.message, /~1,000 rows, \d+ kB/);
      } finally {
        delete process.env.SCHEMAFORM_BIG_TABLE_ROWS;
      }
    });
  });
  it('a value added to an enum commits before a step that uses it', async () => {
    await withDatabase(async ({ db }) => {
      const moods = `
schemas:
  public:
    enums: { mood: [sad, ok] }
    tables:
      people:
        columns: { id: { type: integer }, mood: { type: mood } }
`;
      await applyYaml(db, moods);
      await db.exec("INSERT INTO public.people VALUES (1, 'ok')");
      const wanted = moods.replace('[sad, ok]', '[sad, ok, happy]').replace('mood: { type: mood }', "mood: { type: mood, default: \"'happy'::mood\" }");
      const plan = await planYaml(db, wanted);
      const add = plan.steps.find((s) => s.change.kind === 'add-enum-value')!;
      const uses = plan.steps.find((s) => s.change.kind === 'alter-column')!;
      assert.ok(add.unit < uses.unit, `value added in unit ${add.unit}, used in unit ${uses.unit}`);
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, wanted)).steps, []);
    });
  });

  it('a concurrent build gets the memory its sorts need, for itself only, and the workers asked for; or the server\'s settings when asked', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, g FROM generate_series(1, 20000) g; ANALYZE public.t");
      const [before] = await db.query<{ mem: string; workers: string }>("SELECT current_setting('maintenance_work_mem') AS mem, current_setting('max_parallel_maintenance_workers') AS workers");
      const wanted = base.replace('t_a_idx: { columns: [a] }', 't_a_idx: { columns: [a] }\n          t_b_idx: { columns: [b] }');
      for (const options of [{ buildWorkers: '0' }, { buildMemory: 'server' }]) {
        const sent: string[] = [];
        const recording = new Proxy(db, {
          get: (target, key) => (key === 'exec' || key === 'run' ? (sql: string) => (sent.push(sql), target[key](sql)) : Reflect.get(target, key)),
        });
        const plan = await planYaml(db, wanted);
        await applyPlan(recording, plan, options);
        const build = sent.findIndex((s) => /CREATE INDEX CONCURRENTLY "t_b_idx"/.test(s));
        assert.ok(build > 0, sent.join('\n'));
        const around = sent.slice(0, build).filter((s) => /^SET (maintenance_work_mem|max_parallel_maintenance_workers)/.test(s));
        if ('buildMemory' in options) {
          assert.deepEqual(around, [], 'the server\'s settings');
        } else {
          const kb = Number(/^SET maintenance_work_mem = '(\d+)kB'$/.exec(around[0] ?? '')?.[1]);
          assert.ok(kb * 1024 >= 20000 * 80, `sized from the rows: ${around.join('; ')}`);
          assert.equal(around[1], 'SET max_parallel_maintenance_workers = 0');
          assert.ok(sent.slice(build + 1).some((s) => s.startsWith('RESET maintenance_work_mem')), 'reset after the build');
        }
        const [after] = await db.query<{ mem: string; workers: string }>("SELECT current_setting('maintenance_work_mem') AS mem, current_setting('max_parallel_maintenance_workers') AS workers");
        assert.deepEqual(after, before, 'the session\'s settings are as they were');
        assert.deepEqual((await planYaml(db, wanted)).steps, []);
        await applyYaml(db, base);
      }
    });
  });

  it('attaching a table with rows validates a matching check first, so ATTACH proves the bound without scanning', async () => {
    await withDatabase(async ({ db, url }) => {
      const parts = `
schemas:
  public:
    tables:
      m:
        columns: { id: { type: integer }, day: { type: date }, region: { type: text } }
        partitionBy: RANGE (day)
      m_2026_01:
        partitionOf: { table: m, bound: "FROM ('2026-01-01') TO ('2026-02-01')" }
      r:
        columns: { id: { type: integer }, region: { type: text } }
        partitionBy: LIST (region)
      m_2026_02:
        columns: { id: { type: integer }, day: { type: date }, region: { type: text } }
      r_eu:
        columns: { id: { type: integer }, region: { type: text } }
`;
      await applyYaml(db, parts);
      await db.exec("INSERT INTO public.m_2026_02 SELECT g, date '2026-02-01' + (g % 28), 'x' FROM generate_series(1, 1000) g; INSERT INTO public.r_eu SELECT g, CASE WHEN g % 2 = 0 THEN 'de' ELSE 'it,fr' END FROM generate_series(1, 100) g");
      const attached = parts
        .replace("      m_2026_02:\n        columns: { id: { type: integer }, day: { type: date }, region: { type: text } }\n",
          "      m_2026_02:\n        partitionOf: { table: m, bound: \"FROM ('2026-02-01') TO ('2026-03-01')\" }\n")
        .replace("      r_eu:\n        columns: { id: { type: integer }, region: { type: text } }\n",
          "      r_eu:\n        partitionOf: { table: r, bound: \"IN ('de', 'it,fr')\" }\n");
      const plan = await planYaml(db, attached);
      for (const table of ['m_2026_02', 'r_eu']) {
        assert.deepEqual(plan.steps.filter((s) => s.object.name === table).map((s) => s.change.kind), ['add-constraint', 'validate-constraint', 'set-partition', 'drop-constraint'], table);
      }
      for (const attach of plan.steps.filter((s) => s.change.kind === 'set-partition')) {
        assert.match(attach.description, /, proven by check schemaform_bound_/);
        assert.ok(!attach.hazards.some((h) => h.code === 'full-scan'), JSON.stringify(attach.hazards));
      }
      // PostgreSQL's own word that the bound was proven from the check, not scanned for (DEBUG1).
      const client = new pg.Client({ connectionString: url });
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.message ?? ''));
      await client.connect();
      try {
        await client.query('SET client_min_messages = debug1');
        for (const step of plan.steps) for (const statement of step.sql) await client.query(statement);
      } finally {
        await client.end();
      }
      for (const table of ['m_2026_02', 'r_eu']) {
        assert.ok(notices.some((n) => n.includes(`partition constraint for table "${table}" is implied by existing constraints`)), `${table}:\n${notices.join('\n')}`);
      }
      assert.deepEqual((await planYaml(db, attached)).steps, [], 'no check is left behind');
    });
  });

  it('attaching through the apply reaches the file, and a plain ATTACH is kept where the bound gives no check', async () => {
    await withDatabase(async ({ db }) => {
      const parts = `
schemas:
  public:
    tables:
      h:
        columns: { id: { type: integer } }
        partitionBy: HASH (id)
      h0:
        columns: { id: { type: integer } }
      n:
        columns: { id: { type: integer } }
        partitionBy: RANGE (id)
      n1:
        columns: { id: { type: integer } }
`;
      await applyYaml(db, parts);
      await db.exec('INSERT INTO public.h0 SELECT g * 2 FROM generate_series(1, 10) g; INSERT INTO public.n1 SELECT g FROM generate_series(1, 99) g');
      const attached = parts
        .replace("      h0:\n        columns: { id: { type: integer } }\n", "      h0:\n        partitionOf: { table: h, bound: \"WITH (modulus 1, remainder 0)\" }\n")
        .replace("      n1:\n        columns: { id: { type: integer } }\n", "      n1:\n        partitionOf: { table: n, bound: \"FROM (MINVALUE) TO (100)\" }\n");
      const plan = await planYaml(db, attached);
      assert.deepEqual(plan.steps.filter((s) => s.object.name === 'h0').map((s) => s.change.kind), ['set-partition']);
      assert.ok(plan.steps.find((s) => s.object.name === 'h0')!.hazards.some((h) => h.code === 'full-scan'));
      assert.deepEqual(plan.steps.filter((s) => s.object.name === 'n1').map((s) => s.change.kind), ['add-constraint', 'validate-constraint', 'set-partition', 'drop-constraint']);
      await applyPlan(db, plan);
      assert.deepEqual((await planYaml(db, attached)).steps, []);
      assert.deepEqual(await db.query("SELECT conname FROM pg_constraint WHERE conname LIKE 'schemaform_%'"), []);
    });
  });
});
