import assert from 'node:assert/strict';
import type { Database } from '../../src/db/database.js';
import { withSharedSnapshot } from '../../src/db/shared-snapshot.js';
import { CATALOG_READERS, introspect, lanesIssued, withCatalogLanes } from '../../src/introspect/introspect.js';
import { sql } from '../harness/databases.js';
import { withDatabase } from '../harness/workflow.js';

/** schemaform's connections to the test database, once a closed one's backend has had time to exit (up to 5 s). */
async function backends(url: string): Promise<number> {
  const count = async () => Number((await sql<{ n: string }>(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'schemaform'`))[0]!.n);
  for (let waited = 0; waited < 5000; waited += 50) {
    const n = await count();
    if (n <= 1) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  return count();
}

/** Outside a transaction a statement runs at the default isolation; inside the shared snapshot it is repeatable read. */
const inTransaction = async (db: Database) =>
  (await db.query<{ level: string }>(`SELECT pg_catalog.current_setting('transaction_isolation') AS level`))[0]!.level !== 'read committed';

describe('catalog reads in one shared snapshot', () => {
  it('every connection sees the catalog as it was when the read began, even while DDL commits', async () => {
    await withDatabase(async ({ url, db }) => {
      await db.exec('CREATE TABLE before_read (id int PRIMARY KEY)');
      const seen = await withSharedSnapshot(db, CATALOG_READERS, async (readers) => {
        await sql(url, 'CREATE TABLE during_read (id int PRIMARY KEY)');
        const all = [db, ...(await Promise.all(readers)).map((r) => { assert.ok(r, 'each reader joined'); return r; })];
        return Promise.all(all.map(async (c) => (await c.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname IN ('before_read', 'during_read') ORDER BY 1`)).map((r) => r.relname)));
      });
      assert.deepEqual(seen, [['before_read'], ['before_read'], ['before_read']]);
      // Afterwards the main connection reads the present again, outside any transaction, and the readers are gone.
      assert.deepEqual((await db.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname = 'during_read'`)).map((r) => r.relname), ['during_read']);
      assert.equal(await inTransaction(db), false);
      assert.equal(await backends(url), 1);
    });
  });

  it('reads the same model with readers as without, and with readers that could not join', async () => {
    await withDatabase(async ({ url, db }) => {
      await db.exec(`CREATE TABLE parent (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'x' CHECK (name <> ''));
        CREATE TABLE child (id int PRIMARY KEY, parent_id bigint REFERENCES parent (id) ON DELETE CASCADE, note text);
        CREATE INDEX child_note ON child (lower(note)) WHERE note IS NOT NULL;`);
      const alone = (await introspect(db)).model;
      const shared = (await withCatalogLanes(db, (lanes) => introspect(db, { lanes }))).model;
      assert.deepEqual(shared, alone);
      const refusing: Database = { ...db, connectAnother: () => Promise.reject(new Error('too many connections')) };
      const fallback = (await withCatalogLanes(refusing, (lanes) => introspect(refusing, { lanes }))).model;
      assert.deepEqual(fallback, alone);
      assert.equal(await inTransaction(db), false);
      assert.equal(await backends(url), 1);
    });
  });

  it("leaves a caller's own transaction alone: no readers, nothing committed", async () => {
    await withDatabase(async ({ db }) => {
      await db.exec('BEGIN; CREATE TABLE only_in_my_transaction (id int)');
      const readers = await withSharedSnapshot(db, CATALOG_READERS, async (r) => r.length);
      assert.equal(readers, 0);
      await db.exec('ROLLBACK');
      assert.deepEqual(await db.query(`SELECT 1 FROM pg_class WHERE relname = 'only_in_my_transaction'`), [], 'the caller could still roll it back');
    });
  });

  it('readers wait for locks and statements no longer than the main connection', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec("SET lock_timeout = '1234ms'; SET statement_timeout = '4321ms'");
      const limits = await withSharedSnapshot(db, 1, async ([reader]) =>
        (await (await reader!)!.query<{ lock: string; statement: string }>(`SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement`))[0]);
      assert.deepEqual(limits, { lock: '1234ms', statement: '4321ms' });
    });
  });

  it('ends the snapshot and closes the readers when the read fails', async () => {
    await withDatabase(async ({ url, db }) => {
      await assert.rejects(withSharedSnapshot(db, CATALOG_READERS, async (readers) => {
        const reader = await readers[0]!;
        await reader!.query('SELECT 1/0');
      }), /division by zero/);
      assert.equal(await inTransaction(db), false);
      assert.equal(await backends(url), 1);
      // The connection is usable for the rest of a command.
      assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    });
  });

  it("a reader's query is on its way once lanesIssued resolves, so work that then holds the event loop does not delay it", async () => {
    await withDatabase(async ({ db }) => {
      const [started, heldUntil] = await withCatalogLanes(db, async (lanes) => {
        // As introspect does: each lane's query issued as soon as its connection is ready.
        const queries = Array.from({ length: CATALOG_READERS }, (_, i) => lanes(i + 1).then((c) => c.query<{ at: string }>('SELECT pg_catalog.statement_timestamp()::text AS at')));
        await lanesIssued(lanes);
        // A schema file's parse: synchronous, nothing else in this process runs meanwhile.
        const until = Date.now() + 700;
        while (Date.now() < until);
        const [at] = await db.query<{ at: string }>('SELECT pg_catalog.clock_timestamp()::text AS at');
        return [(await Promise.all(queries)).map((rows) => Date.parse(rows[0]!.at)), Date.parse(at!.at)] as const;
      });
      // Sent before the hold, each started at least ~0.7 s before it ended (the server's clock on both sides).
      for (const at of started) assert.ok(heldUntil - at >= 500, `a reader's query started ${heldUntil - at} ms before the hold ended`);
    });
  });
});
