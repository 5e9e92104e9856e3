import assert from 'node:assert/strict';
import { diffModels } from '../../src/diff/diff.js';
import { orderChanges } from '../../src/graph/graph.js';
import { loadParser } from '../../src/sql/parser.js';
import { renderChange } from '../../src/plan/render.js';
import { documentToModel, type RawDocument } from '../../src/yaml/to-model.js';

const model = (doc: RawDocument) => documentToModel(doc);
const table = (columns: Record<string, { type: string } & Record<string, unknown>>, extra: object = {}) => ({ columns, ...extra }) as never;
const kinds = (from: RawDocument, to: RawDocument) => orderChanges(diffModels(model(from), model(to))).map((c) => c.kind);
const sql = (from: RawDocument, to: RawDocument) => orderChanges(diffModels(model(from), model(to))).flatMap((c) => renderChange(c, { serverVersion: 150000 }));

describe('differ (pure)', () => {
  before(() => loadParser());
  const cases: Array<{ name: string; from: RawDocument; to: RawDocument; want: string[] }> = [
    { name: 'no change', from: { schemas: { public: { tables: { t: table({ a: { type: 'int' } }) } } } }, to: { schemas: { public: { tables: { t: table({ a: { type: 'integer' } }) } } } }, want: [] },
    { name: 'new table with fk and index is created before its fk', from: { schemas: { public: { tables: { p: table({ id: { type: 'int' } }, { primaryKey: ['id'] }) } } } },
      to: { schemas: { public: { tables: {
        p: table({ id: { type: 'int' } }, { primaryKey: ['id'] }),
        c: table({ p: { type: 'int' } }, { foreignKeys: { c_p: { columns: ['p'], references: { table: 'p', columns: ['id'] } } }, indexes: { c_i: { columns: ['p'] } } }),
      } } } },
      want: ['create-table', 'add-constraint', 'create-index'] },
    { name: 'table rename is a rename', from: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }) } } } }, to: { schemas: { public: { tables: { b: table({ x: { type: 'int' } }, { renamedFrom: 'a' }) } } } }, want: ['rename-table'] },
    { name: 'column rename is a rename', from: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }) } } } }, to: { schemas: { public: { tables: { a: table({ y: { type: 'int', renamedFrom: 'x' } }) } } } }, want: ['rename-column'] },
    { name: 'renamed index is renamed, not rebuilt', from: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }, { indexes: { i1: { columns: ['x'] } } }) } } } }, to: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }, { indexes: { i2: { columns: ['x'] } } }) } } } }, want: ['rename-index'] },
    { name: 'changed index is dropped before it is recreated', from: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }, { indexes: { i: { columns: ['x'] } } }) } } } }, to: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }, { indexes: { i: { columns: ['x'], unique: true } } }) } } } }, want: ['drop-index', 'create-index'] },
    { name: 'a column goes before its enum, a table before its schema', from: { schemas: { public: { enums: { e: ['a'] }, tables: { a: table({ x: { type: 'int' }, y: { type: 'e' } }) } }, old: { tables: { gone: table({ z: { type: 'int' } }) } } } },
      to: { schemas: { public: { tables: { a: table({ x: { type: 'int' } }), n: table({ q: { type: 'int' } }) } } } },
      want: ['drop-column', 'drop-enum', 'create-table', 'drop-table', 'drop-schema'] },
    { name: 'enum value appended in place', from: { schemas: { public: { enums: { e: ['a', 'c'] } } } }, to: { schemas: { public: { enums: { e: ['a', 'b', 'c', 'd'] } } } }, want: ['add-enum-value', 'add-enum-value'] },
    { name: 'enum value removed recreates the type', from: { schemas: { public: { enums: { e: ['a', 'b'] } } } }, to: { schemas: { public: { enums: { e: ['a'] } } } }, want: ['recreate-enum'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(kinds(c.from, c.to), c.want));
  }

  it('tells inheritance parents apart by schema and name: "c"."a.b" is not "c.a"."b"', () => {
    const child = (schema: string, parent: string) => model({ schemas: { c: { tables: { 'a.b': table({ x: { type: 'int' } }) } }, 'c.a': { tables: { b: table({ x: { type: 'int' } }) } },
      k: { tables: { child: table({ x: { type: 'int' } }, { inherits: [{ schema, table: parent }] }) } } } });
    const changes = diffModels(child('c', 'a.b'), child('c.a', 'b')).filter((c) => c.kind === 'set-inheritance');
    assert.deepEqual(changes.map((c) => c.kind === 'set-inheritance' && [c.add, c.remove]), [[[{ schema: 'c.a', table: 'b' }], [{ schema: 'c', table: 'a.b' }]]]);
  });

  it('is deterministic', () => {
    const a = { schemas: { public: { tables: { t1: table({ a: { type: 'int' } }), t2: table({ b: { type: 'text' } }) } } } };
    assert.deepEqual(diffModels(model({}), model(a)), diffModels(model({}), model(a)));
  });

  it('renders a type change with its default dropped and restored around it', () => {
    const statements = sql(
      { schemas: { public: { tables: { t: table({ a: { type: 'int', default: 1 } }) } } } },
      { schemas: { public: { tables: { t: table({ a: { type: 'bigint', default: 1, using: 'a::bigint' } }) } } } },
    );
    assert.deepEqual(statements, [
      'ALTER TABLE "public"."t" ALTER COLUMN "a" DROP DEFAULT',
      'ALTER TABLE "public"."t" ALTER COLUMN "a" TYPE bigint USING a::bigint',
      'ALTER TABLE "public"."t" ALTER COLUMN "a" SET DEFAULT 1',
    ]);
  });

  it('adds an enum value next to its neighbour', () => {
    assert.deepEqual(sql({ schemas: { public: { enums: { e: ['a', 'c'] } } } }, { schemas: { public: { enums: { e: ['z', 'a', 'b', 'c'] } } } }), [
      `ALTER TYPE "public"."e" ADD VALUE 'z' BEFORE 'a'`,
      `ALTER TYPE "public"."e" ADD VALUE 'b' AFTER 'a'`,
    ]);
  });
});
