import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/apply.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { applyYaml, planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Chains of dependencies across kinds, each declared so that the file's
 * (and the differ's) order is the wrong one: the table's schema sorts
 * before the schema of what it needs. Each must plan and apply onto an
 * empty database in one plan, replan to nothing, survive an evolution of
 * the thing depended on, and roll back to where it started.
 */
interface Scenario {
  name: string;
  initial: string;
  evolved: string;
  /** Run after each apply: the objects work, not only exist. */
  check?: string;
}

const routines = (returns: string) => `
  zz:
    functions:
      "double_it(x int)":
        returns: ${returns}
        language: sql
        volatility: immutable
        body: RETURN x * 2
      "audit()":
        returns: trigger
        language: plpgsql
        body: "BEGIN RETURN NEW; END"`;

const scenarios: Scenario[] = [
  {
    name: 'routines whose argument or result is a table\'s row type, a composite or a domain',
    initial: rowTypes('text'),
    evolved: rowTypes('varchar(200)'),
    check: "SELECT a.greet(c) AS g FROM a.customer c UNION ALL SELECT count(*)::text FROM a.named('x') UNION ALL SELECT a.fmt(ROW('1 Main St', 'Springfield')::b.address) UNION ALL SELECT a.norm('A@B.C')",
  },
  {
    name: 'a default, check, generated column, index, policy and trigger calling a routine with a SQL-standard body',
    initial: callers(routines('int')),
    evolved: callers(routines('int'), 'amount: { type: int, default: "zz.double_it(2)" }'),
    check: "INSERT INTO a.t (id) VALUES (5) ON CONFLICT (id) DO UPDATE SET d = EXCLUDED.d RETURNING d, g",
  },
  {
    name: 'a view over a view over a routine over a domain over an enum',
    initial: viewChain("zz.label('ok'::zz.mood_d)"),
    evolved: viewChain("upper(zz.label('ok'::zz.mood_d))"),
    check: 'SELECT * FROM a.v2',
  },
  {
    name: 'a materialized view indexed on an expression that calls a routine',
    initial: matview('text'),
    evolved: matview('varchar(100)'),
    check: 'SELECT * FROM a.mv',
  },
];

function rowTypes(nameType: string) {
  return `
schemas:
  a:
    tables:
      customer:
        columns:
          id: { type: int }
          name: { type: ${nameType} }
        primaryKey: [id]
    functions:
      "greet(c customer)":
        returns: text
        language: sql
        body: RETURN 'hello ' || c.name
      "named(n text)":
        returns: SETOF customer
        language: sql
        body: "SELECT * FROM a.customer WHERE name = n"
      "fmt(x b.address)":
        returns: text
        language: sql
        body: RETURN x.street || ', ' || x.city
      "norm(e b.email)":
        returns: b.email
        language: sql
        body: RETURN lower(e)::b.email
  b:
    composites:
      address:
        attributes:
          street: { type: text }
          city: { type: text }
    domains:
      email:
        type: text
        checks:
          has_at: { expression: "VALUE LIKE '%@%'" }
`;
}

function callers(routineSchema: string, extraColumn = '') {
  return `
schemas:
  a:
    tables:
      t:
        columns:
          id: { type: int }
          d: { type: int, default: "zz.double_it(21)" }
          g: { type: int, generated: "zz.double_it(id)" }
          ${extraColumn}
        primaryKey: [id]
        checks:
          positive: { expression: "zz.double_it(id) > 0" }
        indexes:
          t_doubled: { expressions: ["zz.double_it(id)"] }
        rowLevelSecurity: true
        policies:
          doubled:
            using: "zz.double_it(id) > 0"
        triggers:
          t_audit:
            timing: before
            events: [insert]
            level: row
            function: zz.audit
            when: "zz.double_it(NEW.id) > 0"
${routineSchema}
`;
}

function viewChain(label: string) {
  return `
schemas:
  a:
    views:
      v1:
        query: "SELECT ${label} AS l"
      v2:
        query: "SELECT l FROM a.v1"
  zz:
    enums:
      mood: [sad, ok]
    domains:
      mood_d:
        type: mood
        checks:
          not_sad: { expression: "VALUE <> 'sad'" }
    functions:
      "label(m mood_d)":
        returns: text
        language: sql
        body: RETURN m::text
`;
}

function matview(nameType: string) {
  return `
schemas:
  a:
    tables:
      items:
        columns:
          name: { type: ${nameType} }
    views:
      mv:
        materialized: true
        query: "SELECT name FROM a.items"
        indexes:
          mv_norm: { expressions: ["zz.norm(name)"] }
  zz:
    functions:
      "norm(t text)":
        returns: text
        language: sql
        volatility: immutable
        body: RETURN lower(t)
`;
}

describe('ordering from the dependency graph', () => {
  for (const s of scenarios) {
    it(`${s.name}: plans in one plan, evolves, rolls back`, async () => {
      await withDatabase(async ({ db }) => {
        const created = await applyYaml(db, s.initial);
        assert.ok(created.steps.length > 0);
        assert.deepEqual((await planYaml(db, s.initial)).steps.map((x) => x.description), [], 'replan after create');
        if (s.check) await db.query(s.check);

        // A narrower type may not hold every value: planned and applied as a destructive change.
        await applyPlan(db, await planYaml(db, s.evolved, { allowDestructive: true }), { allowDestructive: true });
        assert.deepEqual((await planYaml(db, s.evolved)).steps.map((x) => x.description), [], 'replan after evolution');
        if (s.check) await db.query(s.check);

        await applyPlan(db, await planRollback(db), { allowDestructive: true });
        assert.deepEqual((await planYaml(db, s.initial)).steps.map((x) => x.description), [], 'replan after rollback');
        if (s.check) await db.query(s.check);
      });
    });
  }
});
