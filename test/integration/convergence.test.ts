import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { introspect } from '../../src/introspect/introspect.js';
import { fingerprint } from '../../src/model/objects.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

const realistic = readFileSync(new URL('../../../test/fixtures/realistic.yaml', import.meta.url), 'utf8');

describe('convergence: apply, then plan again', () => {
  it('applies a realistic 12-table schema onto an empty database and replans to nothing', async () => {
    await withDatabase(async ({ db }) => {
      const first = await applyYaml(db, realistic);
      assert.ok(first.steps.length > 30, `expected a full build, got ${first.steps.length} steps`);
      const tables = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname IN ('public', 'audit')`);
      assert.equal(tables[0]!.n, 12);
      const second = await planYaml(db, realistic);
      assert.deepEqual(second.steps.map((s) => s.description), []);
    });
  });

  it('records the applied state as a snapshot equal to what the database holds', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, realistic);
      const [row] = await db.query<{ fingerprint: string; n: number }>(`SELECT fingerprint, (SELECT count(*)::int FROM schemaform.snapshots) AS n FROM schemaform.snapshots ORDER BY id DESC LIMIT 1`);
      const live = await introspect(db, { schemas: ['audit', 'public'] });
      assert.equal(row!.fingerprint, fingerprint({ ...live.model, extensions: [] }));
      assert.equal(row!.n, 2, 'a baseline snapshot and the applied one');
    });
  });
});
