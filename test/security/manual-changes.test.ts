import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { introspect } from '../../src/introspect/introspect.js';
import { detectDrift } from '../../src/workflow/drift.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Manual changes that drift and plan used to miss: a check or foreign key
 * put back NOT VALID, an INVALID index left by a failed concurrent build,
 * and attributes the model does not hold yet, which are at least listed as
 * not managed (so "no drift" never claims more than it compared).
 */
const file = `
schemas:
  public:
    tables:
      accounts:
        columns: { id: { type: integer } }
        primaryKey: [id]
      entries:
        columns:
          id: { type: integer }
          account_id: { type: integer }
          amount: { type: integer }
          code: { type: text }
        primaryKey: [id]
        checks: { entries_amount_check: { expression: "amount > 0" } }
        foreignKeys: { entries_account_fkey: { columns: [account_id], references: { table: accounts, columns: [id] } } }
        indexes: { entries_code_key: { columns: [code], unique: true } }
`;

const kinds = (changes: Array<{ kind: string }>) => changes.map((c) => c.kind).sort();

describe('security: drift and plan notice manual changes', function () {
  this.timeout(120_000);

  it('a check and a foreign key put back NOT VALID: drift sees it, the plan validates them in place', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file);
      await db.exec(`INSERT INTO accounts VALUES (1); INSERT INTO entries VALUES (1, 1, 5, 'a');
        ALTER TABLE entries DROP CONSTRAINT entries_amount_check, ADD CONSTRAINT entries_amount_check CHECK (amount > 0) NOT VALID;
        ALTER TABLE entries DROP CONSTRAINT entries_account_fkey, ADD CONSTRAINT entries_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID`);
      assert.deepEqual(kinds((await detectDrift(db)).changes), ['validate-constraint', 'validate-constraint']);
      const plan = await planYaml(db, file);
      assert.deepEqual(kinds(plan.steps.map((s) => s.change)), ['validate-constraint', 'validate-constraint']);
      assert.match(plan.steps[0]!.sql.join('\n'), /VALIDATE CONSTRAINT/);
      await applyPlan(db, plan);
      assert.equal((await planYaml(db, file)).steps.length, 0);
      assert.equal((await detectDrift(db)).changes.length, 0);
    });
  });

  it('validated: false adds a constraint NOT VALID, inspects back, and validating it later is its own step', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file.replace('        checks: { entries_amount_check: { expression: "amount > 0" } }\n', ''));
      await db.exec("INSERT INTO accounts VALUES (1); INSERT INTO entries VALUES (1, 1, -5, 'a')");
      const notValid = file.replace('expression: "amount > 0" }', 'expression: "amount > 0", validated: false }');
      const plan = await planYaml(db, notValid);
      assert.match(plan.steps.flatMap((s) => s.sql).join('\n'), /CHECK \(amount > 0\) NOT VALID/);
      await applyPlan(db, plan, { allowDestructive: true });
      assert.equal((await planYaml(db, notValid)).steps.length, 0, 'replan is empty');
      const inspected = modelToYaml((await introspect(db, { schemas: ['public'] })).model);
      assert.match(inspected, /validated: false/);
      assert.equal((await planYaml(db, inspected)).steps.length, 0, 'the inspected file plans to nothing');
      // Asking for it to be valid: a validate step, which fails while a row violates it and succeeds once none does.
      const valid = notValid.replace(', validated: false', '');
      await assert.rejects(applyPlan(db, await planYaml(db, valid)));
      await db.exec('UPDATE entries SET amount = 5');
      const validate = await planYaml(db, valid);
      assert.deepEqual(kinds(validate.steps.map((s) => s.change)), ['validate-constraint']);
      await applyPlan(db, validate);
      assert.equal((await planYaml(db, valid)).steps.length, 0);
    });
  });

  it('an INVALID index left by a failed concurrent build is reported and rebuilt', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file);
      await db.exec("DROP INDEX entries_code_key; INSERT INTO accounts VALUES (1); INSERT INTO entries VALUES (1, 1, 5, 'dup'), (2, 1, 5, 'dup')");
      await assert.rejects(db.exec('CREATE UNIQUE INDEX CONCURRENTLY entries_code_key ON entries (code)'));
      const [{ valid }] = await db.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'entries_code_key'::regclass") as [{ valid: boolean }];
      assert.equal(valid, false);
      assert.deepEqual(kinds((await detectDrift(db)).changes), ['create-index', 'drop-index']);
      await db.exec("UPDATE entries SET code = 'other' WHERE id = 2");
      const plan = await planYaml(db, file);
      assert.deepEqual(plan.steps.map((s) => s.description), ['drop invalid index entries_code_key from table public.entries concurrently', 'create unique index entries_code_key on table public.entries concurrently']);
      assert.match(plan.steps[0]!.hazards.map((h) => h.message).join('\n'), /INVALID/);
      await applyPlan(db, plan);
      assert.equal((await planYaml(db, file)).steps.length, 0);
    });
  });

  it('lists what the model does not hold yet, in plan and drift, instead of saying nothing changed', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, file);
      await db.exec(`CREATE STATISTICS entries_stats ON account_id, amount FROM entries;
        ALTER TABLE entries REPLICA IDENTITY FULL;
        CLUSTER entries USING entries_code_key;
        ALTER TABLE entries ALTER COLUMN amount SET STATISTICS 500;
        ALTER TABLE entries ALTER COLUMN code SET STORAGE EXTERNAL`);
      // The statistics target, storage and cluster index are managed: a plan and drift see them changed.
      const expected = ['replica identity full public.entries', 'statistics object public.entries_stats'];
      const listed = (objects: Array<{ kind: string; schema: string; name: string }>) => objects.map((o) => `${o.kind} ${o.schema}.${o.name}`).sort();
      const plan = await planYaml(db, file);
      assert.deepEqual(listed(plan.unmanaged), expected);
      assert.deepEqual(plan.steps.map((s) => s.description).sort(), [
        'alter column amount of table public.entries (statistics)',
        'alter column code of table public.entries (storage)',
        'set table public.entries without cluster',
      ]);
      const drift = await detectDrift(db);
      assert.equal(drift.changes.length, 3);
      assert.deepEqual(listed(drift.unmanaged), expected);
    });
  });
});
