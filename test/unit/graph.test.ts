import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { Change } from '../../src/diff/changes.js';
import { diffModels } from '../../src/diff/diff.js';
import type { LiveDependent } from '../../src/graph/facts.js';
import { dependencyGraph, orderChanges } from '../../src/graph/graph.js';
import { withDependentsRebuilt } from '../../src/graph/cascade.js';
import { describeChange } from '../../src/plan/build.js';
import { loadParser } from '../../src/sql/parser.js';
import { emptyModel, type Model } from '../../src/model/types.js';
import { documentToModel, type RawDocument } from '../../src/yaml/to-model.js';

/**
 * The dependency graph, rule by rule: each test is the sentence its rule
 * stands for, shown on the smallest plan that needs it, with the edge
 * credited to that rule.
 */
const model = (yaml: string): Model => (yaml.trim() === '' ? emptyModel() : documentToModel(parse(yaml) as RawDocument));
const describe_ = describeChange;

function plan(from: string, to: string, dependents?: LiveDependent[]) {
  const live = model(from);
  const changes = diffModels(live, model(to), dependents ? { dependents } : {});
  return { changes, live, dependents };
}

/** Asserts that step `first` runs before step `second` and that `rule` is why. */
function assertOrdered(p: { changes: Change[]; live: Model; dependents?: LiveDependent[] | undefined }, rule: string, first: string, second: string) {
  const options = { live: p.live, ...(p.dependents && { dependents: p.dependents }) };
  const ordered = orderChanges(p.changes, options).map(describe_);
  const [a, b] = [ordered.findIndex((d) => d.includes(first)), ordered.findIndex((d) => d.includes(second))];
  assert.ok(a >= 0 && b >= 0, `missing "${first}" or "${second}" in:\n${ordered.join('\n')}`);
  assert.ok(a < b, `"${first}" should run before "${second}":\n${ordered.join('\n')}`);
  const graph = dependencyGraph(p.changes, options);
  const credited = graph.edges.some((e) => e.rule === rule && describe_(graph.steps[e.before]!).includes(first) && describe_(graph.steps[e.after]!).includes(second));
  assert.ok(credited, `no ${rule} edge from "${first}" to "${second}": ${graph.edges.map((e) => `${e.rule}: ${describe_(graph.steps[e.before]!)} -> ${describe_(graph.steps[e.after]!)}`).join('; ')}`);
}

