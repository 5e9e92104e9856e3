import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { emitYaml } from '../../src/yaml/emit.js';
import { parseSchemaTextFast } from '../../src/yaml/fast-parse.js';

/**
 * Inspect writes schema files with its own emitter: whatever it writes must
 * read back as the same data, through both parsers, whatever the strings hold.
 */
describe('the YAML emitter', () => {
  const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 200);
  const tricky = ['yes', 'null', 'Null', '~', '', '0o17', '0x1F', '1e3', '+1', '-0', '.5', '.inf', 'true', 'FALSE', '12:30', '- x', '-', '? x', 'a: b', 'a #b', 'a:', ' lead', 'trail ',
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
      if (fast !== undefined) assert.deepEqual(fast, doc, written);
    }), { numRuns: runs });
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
});
