import assert from 'node:assert/strict';
import { introspect } from '../../src/introspect/introspect.js';
import { modelToYaml } from '../../src/yaml/from-model.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';
import { applyPlan } from '../../src/apply/apply.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { modelDependents } from '../../src/graph/facts.js';

const long = 'x'.repeat(60) + 'end'; // exactly 63 bytes
const longUnicode = 'ü'.repeat(31) + 'a'; // 63 bytes in UTF-8

const hostile = `
schemas:
  "My Schema":
    enums:
      "it's": ["a'b", 'c"d', "e\\\\f"]
    tables:
      "select":
        comment: "quote ' and \\\\ backslash"
        columns:
          "from": { type: int }
          "Mixed Case": { type: text, comment: "it's" }
          "ünï cödé": { type: "\\"it's\\"", default: "'a''b'" }
          "${long}": { type: int }
          "${longUnicode}": { type: text }
          "semi;colon": { type: text }
        primaryKey: { name: "pk \\"quoted\\"", columns: ["from"] }
        unique:
          "${long.slice(0, 58)}_uniq": { columns: ["${long}"] }
        checks:
          "check-1": { expression: "\\"from\\" > 0" }
        indexes:
          "idx ${longUnicode.slice(0, 20)}": { columns: ["Mixed Case", "semi;colon"] }
      "table":
        columns:
          "user": { type: int }
        foreignKeys:
          "fk->select": { columns: ["user"], references: { table: "select", columns: ["from"] } }
`;

describe('hostile names round-trip', () => {
  it('quotes, spaces, unicode, reserved words and 63-byte names plan, apply, inspect and replan to nothing', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, hostile);
      assert.deepEqual((await planYaml(db, hostile)).steps.map((s) => s.description), []);
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_attribute WHERE attname = $1`, [long]);
      assert.equal(row!.n >= 1, true, 'the 63-byte column name arrived untruncated');
      const labels = await db.query<{ l: string }>(`SELECT enumlabel AS l FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY enumsortorder`, ["it's"]);
      assert.deepEqual(labels.map((r) => r.l), ["a'b", 'c"d', 'e\\f']);
      const [comment] = await db.query<{ c: string }>(`SELECT obj_description('"My Schema"."select"'::regclass, 'pg_class') AS c`);
      assert.equal(comment!.c, "quote ' and \\ backslash");

      // Inspect → YAML → plan: still nothing to do.
      const yaml = modelToYaml((await introspect(db, { schemas: ['My Schema'] })).model);
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
    });
  });

  it('a table named like another schema\'s table plus a dot is its own: a new "c.a"."b" does not hide the data lost from "c"."a.b"', async () => {
    await withDatabase(async ({ db }) => {
      const table = (columns: string) => `\n      "a.b":\n        columns:\n${columns}        primaryKey: [id]\n`;
      const before = `schemas:\n  c:\n    tables:${table('          id: { type: int }\n          x: { type: text }\n')}`;
      await applyYaml(db, before);
      await db.exec(`INSERT INTO c."a.b" VALUES (1, 'kept?')`);
      await db.exec('ANALYZE c."a.b"');
      const after = `schemas:\n  c:\n    tables:${table('          id: { type: int }\n')}  "c.a":\n    tables:\n      b:\n        columns:\n          id: { type: int }\n`;
      const plan = await planYaml(db, after, { allowDestructive: true });
      const drop = plan.steps.find((s) => s.change.kind === 'drop-column');
      assert.ok(drop, plan.steps.map((s) => s.description).join('; '));
      assert.ok(drop.hazards.some((h) => h.code === 'data-loss' && /~1 rows/.test(h.message)), JSON.stringify(drop.hazards));
      assert.ok(drop.locks.some((l) => l.relation === 'c.a.b' && l.mode === 'ACCESS EXCLUSIVE'), JSON.stringify(drop.locks));
      assert.ok(plan.steps.some((s) => s.change.kind === 'create-table' && s.hazards.length === 0 && s.locks.length === 0));
    });
  });

  it('a parent and a relation a view reads are told apart from a dotted look-alike, through inspect and back', async () => {
    await withDatabase(async ({ db }) => {
      const yaml = `schemas:
  c:
    tables:
      "a.b": { columns: { x: { type: int } } }
  "c.a":
    tables:
      b: { columns: { x: { type: int }, y: { type: int } } }
  k:
    tables:
      child:
        inherits: [{ schema: "c.a", table: b }]
        columns: { z: { type: int } }
    views:
      v: { query: 'SELECT b.y FROM "c.a".b' }
`;
      await applyYaml(db, yaml);
      const [parent] = await db.query<{ p: string }>(`SELECT inhparent::regclass::text AS p FROM pg_inherits WHERE inhrelid = 'k.child'::regclass`);
      assert.equal(parent!.p, '"c.a".b');
      assert.deepEqual((await planYaml(db, yaml)).steps.map((s) => s.description), []);
      const { model } = await introspect(db, { schemas: ['c', 'c.a', 'k'] });
      // The view reads "c.a"."b" (and its column y), not "c"."a.b".
      const reads = modelDependents(model).filter((d) => d.kind === 'view').map((d) => d.on);
      assert.deepEqual(reads, [{ kind: 'relation', schema: 'c.a', name: 'b' }, { kind: 'column', schema: 'c.a', table: 'b', column: 'x' }, { kind: 'column', schema: 'c.a', table: 'b', column: 'y' }]);
      const inspected = modelToYaml(model);
      assert.match(inspected, /inherits:\n\s+- table: b\n\s+schema: c\.a\n/);
      assert.deepEqual((await planYaml(db, inspected)).steps.map((s) => s.description), []);
    });
  });

  it('drops and restores hostile names through rollback', async () => {
    await withDatabase(async ({ db }) => {
      await applyYaml(db, hostile);
      await db.exec(`INSERT INTO "My Schema"."select" ("from", "Mixed Case", "ünï cödé") VALUES (1, 'o''k', 'c"d')`);
      const without = hostile.replace(/      "table":[\s\S]*$/, '').replace('          "Mixed Case": { type: text, comment: "it\'s" }\n', '').replace('"Mixed Case", ', '');
      await applyPlan(db, await planYaml(db, without), { allowDestructive: true });
      await applyPlan(db, await planRollback(db));
      const rows = await db.query(`SELECT "from", "Mixed Case" AS m, "ünï cödé"::text AS u FROM "My Schema"."select"`);
      assert.deepEqual(rows, [{ from: 1, m: "o'k", u: 'c"d' }]);
      assert.deepEqual((await planYaml(db, hostile)).steps.map((s) => s.description), []);
    });
  });
});
