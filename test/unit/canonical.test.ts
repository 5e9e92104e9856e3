import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256, stableSha256, stableStringify } from '../../src/model/canonical.js';

/** Plan checksums are hashed piecewise; they must equal the hash of the whole key-sorted text, or old plans stop applying. */
describe('the piecewise stable hash', () => {
  const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 200);
  const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 6 }, leaf, fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 5, noNullPrototype: true })),
  })).node;

  it('equals sha256 of stableStringify for any value', () => {
    fc.assert(fc.property(value, (v) => {
      assert.equal(stableSha256(v), sha256(stableStringify(v)));
    }), { numRuns: runs });
  });

  it('hashes a text larger than one piece the same way', () => {
    const steps = Array.from({ length: 3000 }, (_, i) => ({ index: i, sql: [`CREATE TABLE "t_${i}" ()`], é: 'ü'.repeat(i % 7) }));
    assert.equal(stableSha256({ steps, id: 'x' }), sha256(stableStringify({ id: 'x', steps })));
  });
});
