import assert from 'node:assert/strict';
import { boundCheck } from '../../src/plan/partition-bound.js';

/** The CHECK that lets ATTACH PARTITION skip its scan: only from plain literals, else none (a plain ATTACH). */
describe('the check matching a partition bound', () => {
  it('writes range and list bounds on one key column', () => {
    assert.equal(boundCheck('RANGE (day)', "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')"), `"day" IS NOT NULL AND "day" >= '2026-02-01' AND "day" < '2026-03-01'`);
    assert.equal(boundCheck('RANGE (n)', 'FOR VALUES FROM (MINVALUE) TO (100)'), '"n" IS NOT NULL AND "n" < 100');
    assert.equal(boundCheck('RANGE ("Odd ""key""")', 'FOR VALUES FROM (-5) TO (MAXVALUE)'), '"Odd ""key""" IS NOT NULL AND "Odd ""key""" >= -5');
    assert.equal(boundCheck('LIST (region)', "FOR VALUES IN ('de', 'it,fr', 'o''neil')"), `"region" IS NOT NULL AND "region" IN ('de', 'it,fr', 'o''neil')`);
  });

  it('gives none where the check would not be the bound, or the text is not plain literals', () => {
    for (const [by, bound] of [
      ['RANGE (a, b)', "FOR VALUES FROM (1, 2) TO (3, 4)"],
      ['RANGE (lower(a))', "FOR VALUES FROM ('a') TO ('b')"],
      ['LIST (region)', "FOR VALUES IN ('de', NULL)"],
      ['HASH (id)', 'FOR VALUES WITH (modulus 4, remainder 0)'],
      ['RANGE (day)', 'DEFAULT'],
      ['RANGE (day)', "FOR VALUES FROM ('a') TO ('b'); DROP TABLE x --"],
      ['RANGE (day)', "FOR VALUES FROM ('a') TO ('b') OR true OR ('c')"],
      ['LIST (region)', "FOR VALUES IN ('de') OR true OR region IN ('x')"],
    ]) assert.equal(boundCheck(by!, bound!), undefined, `${by} ${bound}`);
  });
});
