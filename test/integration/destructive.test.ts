import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { connectServer } from '../../src/db/server.js';
import { PlanRefusedError } from '../../src/errors.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

const full = `
schemas:
  public:
    enums:
      tier: [free, pro]
    tables:
      users:
        columns:
          id: { type: bigint, identity: always }
          email: { type: text, notNull: true }
          tier: { type: tier, notNull: true, default: "'free'" }
          bio: { type: text }
        primaryKey: [id]
      sessions:
        columns:
          id: { type: uuid, default: gen_random_uuid() }
          user_id: { type: bigint, notNull: true }
          started: { type: timestamptz, notNull: true }
        primaryKey: [id]
        foreignKeys:
          sessions_user_fkey: { columns: [user_id], references: { table: users, columns: [id] } }
`;

// Drops the `tier` and `bio` columns and the whole sessions table.
const reduced = `
schemas:
  public:
    tables:
      users:
        columns:
          id: { type: bigint, identity: always }
          email: { type: text, notNull: true }
        primaryKey: [id]
`;

describe('destructive changes, backups and rollback', () => {
  it('refuses data loss without --allow-destructive, and rollback restores the values from another client', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, full);
      await db.exec(`INSERT INTO users (email, tier, bio) VALUES ('a@x', 'pro', 'hello'), ('b@x', 'free', NULL), ('c@x', 'pro', 'it''s me');
        INSERT INTO sessions (user_id, started) SELECT id, '2026-01-01T00:00:00Z'::timestamptz + id * interval '1 hour' FROM users`);
      const before = {
        users: await db.query(`SELECT id::text, email, tier::text, bio FROM users ORDER BY id`),
        sessions: await db.query(`SELECT id::text, user_id::text, started::text FROM sessions ORDER BY id`),
      };

      const plan = await planYaml(db, reduced);
      const losses = plan.steps.flatMap((s) => s.hazards.filter((h) => h.code === 'data-loss').map((h) => h.message));
      assert.ok(losses.some((m) => m.includes('public.users.bio')), losses.join('\n'));
      assert.ok(losses.some((m) => m.includes('public.sessions')), losses.join('\n'));

      await assert.rejects(applyPlan(db, plan), (e: unknown) => e instanceof PlanRefusedError && e.reason === 'destructive');
      assert.equal((await db.query(`SELECT count(*)::int AS n FROM sessions`))[0]!.n, 3, 'refusal changed nothing');

      await applyPlan(db, plan, { allowDestructive: true });
      assert.equal((await db.query(`SELECT to_regclass('public.sessions') AS t`))[0]!.t, null);

      // A different machine: a fresh client that knows only the URL.
      const other = await connectServer(url);
      try {
        const rollback = await planRollback(other);
        assert.equal(rollback.kind, 'rollback');
        const kinds = rollback.steps.map((s) => s.change.kind);
        assert.ok(kinds.includes('restore-table') && kinds.includes('restore-column'), kinds.join());
        await applyPlan(other, rollback);
      } finally {
        await other.close();
      }
      assert.deepEqual(await db.query(`SELECT id::text, email, tier::text, bio FROM users ORDER BY id`), before.users);
      assert.deepEqual(await db.query(`SELECT id::text, user_id::text, started::text FROM sessions ORDER BY id`), before.sessions);
      assert.equal((await planYaml(db, full)).steps.length, 0, 'rolled back schema equals the original file');
      // New rows still get fresh identity values after the restore.
      const [row] = await db.query<{ id: string }>(`INSERT INTO users (email) VALUES ('d@x') RETURNING id::text`);
      assert.equal(row!.id, '4');
    });
  });
});

describe('rollback of a lossy type change', () => {
  it('takes the old values from the backup even where the cut values no longer cast back', async () => {
    await withDatabase(async ({ db }) => {
      const wide = `
schemas:
  public:
    tables:
      events:
        columns:
          id: { type: bigint, identity: by default }
          at: { type: timestamptz }
        primaryKey: [id]
`;
      await applyYaml(db, wide);
      await db.exec(`SET TimeZone = 'UTC'; INSERT INTO events (at) VALUES ('2026-01-02 03:04:05+00'), (NULL)`);
      const before = await db.query(`SELECT id::text, at::text FROM events ORDER BY id`);
      // timestamptz as varchar(20) keeps "2026-01-02 03:04:05+", which is not a timestamp.
      const narrow = await planYaml(db, wide.replace('{ type: timestamptz }', '{ type: varchar(20) }'));
      assert.ok(narrow.steps[0]!.backup, 'the cut values are backed up');
      await applyPlan(db, narrow, { allowDestructive: true });
      await db.exec(`INSERT INTO events (at) VALUES ('2026-03-04 05:06:07')`);

      const rollback = await planRollback(db);
      assert.match(rollback.steps.map((s) => s.description).join('\n'), /alter column at of table public\.events \(type\), values restored from backup/);
      await applyPlan(db, rollback, { allowDestructive: true });
      assert.deepEqual(await db.query(`SELECT id::text, at::text FROM events ORDER BY id`), [...before, { id: '3', at: '2026-03-04 05:06:07+00' }]);
      assert.equal((await planYaml(db, wide)).steps.length, 0, 'no scratch column is left behind');
    });
  });
});

describe('rollback says what it cannot restore', () => {
  it('flags a column dropped from a table without a primary key', async () => {
    await withDatabase(async ({ db }) => {
      const withColumn = `
schemas:
  public:
    tables:
      log:
        columns:
          at: { type: timestamptz }
          line: { type: text }
`;
      await applyYaml(db, withColumn);
      await db.exec(`INSERT INTO log VALUES (now(), 'kept'), (now(), 'gone')`);
      const drop = await planYaml(db, withColumn.replace("          line: { type: text }\n", ''));
      assert.match(drop.steps[0]!.hazards[0]!.message, /no primary key, so rollback cannot put the values back/);
      await applyPlan(db, drop, { allowDestructive: true });
      const rollback = await planRollback(db);
      const hazards = rollback.steps.flatMap((s) => s.hazards.map((h) => h.message));
      assert.ok(hazards.some((m) => /public\.log\.line comes back without its old values/.test(m)), hazards.join('\n'));
      await assert.rejects(applyPlan(db, rollback), (e: unknown) => e instanceof PlanRefusedError && e.reason === 'destructive');
    });
  });
});
