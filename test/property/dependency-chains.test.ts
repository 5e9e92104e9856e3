import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyPlan } from '../../src/apply/apply.js';
import { fingerprint } from '../../src/model/objects.js';
import { introspect } from '../../src/introspect/introspect.js';
import { planRollback } from '../../src/rollback/rollback.js';
import { planYaml, withDatabase } from '../harness/workflow.js';

/**
 * Random chains of dependencies across kinds (enum → domain → composite →
 * table → routine over a row type, a domain or a composite → defaults,
 * checks, indexes and policies calling it → a view → a view over it → a
 * materialized view indexed through a routine), each object in a schema of
 * its own whose name sorts at random, declared in a shuffled order. Each
 * chain must plan and apply onto an empty database in one plan and replan
 * to nothing; an evolution of something in the middle of the chain must
 * apply and replan to nothing; rolling back must give the first state (or,
 * where PostgreSQL allows no way back, be refused with the objects named).
 * SCHEMAFORM_PROPERTY_RUNS raises the number of cases.
 */
const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 6);

const evolutions = ['add-enum-value', 'retype-routine-result', 'replace-routine-body', 'change-first-view', 'add-table-column', 'widen-table-column'] as const;
type Evolution = (typeof evolutions)[number];

const chain = fc.record({
  domain: fc.boolean(),
  composite: fc.boolean(),
  /** What the routine takes: the table's row type, the composite, or the column type. */
  argument: fc.constantFrom('row', 'composite', 'column'),
  callers: fc.subarray(['default', 'check', 'index', 'policy', 'trigger'] as const),
  secondView: fc.boolean(),
  matview: fc.boolean(),
  /** Schema names per link, drawn so that their sort order is random. */
  schemaNames: fc.shuffledSubarray(['s_a', 's_b', 's_c', 's_d', 's_e', 's_f', 's_g', 's_h', 's_i', 's_j'], { minLength: 10, maxLength: 10 }),
  /** How the file lists schemas and their objects. */
  declarationOrder: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
  evolution: fc.constantFrom(...evolutions),
});
type Chain = typeof chain extends fc.Arbitrary<infer T> ? T : never;

