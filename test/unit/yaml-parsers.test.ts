import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseSchemaTextFast } from '../../src/yaml/fast-parse.js';
import { SourceFile } from '../../src/yaml/source.js';

/** The precise path as schemaform configures it (exact integers, no infinities). */
const parse = (text: string) => SourceFile.parse('schema.yaml', text).toJS();

/**
 * Valid files are read by js-yaml, files with problems by `yaml`: the two
 * must agree on every document the fast one accepts, or a schema would mean
 * something else depending on whether it has a typo elsewhere.
 */
describe('the fast YAML path reads what the precise one reads', () => {
  const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 100);

  // Plain scalars whose type depends on the schema the parser resolves with.
  const tricky = ['yes', 'no', 'on', 'off', 'y', 'n', 'True', 'FALSE', 'null', 'Null', '~', '', '0o17', '017', '0x1F', '1e3', '1_000', '1_000.5', '0b0', '-0b1', '-0x1F', '+0o7', '+0x1', '+1', '-0', '.5', '.inf', '-.Inf', '.NaN', '2020-01-01', '2020-01-01T10:00:00Z', '12:30', '1:20:30', '<<', '=', 'now()', "'x'::text", 'numeric', 'a b', 'é€'];

  it('resolves plain scalars the same way', () => {
    fc.assert(
      fc.property(fc.constantFrom(...tricky), fc.constantFrom(...tricky), (key, value) => {
        const text = `k_${key.length}: ${value}\nlist: [ ${value}, x ]\nnested: { a: ${value} }\n`;
        const fast = parseSchemaTextFast(text);
        if (fast === undefined) return;
        assert.deepEqual(fast, parse(text), text);
      }),
      { numRuns: runs },
    );
  });

  it('reads whatever `yaml` writes, in block and flow style', () => {
    const leaf = fc.oneof(fc.string(), fc.constantFrom(...tricky), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (doc, flow) => {
        const text = stringify(doc, { collectionStyle: flow ? 'flow' : 'block' });
        const fast = parseSchemaTextFast(text);
        assert.notEqual(fast, undefined, text);
        assert.deepEqual(fast, parse(text), text);
      }),
      { numRuns: runs },
    );
  });

  it('refuses duplicate keys and non-mapping documents, leaving them to the precise path', () => {
    assert.equal(parseSchemaTextFast('a: 1\na: 2\n'), undefined);
    assert.equal(parseSchemaTextFast('- a\n'), undefined);
    assert.equal(parseSchemaTextFast('a: [\n'), undefined);
    assert.equal(parseSchemaTextFast('a: 1\n---\nb: 2\n'), undefined);
  });
});
