import assert from 'node:assert/strict';
import { connectServer } from '../../src/db/server.js';
import { applyPlan } from '../../src/apply/apply.js';
import { makeStyle } from '../../src/cli/style.js';
import { formatPlanMarkdown } from '../../src/plan/format-markdown.js';
import { formatPlanText } from '../../src/plan/format-text.js';
import { summarizePlan } from '../../src/plan/summary.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { detectDrift } from '../../src/workflow/drift.js';
import { manualEntries, undoEntries } from '../../src/workflow/drift-report.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * What a reviewer reads: an object dropped and created again is shown as
 * replaced with the reason, data put back from a backup is marked `<=`,
 * a legend says what the marks mean, and drift says what was changed by
 * hand, apart from what would undo it.
 */
const base = `
schemas:
  public:
    tables:
      t:
        columns: { id: { type: bigint }, a: { type: text }, b: { type: text } }
        primaryKey: [id]
    views:
      v: { query: "SELECT id, a FROM t" }
`;
const plain = makeStyle(false);

describe('plan rendering and drift reports', function () {
  this.timeout(120_000);

  it('a view rebuilt around a retyped column is "-/+ must be replaced" with the column named, and never missing for its readers', async () => {
    await withDatabase(async ({ db, url }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t SELECT g, 'a' || g, 'b' FROM generate_series(1, 20000) g");
      const retyped = base.replace('a: { type: text }', 'a: { type: varchar(40) }');
      const plan = await planYaml(db, retyped, { allowDestructive: true });
      const text = formatPlanText(plan, plain);
      assert.match(text, /^  -\/\+ view public\.v must be replaced: it uses column public\.t\.a, which this plan changes$/m);
      assert.match(text, /^~ change in place {3}-\/\+ replace \(drop, then create again\)$/m);
      assert.match(text, /Plan: 0 to create, 1 to change, 1 to replace, 0 to destroy\./);
      assert.match(formatPlanMarkdown(plan), /<code>-\/\+<\/code> view public\.v — must be replaced: it uses column public\.t\.a/);
      const drop = plan.steps.find((s) => s.change.kind === 'drop-view')!;
      const create = plan.steps.find((s) => s.change.kind === 'create-view')!;
      assert.equal(drop.unit, create.unit, 'the view is dropped and created again in one transaction');

      // A reader of the view during the apply waits for it; it never finds it missing.
      const reader = await connectServer(url);
      const errors: string[] = [];
      let reads = 0;
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          await reader.query('SELECT count(*) FROM public.v').then(() => reads++, (e: Error) => errors.push(e.message));
        }
      })();
      try {
        await new Promise((r) => setTimeout(r, 50));
        await applyPlan(db, plan, { allowDestructive: true });
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        stop = true;
        await loop;
        await reader.close();
      }
      assert.deepEqual(errors, []);
      assert.ok(reads > 1, `the reader ran (${reads} reads)`);
      assert.deepEqual((await planYaml(db, retyped)).steps, []);
    });
  });

  it('a view whose own definition cannot be replaced in place says so; a plain change stays "~"', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      const plan = await planYaml(db, base.replace('SELECT id, a FROM t', 'SELECT id FROM t').replace('b: { type: text }', 'b: { type: text, comment: note }'));
      const { objects, counts } = summarizePlan(plan);
      assert.deepEqual(objects.map((o) => [o.label, o.action, o.reason ?? null]).sort(), [
        ['table public.t', 'update', null],
        ['view public.v', 'replace', 'PostgreSQL cannot change its definition in place'],
      ]);
      assert.deepEqual(counts, { create: 0, update: 1, replace: 1, delete: 0, restore: 0 });
    });
  });

  it('a hostile name cannot break out of the Markdown comment: no markup, no early end of a code block', async () => {
    await withDatabase(async ({ db }) => {
      const name = '</details><img src=x onerror=alert(1)>```';
      const plan = await planYaml(db, `schemas:\n  public:\n    tables:\n      ${JSON.stringify(name)}:\n        columns: { id: { type: integer } }\n`);
      const markdown = formatPlanMarkdown(plan);
      // Inside a code block a name is text; everywhere else it must be escaped.
      const outsideCode = markdown.replaceAll(/^(`{3,})\w*\n[\s\S]*?\n\1$/gm, '');
      assert.match(markdown, /CREATE TABLE "public"\."<\/details><img/, 'the SQL is shown as it is, in its block');
      assert.doesNotMatch(outsideCode, /<img/);
      assert.equal(outsideCode.split('<details>').length, outsideCode.split('</details>').length, 'every <details> closes once');
      assert.match(markdown, /^````sql$/m, 'the fence is longer than any backtick run inside');
    });
  });

  it('a rollback marks the data it puts back with "<=" and counts it', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec("INSERT INTO public.t VALUES (1, 'x', 'kept')");
      await applyYaml(db, base.replace('b: { type: text }', ''), { allowDestructive: true });
      const rollback = await planRollback(db);
      const text = formatPlanText(rollback, plain);
      assert.match(text, /^ +\d+\. <= restore values of column b in table public\.t from backup$/m);
      assert.match(text, /<= restore data from a backup/);
      assert.match(text, /; 1 data restore\(s\) from backups\./);
      await applyPlan(db, rollback, { allowDestructive: true });
      assert.deepEqual(await db.query('SELECT b FROM public.t'), [{ b: 'kept' }]);
    });
  });

  it('drift names what was changed by hand, apart from what would undo it, and not the view over the changed table', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, base);
      await db.exec('ALTER TABLE public.t ADD COLUMN hotfix integer; ALTER TABLE public.t DROP COLUMN b; GRANT SELECT ON public.t TO PUBLIC');
      const drift = await detectDrift(db);
      assert.deepEqual(manualEntries(drift.manual).map((e) => [e.action, e.description]), [
        ['create', 'added column hotfix to table public.t'],
        ['delete', 'dropped column b from table public.t'],
        ['create', 'granted SELECT on table public.t to public'],
      ]);
      assert.deepEqual(undoEntries(drift.changes).map((e) => [e.action, e.kind]), [
        ['create', 'add-column'],
        ['delete', 'drop-column'],
        ['delete', 'revoke-privileges'],
      ]);
      assert.ok(drift.manual.every((c) => !c.kind.endsWith('-view')), JSON.stringify(drift.manual.map((c) => c.kind)));
    });
  });
});
