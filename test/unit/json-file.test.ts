import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { jsonChunks, writeJsonFile } from '../../src/json-file.js';

/** Snapshot files are written in pieces; they must read exactly as JSON.stringify would have written them. */
describe('the pretty JSON writer', () => {
  const runs = Number(process.env.SCHEMAFORM_PROPERTY_RUNS ?? 200);
  const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 8 }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4, noNullPrototype: true })),
  })).node;

  it('writes what JSON.stringify(value, null, space) writes, indented or not, split at any depth', () => {
    const space = fc.constantFrom(0 as const, 2 as const);
    fc.assert(fc.property(fc.dictionary(fc.string(), value, { noNullPrototype: true }), space, fc.nat(6), (doc, space, splitDepth) => {
      assert.equal([...jsonChunks(doc, { space, splitDepth })].join(''), JSON.stringify(doc, null, space));
    }), { numRuns: runs });
  });

  it('writes a file that parses back to the value', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'schemaform-json-')), 'snapshot.json');
    const doc = { model: { schemas: [{ name: 'public', tables: Array.from({ length: 3000 }, (_, i) => ({ name: `t${i}`, columns: [{ name: 'id', type: 'bigint' }] })) }] } };
    await writeJsonFile(path, doc);
    const text = readFileSync(path, 'utf8');
    assert.equal(text, `${JSON.stringify(doc, null, 2)}\n`);
  });
});
