import { quoteIdent } from '../sql/quote.js';

/**
 * A CHECK expression equivalent to the partition constraint a bound gives,
 * for a table partitioned by one column, RANGE or LIST: validated before
 * ATTACH PARTITION, it lets PostgreSQL skip the scan under ACCESS EXCLUSIVE
 * (it proves the partition constraint from it). Built from the texts
 * PostgreSQL prints (pg_get_partkeydef, pg_get_expr of the bound) and only
 * from datums that are plain literals; anything else (several key columns,
 * expressions, a NULL in the list, HASH, DEFAULT) gives undefined and the
 * plain ATTACH, which scans. PostgreSQL has no function that gives the
 * constraint of a bound not yet attached, hence this text; should its
 * prover not accept it, ATTACH scans as it would have (and the brief-step
 * timeout bounds it).
 */
export function boundCheck(partitionBy: string, bound: string): string | undefined {
  const key = /^(RANGE|LIST) \(((?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+"))\)$/.exec(partitionBy.trim());
  if (!key) return undefined;
  const column = key[2]!.startsWith('"') ? quoteIdent(key[2]!.slice(1, -1).replaceAll('""', '"')) : quoteIdent(key[2]!);
  if (key[1] === 'RANGE') {
    const range = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/s.exec(bound.trim());
    if (!range || !isDatum(range[1]!) || !isDatum(range[2]!)) return undefined;
    const [lower, upper] = [range[1]!.trim(), range[2]!.trim()];
    return [`${column} IS NOT NULL`, ...(lower === 'MINVALUE' ? [] : [`${column} >= ${lower}`]), ...(upper === 'MAXVALUE' ? [] : [`${column} < ${upper}`])].join(' AND ');
  }
  const list = /^FOR VALUES IN \((.+)\)$/s.exec(bound.trim());
  if (!list) return undefined;
  const items = list[1]!.match(DATUM_TOKENS) ?? [];
  if (items.join(', ') !== list[1]!.trim() || items.some((i) => !LITERAL.test(i))) return undefined;
  return `${column} IS NOT NULL AND ${column} IN (${items.join(', ')})`;
}

/** A quoted string, perhaps with a cast PostgreSQL printed, or a number. */
const LITERAL = /^(?:'(?:[^']|'')*'(?:::[a-z][a-z0-9_ ]*)?|-?\d+(?:\.\d+)?)$/;
const DATUM_TOKENS = /'(?:[^']|'')*'(?:::[a-z][a-z0-9_ ]*)?|-?\d+(?:\.\d+)?|NULL/g;

function isDatum(text: string): boolean {
  const t = text.trim();
  return t === 'MINVALUE' || t === 'MAXVALUE' || LITERAL.test(t);
}
