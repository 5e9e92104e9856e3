import assert from 'node:assert/strict';
import { quoteIdent, quoteLiteral, truncateIdentifier } from '../../src/sql/quote.js';
import { canonicalTypeName } from '../../src/normalize/type-names.js';
import { defaultPrimaryKeyName, relationText, splitRelationText } from '../../src/model/names.js';

describe('quoting', () => {
  it('quotes every identifier and doubles embedded quotes', () => {
    assert.equal(quoteIdent('users'), '"users"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('select'), '"select"');
    assert.throws(() => quoteIdent(''));
    assert.throws(() => quoteIdent('a\u0000b'));
  });
  it('doubles single quotes in literals and leaves backslashes alone', () => {
    assert.equal(quoteLiteral("it's \\n"), "'it''s \\n'");
  });
  it('writes a relation a view reads so that dots and quotes inside names cannot be misread', () => {
    for (const [schema, name] of [['c', 'a.b'], ['c.a', 'b'], ['a"."b', 'c'], ['x', '"'], ['sp ace', 'ü.ö""']] as const) {
      assert.deepEqual(splitRelationText(relationText(schema, name)), [schema, name]);
    }
    assert.notEqual(relationText('c', 'a.b'), relationText('c.a', 'b'));
    // Snapshots and plans written before the names were quoted: read at the first dot, as then.
    assert.deepEqual(splitRelationText('public.orders'), ['public', 'orders']);
    assert.deepEqual(splitRelationText('My Schema.T.x'), ['My Schema', 'T.x']);
  });
  it('truncates at 63 bytes without splitting a character, as the server does', () => {
    assert.equal(Buffer.byteLength(truncateIdentifier('é'.repeat(40))), 62);
    assert.equal(defaultPrimaryKeyName('t'.repeat(70)), 't'.repeat(58) + '_pkey');
  });
});

describe('offline type spelling', () => {
  const none = () => undefined;
  const cases: Array<[string, string]> = [
    ['int', 'integer'], ['INT8', 'bigint'], ['varchar(20)', 'character varying(20)'], ['timestamptz', 'timestamp with time zone'],
    ['timestamp(3)', 'timestamp(3) without time zone'], ['decimal(10, 2)', 'numeric(10,2)'], ['int[]', 'integer[]'], ['text[][]', 'text[][]'],
    ['bool', 'boolean'], ['char', 'character(1)'], ['float', 'double precision'], ['"Weird"', '"Weird"'],
  ];
  for (const [written, expected] of cases) it(`${written} → ${expected}`, () => assert.equal(canonicalTypeName(written, 'public', none), expected));
  it('qualifies user types outside public', () => {
    assert.equal(canonicalTypeName('status', 'app', (s, n) => (s === 'app' && n === 'status' ? 'app.status' : undefined)), 'app.status');
  });
});
