import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyPlan } from '../../src/apply/apply.js';
import { isSchemaformError } from '../../src/errors.js';
import { detectDrift } from '../../src/workflow/drift.js';
import { sql } from '../harness/databases.js';
import { serverUrl } from '../harness/root-hooks.js';
import { planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Scope rules in the schema file: `ignore:` patterns for objects the file
 * does not own, and `managedRoles:` so that other roles' privileges (a
 * platform's) are never revoked.
 */
const suffix = randomBytes(3).toString('hex');
const appRole = `app_ro_${suffix}`;
const platformRole = `platform_${suffix}`;

describe('scope rules: ignore and managedRoles', function () {
  this.timeout(120_000);
  before(async () => {
    for (const role of [appRole, platformRole]) await sql(serverUrl(), `CREATE ROLE "${role}"`);
  });
  after(async () => {
    for (const role of [appRole, platformRole]) await sql(serverUrl(), `DROP ROLE IF EXISTS "${role}"`);
  });

  const file = `
ignore: ["table public.tmp_*", "!table public.tmp_keep", "* public.ext_*"]
schemas:
  public:
    tables:
      app:
        columns: { id: { type: integer } }
`;

  it('ignored objects are never dropped or changed, nor make a plan stale or drift; a pattern taken back is managed', async () => {
    await withDatabase(async ({ db }) => {
      await db.exec('CREATE TABLE public.tmp_x (id int); CREATE TABLE public.tmp_keep (id int); CREATE VIEW public.ext_v AS SELECT 1 AS one; CREATE SEQUENCE public.ext_s');
      const first = await planYaml(db, file, { allowDestructive: true });
      assert.deepEqual(first.steps.map((s) => s.description).sort(), ['create table public.app', 'drop table public.tmp_keep']);
      assert.deepEqual(first.scope.ignore, ['table public.tmp_*', '!table public.tmp_keep', '* public.ext_*']);
      await applyPlan(db, first, { allowDestructive: true });
      assert.deepEqual((await planYaml(db, file)).steps, []);

      const grown = file.replace('{ id: { type: integer } }', '{ id: { type: integer }, note: { type: text } }');
      const plan = await planYaml(db, grown);
      // Someone changes an ignored table between plan and apply: the plan is not stale for it.
      await db.exec('ALTER TABLE public.tmp_x ADD COLUMN extra text; DROP VIEW public.ext_v');
      await applyPlan(db, plan);
      assert.deepEqual((await detectDrift(db)).manual, []);
      assert.deepEqual(await db.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'tmp_x'"), [{ n: 2 }]);
    });
  });

  it('an object both declared and ignored is refused, naming it', async () => {
    await withDatabase(async ({ db }) => {
      const both = file.replace('      app:', '      tmp_y:\n        columns: { id: { type: integer } }\n      app:');
      await assert.rejects(planYaml(db, both), (e: unknown) => isSchemaformError(e)
        && /1 object\(s\) are declared in the file and also match its ignore patterns/.test(e.message) && e.details[0] === 'table public.tmp_y');
    });
  });

  it('with managedRoles, only those roles\' privileges are granted or revoked; a platform role\'s grants stay', async () => {
    await withDatabase(async ({ db }) => {
      const managed = `
managedRoles: [${appRole}]
schemas:
  public:
    tables:
      t:
        columns: { id: { type: integer } }
        grants: [{ to: ${appRole}, privileges: [select] }]
`;
      await db.exec(`CREATE TABLE public.t (id int); GRANT SELECT, INSERT ON public.t TO "${platformRole}"; GRANT SELECT, UPDATE ON public.t TO "${appRole}"`);
      const plan = await planYaml(db, managed);
      assert.deepEqual(plan.steps.map((s) => s.description), [`revoke UPDATE on table public.t from ${appRole}`]);
      await applyPlan(db, plan);
      const [row] = await db.query<{ platform: boolean; app_select: boolean; app_update: boolean }>(
        `SELECT has_table_privilege($1, 'public.t', 'INSERT') AS platform, has_table_privilege($2, 'public.t', 'SELECT') AS app_select, has_table_privilege($2, 'public.t', 'UPDATE') AS app_update`,
        [platformRole, appRole]);
      assert.deepEqual(row, { platform: true, app_select: true, app_update: false });
      // The platform changes its own grants: no drift, nothing to plan.
      await db.exec(`REVOKE INSERT ON public.t FROM "${platformRole}"; GRANT DELETE ON public.t TO "${platformRole}"`);
      assert.deepEqual((await detectDrift(db)).manual, []);
      assert.deepEqual((await planYaml(db, managed)).steps, []);
      // Without managedRoles the file manages every role: the platform's grant would be revoked.
      const everyone = await planYaml(db, managed.replace(`managedRoles: [${appRole}]\n`, ''));
      assert.ok(everyone.steps.some((s) => /^revoke .*DELETE.* on table public\.t from /.test(s.description) && s.description.endsWith(platformRole)), everyone.steps.map((s) => s.description).join('\n'));
    });
  });
});