describe('dependency graph', () => {
  before(() => loadParser());

  it('created-before-use: creates table t before a function whose signature names t\'s row type', () => {
    assertOrdered(plan('', `
schemas:
  a:
    functions:
      "named(n text)": { returns: SETOF b.customer, language: sql, body: "SELECT * FROM b.customer" }
      "greet(c b.customer)": { returns: text, language: plpgsql, body: "BEGIN RETURN 'hi'; END" }
  b:
    tables:
      customer: { columns: { name: { type: text } } }
`), 'created-before-use', 'create table b.customer', 'create function a.named');
  });

  it('created-before-use: creates a routine with a SQL-standard body before the column default, check and index calling it', () => {
    const p = plan('', `
schemas:
  a:
    tables:
      t:
        columns: { id: { type: int, default: "z.twice(1)" } }
        checks: { positive: { expression: "z.twice(id) > 0" } }
        indexes: { t_twice: { expressions: ["z.twice(id)"] } }
  z:
    functions:
      "twice(x int)": { returns: int, language: sql, volatility: immutable, body: RETURN x * 2 }
`);
    assertOrdered(p, 'created-before-use', 'create function z.twice', 'create table a.t');
    assertOrdered(p, 'created-before-use', 'create function z.twice', 'create index t_twice');
  });

  it('created-before-use: creates a view after the view it selects from, whatever the file\'s order', () => {
    assertOrdered(plan('', `
schemas:
  a:
    views:
      first: { query: "SELECT n FROM a.second" }
      second: { query: "SELECT 1 AS n" }
`), 'created-before-use', 'create view a.second', 'create view a.first');
  });

  it('dependents-let-go-first: drops a view before the table it reads', () => {
    const live = model(`
schemas:
  a:
    tables:
      t: { columns: { x: { type: int } } }
    views:
      v: { query: "SELECT x FROM a.t" }
`);
    const withFacts = { ...live, schemas: live.schemas.map((s) => ({ ...s, views: s.views.map((v) => ({ ...v, dependsOn: ['a.t'] })) })) };
    const changes = diffModels(withFacts, model('schemas: { a: {} }'));
    assertOrdered({ changes, live: withFacts }, 'dependents-let-go-first', 'drop view a.v', 'drop table a.t');
  });

  it('live-dependents-around-rewrites: takes a routine the catalog says reads t.name off before t.name is retyped, and puts it back after', () => {
    const file = (type: string) => `
schemas:
  a:
    tables:
      t: { columns: { name: { type: ${type} } } }
    functions:
      "greet(c a.t)": { returns: text, language: sql, body: "RETURN c.name" }
`;
    // The body reads the column through the argument: only pg_depend knows.
    const dependents: LiveDependent[] = [{ kind: 'routine', schema: 'a', name: 'greet', arguments: 'c a.t', on: { kind: 'column', schema: 'a', table: 't', column: 'name' } }];
    const p = plan(file('text'), file('varchar(10)'), dependents);
    assertOrdered(p, 'live-dependents-around-rewrites', 'drop function a.greet', 'alter column name');
    assertOrdered(p, 'live-dependents-around-rewrites', 'alter column name', 'create function a.greet');
  });

  it('live-dependents-around-rewrites: a column and its default move to a new enum before the old enum is dropped', () => {
    const file = (e: string) => `
schemas:
  public:
    enums: { ${e}: [pending, shipped] }
    tables:
      orders: { columns: { status: { type: ${e}, default: "'pending'" } } }
`;
    const on = { kind: 'type' as const, schema: 'public', name: 'order_state' };
    const dependents: LiveDependent[] = [
      { kind: 'column', schema: 'public', table: 'orders', column: 'status', of: 'r', on },
      { kind: 'default', schema: 'public', table: 'orders', column: 'status', on },
    ];
    const p = plan(file('order_state'), file('order_status'), dependents);
    assertOrdered(p, 'live-dependents-around-rewrites', 'alter column status of table public.orders (default)', 'drop enum public.order_state');
    assertOrdered(p, 'live-dependents-around-rewrites', 'alter column status of table public.orders (type', 'drop enum public.order_state');
  });

  it('freed-before-reused: drops table t before creating the view that takes its name', () => {
    assertOrdered(plan(`
schemas:
  a:
    tables:
      t: { columns: { x: { type: int } } }
`, `
schemas:
  a:
    views:
      t: { query: "SELECT 1 AS x" }
`), 'freed-before-reused', 'drop table a.t', 'create view a.t');
  });

  it('table-parts-around-columns: drops a check before its column is retyped and adds the new one after', () => {
    const file = (type: string, expression: string) => `
schemas:
  a:
    tables:
      t:
        columns: { x: { type: ${type} } }
        checks: { small: { expression: "${expression}" } }
`;
    const p = plan(file('int', 'x < 10'), file('bigint', 'x < 20'));
    assertOrdered(p, 'table-parts-around-columns', 'drop check small', 'alter column x');
    assertOrdered(p, 'table-parts-around-columns', 'alter column x', 'add check small');
  });

  it('rows-restored-before-checks and partitions-before-rows: rows go back once partitions exist, before the keys that hold them', () => {
    const live = emptyModel();
    const desired = model(`
schemas:
  a:
    tables:
      p:
        columns: { k: { type: int } }
        partitionBy: list (k)
      p1: { partitionOf: { table: p, bound: "FOR VALUES IN (1)" } }
      c:
        columns: { k: { type: int } }
        primaryKey: [k]
`);
    const backup = { relation: 'b', columns: ['k'], takenBy: 'x' };
    const table = (name: string) => desired.schemas[0]!.tables.find((t) => t.name === name)!;
    const changes: Change[] = [
      { kind: 'restore-table', schema: 'a', table: table('p'), backup },
      { kind: 'add-constraint', schema: 'a', table: 'c', constraint: { type: 'unique', name: 'c_k', columns: ['k'], nullsNotDistinct: false, deferrable: false, initiallyDeferred: false } },
      { kind: 'restore-table', schema: 'a', table: table('c'), backup },
      ...diffModels(live, desired),
    ];
    assertOrdered({ changes, live }, 'partitions-before-rows', 'create table a.p1', 'restore rows of table a.p');
    assertOrdered({ changes, live }, 'rows-restored-before-checks', 'restore rows of table a.c', 'add unique c_k');
  });

  it('extensions-first-and-last: creates an extension before the table using its type, drops it after the table', () => {
    const withTable = `
extensions: [citext]
schemas:
  a:
    tables:
      t: { columns: { email: { type: citext } } }
`;
    assertOrdered(plan('schemas: { a: {} }', withTable), 'extensions-first-and-last', 'create extension citext', 'create table a.t');
    assertOrdered(plan(withTable, 'schemas: { a: {} }'), 'extensions-first-and-last', 'drop table a.t', 'drop extension citext');
  });

  it('revoked-before-granted: takes privileges away before giving others on the same table', () => {
    const file = (privileges: string) => `
schemas:
  a:
    tables:
      t: { columns: { x: { type: int } }, grants: [{ to: public, privileges: [${privileges}] }] }
`;
    assertOrdered(plan(file('insert'), file('select')), 'revoked-before-granted', 'revoke INSERT', 'grant SELECT');
  });

  it('default-privileges-last: changes a schema\'s default privileges after creating the tables that start with the old ones', () => {
    assertOrdered(plan('schemas: { a: {} }', `
schemas:
  a:
    defaultPrivileges: [{ role: postgres, on: tables, grants: [{ to: public, privileges: [select] }] }]
    tables:
      t: { columns: { x: { type: int } } }
`), 'default-privileges-last', 'create table a.t', 'default privileges');
  });

  it('domain-checks-after-columns: adds a domain\'s new check after the columns of that type change', () => {
    const file = (check: string, type: string) => `
schemas:
  a:
    domains:
      small: { type: int, checks: { ${check} } }
    tables:
      t: { columns: { x: { type: ${type} } } }
`;
    assertOrdered(plan(file('under: { expression: "VALUE < 100" }', 'int'), file('under: { expression: "VALUE < 10" }', 'small')), 'domain-checks-after-columns', 'alter column x', 'alter domain a.small');
  });

  it('inherited-column-dropped-first: a child adds its own column once its parent drops the one it inherited', () => {
    const file = (parent: string, child: string) => `
schemas:
  a:
    tables:
      parent: { columns: { id: { type: int }${parent} } }
      child: { inherits: [parent], columns: { own: { type: int }${child} } }
`;
    assertOrdered(plan(file(', note: { type: text }', ''), file('', ', note: { type: text }')), 'inherited-column-dropped-first', 'drop column note from table a.parent', 'add column note to table a.child');
  });

  it('attached-before-parent-keys: attaches a partition before the parent gets a new index', () => {
    const file = (attached: boolean, indexed: boolean) => `
schemas:
  a:
    tables:
      p:
        columns: { k: { type: int } }
        partitionBy: list (k)
        ${indexed ? 'indexes: { p_k: { columns: [k] } }' : ''}
      p1:
        ${attached ? 'partitionOf: { table: p, bound: "FOR VALUES IN (1)" }' : 'columns: { k: { type: int } }'}
`;
    assertOrdered(plan(file(false, false), file(true, true)), 'attached-before-parent-keys', 'attach table a.p1', 'create index p_k');
  });

  it('pending-detach-finished-first: a detach left pending is finished before its table is altered and before a sibling detaches', () => {
    const file = (checked: boolean, attached: boolean) => `
schemas:
  a:
    tables:
      p:
        columns: { k: { type: int } }
        partitionBy: list (k)
      p1:
        ${attached ? 'partitionOf: { table: p, bound: "FOR VALUES IN (1)" }' : 'columns: { k: { type: int } }'}
        ${checked ? 'checks: { p1_k_check: { expression: "k IS NOT NULL AND k = 1" } }' : ''}
      p2:
        ${attached ? 'partitionOf: { table: p, bound: "FOR VALUES IN (2)" }' : 'columns: { k: { type: int } }'}
`;
    const live = model(file(true, true));
    live.schemas[0]!.tables.find((t) => t.name === 'p1')!.partitionOf!.detachPending = true;
    const changes = diffModels(live, model(file(false, false)), {});
    assertOrdered({ changes, live }, 'pending-detach-finished-first', 'finish detaching table a.p1', 'drop check p1_k_check');
    assertOrdered({ changes, live }, 'pending-detach-finished-first', 'finish detaching table a.p1', 'detach table a.p2');
  });

  it('keeps the differ\'s order wherever no rule decides, so equal inputs give equal plans', () => {
    const p = plan('', `
schemas:
  a:
    tables:
      t1: { columns: { x: { type: int } } }
      t2: { columns: { x: { type: int } } }
      t3: { columns: { x: { type: int } } }
`);
    assert.deepEqual(orderChanges(p.changes).map(describe_), p.changes.map(describe_));
  });

  it('creates a sequence unowned and owns it once its column exists: a cycle broken on purpose', () => {
    const p = plan('', `
schemas:
  a:
    sequences:
      t_id_seq: { ownedBy: { table: t, column: id } }
    tables:
      t: { columns: { id: { type: bigint, default: "nextval('a.t_id_seq')" } } }
`);
    const ordered = orderChanges(p.changes).map(describe_);
    assert.deepEqual(ordered.filter((d) => d.includes('t_id_seq') || d.includes('table a.t')), ['create sequence a.t_id_seq', 'create table a.t', 'alter sequence a.t_id_seq']);
  });

  it('refuses a circle with the steps named, before any plan exists', () => {
    const p = plan('', `
schemas:
  a:
    views:
      one: { query: "SELECT n FROM a.two" }
      two: { query: "SELECT n FROM a.one" }
`);
    assert.throws(() => orderChanges(p.changes, { describe: describe_ }), (e: Error & { details?: string[] }) => {
      assert.match(e.message, /depend on each other in a circle/);
      assert.ok(e.details?.some((d) => d.includes('"create view a.one" must run before "create view a.two"')), JSON.stringify(e.details));
      return true;
    });
  });

  it('cascade: a view over a view over a retyped column comes off and goes back, both views', () => {
    const file = (type: string) => `
schemas:
  a:
    tables:
      t: { columns: { x: { type: ${type} } } }
    views:
      v1: { query: "SELECT x FROM a.t" }
      v2: { query: "SELECT x FROM a.v1" }
`;
    const dependents: LiveDependent[] = [
      { kind: 'view', schema: 'a', name: 'v1', on: { kind: 'column', schema: 'a', table: 't', column: 'x' } },
      { kind: 'view', schema: 'a', name: 'v2', on: { kind: 'column', schema: 'a', table: 'v1', column: 'x' } },
    ];
    const live = model(file('int'));
    const direct = diffModels(live, model(file('bigint')), { dependents: [] });
    const rebuilt = withDependentsRebuilt(direct, live, model(file('bigint')), dependents);
    const ordered = orderChanges(rebuilt, { live, dependents }).map(describe_);
    assert.deepEqual(ordered, [
      'drop view a.v2 (created again below)', 'drop view a.v1 (created again below)', 'alter column x of table a.t (type)', 'create view a.v1', 'create view a.v2',
    ]);
  });

  it('cascade: refuses a column whose type is a domain the plan rebuilds, naming both', () => {
    const file = (base: string) => `
schemas:
  a:
    domains:
      d: { type: ${base} }
    tables:
      t: { columns: { x: { type: d } } }
`;
    const dependents: LiveDependent[] = [{ kind: 'column', schema: 'a', table: 't', column: 'x', of: 'r', on: { kind: 'type', schema: 'a', name: 'd' } }];
    assert.throws(() => diffModels(model(file('int')), model(file('bigint')), { dependents }), /column a\.t\.x depends on type a\.d, which this plan drops or rewrites/);
  });
});