function chainYaml(c: Chain, evolved: boolean): string {
  const [sEnum, sDomain, sComposite, sTable, sRoutine, sView, sView2, sMatview, sTrigger] = c.schemaNames as [string, string, string, string, string, string, string, string, string];
  const evolve = (e: Evolution) => evolved && c.evolution === e;
  const schemas: Record<string, Record<string, Record<string, unknown>>> = {};
  const put = (schema: string, kind: string, name: string, value: unknown) => {
    schemas[schema] ??= {};
    (schemas[schema]![kind] ??= {})[name] = value;
  };
  put(sEnum, 'enums', 'mood', evolve('add-enum-value') ? ['sad', 'ok', 'glad'] : ['sad', 'ok']);
  let columnType = `${sEnum}.mood`;
  if (c.domain) {
    put(sDomain, 'domains', 'mood_d', { type: columnType, checks: { known: { expression: 'VALUE IS NOT NULL' } } });
    columnType = `${sDomain}.mood_d`;
  }
  let attributeType = columnType;
  if (c.composite) {
    put(sComposite, 'composites', 'feeling', { attributes: { m: columnType, weight: 'int' } });
    attributeType = `${sComposite}.feeling`;
  }
  const argumentType = c.argument === 'row' ? `${sTable}.t` : c.argument === 'composite' && c.composite ? attributeType : columnType;
  const fromArgument = c.argument === 'row' ? 'x.m::text' : c.argument === 'composite' && c.composite ? '(x).m::text' : 'x::text';
  const result = evolve('retype-routine-result') ? 'varchar(200)' : 'text';
  const body = evolve('replace-routine-body') ? `RETURN upper(${fromArgument})` : `RETURN ${fromArgument}`;
  put(sRoutine, 'functions', `label(x ${argumentType})`, { returns: result, language: 'sql', volatility: 'immutable', body });
  put(sRoutine, 'functions', 'tag(n int)', { returns: 'int', language: 'sql', volatility: 'immutable', body: 'RETURN n + 1' });
  const call = `${sRoutine}.tag(id)`;
  const columns: Record<string, unknown> = {
    id: { type: 'int' },
    m: { type: c.composite && c.argument === 'composite' ? attributeType : columnType },
    ...(c.callers.includes('default') && { n: { type: 'int', default: `${sRoutine}.tag(1)` } }),
    ...(evolve('add-table-column') && { extra: { type: 'text' } }),
    note: { type: evolve('widen-table-column') ? 'varchar(100)' : 'varchar(50)' },
  };
  put(sTable, 'tables', 't', {
    columns,
    primaryKey: ['id'],
    ...(c.callers.includes('check') && { checks: { tagged: { expression: `${call} > 0` } } }),
    ...(c.callers.includes('index') && { indexes: { t_tag: { expressions: [call] } } }),
    ...(c.callers.includes('policy') && { rowLevelSecurity: true, policies: { tagged: { using: `${call} > 0` } } }),
    ...(c.callers.includes('trigger') && { triggers: { t_seen: { timing: 'before', events: ['insert'], level: 'row', function: `${sTrigger}.seen`, when: `${sRoutine}.tag(NEW.id) > 0` } } }),
  });
  if (c.callers.includes('trigger')) put(sTrigger, 'functions', 'seen()', { returns: 'trigger', language: 'plpgsql', body: 'BEGIN RETURN NEW; END' });
  const labelled = c.argument === 'row' ? `${sRoutine}.label(t)` : `${sRoutine}.label(t.m)`;
  put(sView, 'views', 'v1', { query: evolve('change-first-view') ? `SELECT t.id, ${labelled} AS l, t.note FROM ${sTable}.t` : `SELECT t.id, ${labelled} AS l FROM ${sTable}.t` });
  if (c.secondView) put(sView2, 'views', 'v2', { query: `SELECT id, l FROM ${sView}.v1` });
  if (c.matview) put(sMatview, 'views', 'mv', { materialized: true, query: `SELECT id, l FROM ${sView}.v1`, indexes: { mv_tag: { expressions: [`${sRoutine}.tag(id)`] } } });
  // Shuffle the file: schemas, and the objects in each, in a random order.
  const order = (keys: string[]) => keys.map((k, i) => ({ k, w: c.declarationOrder[i % c.declarationOrder.length]! + i })).sort((a, b) => a.w - b.w).map((x) => x.k);
  const shuffled = Object.fromEntries(order(Object.keys(schemas)).map((s) => [s, Object.fromEntries(order(Object.keys(schemas[s]!)).map((k) => [k, schemas[s]![k]]))]));
  return stringify({ schemas: shuffled });
}

describe('property: random dependency chains across kinds plan, evolve and roll back in one plan each', function () {
  this.timeout(900_000);
  it(`holds for ${runs} random chains`, async () => {
    await fc.assert(
      fc.asyncProperty(chain, async (c) => {
        await withDatabase(async ({ db }) => {
          const [a, b] = [chainYaml(c, false), chainYaml(c, true)];
          await applyPlan(db, await planYaml(db, a));
          assert.deepEqual((await planYaml(db, a)).steps.map((s) => s.description), [], `the chain replans to nothing:\n${a}`);
          await db.exec(`INSERT INTO ${c.schemaNames[3]}.t (id, m, note) VALUES (1, ${c.composite && c.argument === 'composite' ? `ROW('ok', 1)` : `'ok'`}, 'x')`);
          const stateA = fingerprint((await introspect(db, { schemas: c.schemaNames.slice(0, 9) })).model);

          await applyPlan(db, await planYaml(db, b, { allowDestructive: true }), { allowDestructive: true });
          assert.deepEqual((await planYaml(db, b)).steps.map((s) => s.description), [], `the evolution (${c.evolution}) replans to nothing:\n${b}`);

          if (c.evolution === 'add-enum-value' && (c.domain || c.composite)) {
            // Taking the value out again recreates the enum, and a domain or composite over it cannot be
            // taken off and put back: the plan must say so, naming both, and change nothing.
            await assert.rejects(planRollback(db), /(type|column) \S+ depends on type \S+mood, which this plan drops or rewrites/);
            assert.deepEqual((await planYaml(db, b)).steps.map((s) => s.description), [], 'a refused rollback changes nothing');
            return;
          }
          await applyPlan(db, await planRollback(db), { allowDestructive: true });
          assert.deepEqual((await planYaml(db, a)).steps.map((s) => s.description), [], 'rollback returns to the chain');
          assert.equal(fingerprint((await introspect(db, { schemas: c.schemaNames.slice(0, 9) })).model), stateA);
        });
      }),
      { numRuns: runs },
    );
  });
});
