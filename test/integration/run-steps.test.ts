import assert from 'node:assert/strict';
import { runSteps, type RehearsedStep } from '../../src/rehearse/run-steps.js';
import { withDatabase } from '../harness/workflow.js';

/**
 * The rehearsal runs a plan's steps a batch at a time and falls back to one
 * step at a time from the first batch PostgreSQL refuses: what it reports
 * must be what running each step in a savepoint of its own would report,
 * and nothing may run twice or be left half done.
 */
const step = (statements: string[], needs: number[] = []): RehearsedStep => ({ statements, searchPath: ['public'], needs });
const table = (name: string) => step([`CREATE TABLE ${name} (id int)`]);

async function tables(db: { query<T>(sql: string): Promise<T[]> }): Promise<string[]> {
  const rows = await db.query<{ name: string }>("SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname");
  return rows.map((r) => r.name);
}

describe('running a rehearsal\'s steps', () => {
  it('runs hundreds of clean steps in batches, each once, with its own search path', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec('CREATE SCHEMA other');
      const steps = [...Array.from({ length: 450 }, (_, i) => table(`t${i}`)), { ...table('elsewhere'), searchPath: ['other'] }];
      await db.exec('BEGIN');
      assert.deepEqual(await runSteps(db, steps), { refused: [], misordered: [], blocked: [] });
      await db.exec('COMMIT');
      assert.equal((await tables(db)).length, 450);
      assert.deepEqual(await db.query("SELECT 1 AS one FROM pg_class WHERE oid = 'other.elsewhere'::regclass"), [{ one: 1 }]);
    });
  });

  it('reports a refusal deep in a batch, holds back what needs it, and runs the rest exactly once', async () => {
    await withDatabase(async ({ db }) => {
      const steps = Array.from({ length: 300 }, (_, i) => table(`t${i}`));
      steps[250] = step(['CREATE TABLE bad (id no_such_type)']);
      steps[260] = step(['CREATE INDEX ON bad (id)'], [250]);
      // Misordered: needs the table step 280 creates, which the order puts after it.
      steps[270] = step(['CREATE INDEX late_idx ON late (id)'], [280]);
      steps[280] = table('late');
      await db.exec('BEGIN');
      const outcome = await runSteps(db, steps);
      await db.exec('COMMIT');
      assert.deepEqual(outcome.refused.map((r) => [r.step, r.message]), [[250, 'type "no_such_type" does not exist']]);
      assert.deepEqual(outcome.misordered.map((r) => [r.step, r.message]), [[270, 'relation "late" does not exist']]);
      assert.deepEqual(outcome.blocked, [260]);
      const made = await tables(db);
      assert.equal(made.length, 300 - 3, made.join(' ')); // steps 250, 260 and 270 make no table; 280 makes "late"
      assert.ok(made.includes('late') && !made.includes('bad'));
      assert.deepEqual(await db.query("SELECT relname FROM pg_class WHERE relname = 'late_idx'"), [{ relname: 'late_idx' }], 'the misordered step ran once its table was there');
    });
  });
});
