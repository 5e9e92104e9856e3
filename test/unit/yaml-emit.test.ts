import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { emitYaml, emitYamlPieces, lazyEntries } from '../../src/yaml/emit.js';
import { parseSchemaTextFast } from '../../src/yaml/fast-parse.js';

/**
 * Inspect writes schema files with its own emitter: whatever it writes must
 * read back as the same data, through both parsers, whatever the strings hold.
 */
/** The data as schemaform reads it: an integer a JavaScript number cannot hold exactly is its decimal text. */
function exactly(value: unknown): unknown {
  if (typeof value === 'number') return /^-?\d+$/.test(String(value)) && !Number.isSafeInteger(value) ? String(value) : value;
  if (Array.isArray(value)) return value.map(exactly);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactly(v)]));
  return value;
}

describe('the YAML emitter', () => {
  const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 200);
  const tricky = ['yes', 'null', 'Null', '~', '', '0o17', '0x1F', '0b0', '-0b1', '-0x1F', '+0o7', '1_000', '1e3', '+1', '-0', '.5', '.inf', 'true', 'FALSE', '12:30', '- x', '-', '? x', 'a: b', 'a #b', 'a:', ' lead', 'trail ',
    '---', '... x', "'pending'::text", 'say "hi"', `it's "x"`, 'a,b', '[x]', '{y}', '#c', '&a', '*b', '!t', '|', '>', '%', '@', '`', 'é€', 'two\nlines', 'ends\n', '\n', 'tab\there', '\u0007', 'lower(email)',
    'columns', 'grants', 'keys', 'references', 'ownedBy', 'collations'];
  const text = fc.oneof(fc.constantFrom(...tricky), fc.string(), fc.string({ unit: 'binary' }));
  const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noDefaultInfinity: false }));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(text, tie('node'), { maxKeys: 4, noNullPrototype: true })),
  })).node;

  it('writes what both parsers read back as the same data', () => {
    fc.assert(fc.property(fc.dictionary(text, value, { minKeys: 1, maxKeys: 5, noNullPrototype: true }), (doc) => {
      const written = emitYaml(doc);
      assert.deepEqual(parse(written), doc, written);
      const fast = parseSchemaTextFast(written);
      if (fast !== undefined) assert.deepEqual(fast, exactly(doc), written);
    }), { numRuns: runs });
  });

  it('quotes what either parser would read as a number, and writes lists of collections itself', () => {
    // js-yaml alone reads these as numbers; YAML 1.2's core schema (and `yaml`) as text.
    for (const text of ['0b0', '-0b1', '-0x1F', '+0o7', '1_000', '0x1F', '1e3', '-0']) {
      const doc = { k: text, list: [text, 'x'], nested: [[{ a: text }, [text]], [text]] };
      const written = emitYaml(doc);
      assert.deepEqual(parse(written), doc, written);
      assert.deepEqual(parseSchemaTextFast(written), doc, written);
    }
  });

  it('writes structure in block style and leaves in flow style, as a person would', () => {
    assert.equal(emitYaml({
      schemas: { public: { tables: { users: {
        columns: { id: { type: 'bigint', identity: 'always' }, email: { type: 'text', default: "'x'::text" } },
        primaryKey: ['id'],
        grants: [{ to: 'app', privileges: ['select'] }],
      } }, functions: { 'f()': { language: 'sql', body: 'SELECT 1\nUNION SELECT 2' } } } },
    }), [
      'schemas:',
      '  public:',
      '    tables:',
      '      users:',
      '        columns:',
      '          id: { type: bigint, identity: always }',
      `          email: { type: text, default: "'x'::text" }`,
      '        primaryKey: [ id ]',
      '        grants:',
      '          - { to: app, privileges: [ select ] }',
      '    functions:',
      '      f():',
      '        language: sql',
      '        body: |-',
      '          SELECT 1',
      '          UNION SELECT 2',
      '',
    ].join('\n'));
  });

  it('writes a large file in pieces that make the same text, building lazy values only as it reaches them', () => {
    const names = Array.from({ length: 1500 }, (_, i) => `t_${i}`);
    const tableOf = (name: string) => ({ columns: { id: { type: 'bigint' }, note: { type: 'text', default: `'${name}'::text` } }, primaryKey: ['id'] });
    const whole = { schemas: { public: { tables: Object.fromEntries(names.map((n) => [n, tableOf(n)])) } } };
    let built = 0;
    let builtWhenFirstWritten: number | undefined;
    const pieces: string[] = [];
    emitYamlPieces({ schemas: { public: { tables: lazyEntries(names, (n) => n, (n) => { built++; return tableOf(n); }) } } }, (piece) => {
      builtWhenFirstWritten ??= built;
      pieces.push(piece);
    });
    assert.ok(pieces.length > 1, 'written in more than one piece');
    assert.ok(builtWhenFirstWritten! < names.length, 'the first piece went out before every table was built');
    assert.equal(built, names.length, 'each table built once');
    assert.equal(pieces.join(''), emitYaml(whole));
    assert.deepEqual(parse(pieces.join('')), whole);
  });
});
