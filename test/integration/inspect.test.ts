import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { introspect } from '../../src/introspect/introspect.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { loadSchema } from '../../src/yaml/load.js';
import { planYaml, withDatabase, writeTempYaml } from '../harness/workflow.js';

const fixtureSql = readFileSync(new URL('../../../test/fixtures/realistic.sql', import.meta.url), 'utf8');

describe('inspect: database to YAML', () => {
  it('reads a hand-built database into YAML that validates and plans to no changes', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(fixtureSql);
      const { model } = await introspect(db);
      const yaml = modelToYaml(model);
      // It must load through the same validation users' files go through.
      await loadSchema(writeTempYaml(yaml));
      const plan = await planYaml(db, yaml);
      assert.deepEqual(plan.steps.map((s) => `${s.description}: ${s.sql.join('; ')}`), []);
    });
  });

  it('writes what people would write, not catalog noise', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec(fixtureSql);
      const yaml = modelToYaml((await introspect(db)).model);
      assert.match(yaml, /^# yaml-language-server: \$schema=/);
      assert.match(yaml, /\n {10}id: \{ type: bigint, identity: \{ kind: by default, start: 7 \} \}\n/);
      assert.match(yaml, /primaryKey: \[ id \]/);
      assert.match(yaml, /ownedBy: \{ table: tickets, column: id \}/);
      assert.doesNotMatch(yaml, /schemaform/);
    });
  });
});
