import type { TextSearchConfiguration, TextSearchDictionary } from './types.js';
import { splitQualified } from '../graph/references.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * One spelling for the name of a template, parser or dictionary, on both
 * sides: as SQL reads it (unquoted parts fold to lower case), what is visible
 * with search_path = public (pg_catalog's and public's) unqualified, and a
 * part quoted only when it is not plain lower case. The file may write
 * `pg_catalog.simple` or `Simple`; the catalog prints `simple`, and
 * `"default"` for the default parser; all are the same name.
 */
export function visibleName(name: string): string {
  const parts = splitQualified(name);
  const shown = parts.length === 2 && (parts[0] === 'pg_catalog' || parts[0] === 'public') ? parts.slice(1) : parts;
  return shown.map((p) => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : quoteIdent(p))).join('.');
}

export const dictionaryIn = (d: TextSearchDictionary) => ({ ...d, template: visibleName(d.template) });

export function configurationIn(c: TextSearchConfiguration): TextSearchConfiguration {
  return { ...c, parser: visibleName(c.parser), mappings: Object.fromEntries(Object.entries(c.mappings).map(([token, dicts]) => [token.toLowerCase(), dicts.map(visibleName)])) };
}

/**
 * Dictionary options as pg_ts_dict.dictinitoption keeps them: `name = 'value'`
 * pairs, comma separated, names quoted only when needed, values always
 * quoted (E'' when they hold a backslash).
 */
export function parseDictionaryOptions(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  const pair = /\s*(?:"((?:[^"]|"")*)"|([^\s=,]+))\s*=\s*(E?)'((?:[^']|'')*)'\s*(?:,|$)/gy;
  for (let m = pair.exec(text); m && m[0] !== ''; m = pair.exec(text)) {
    const name = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!;
    const raw = m[4]!.replace(/''/g, "'");
    out[name] = m[3] ? raw.replace(/\\(.)/g, '$1') : raw;
  }
  return out;
}
