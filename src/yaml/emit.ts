import { Document } from 'yaml';

/**
 * Plain data (maps, lists, strings, numbers, booleans, null) as YAML text,
 * in the layout of a schema file: block style for structure, flow style for
 * leaves (see `isFlow`). It writes what the `yaml` package writes for the
 * same document, but without building its syntax tree, which for a large
 * schema is most of an inspect's time and memory. Any string it cannot
 * prove safe to write plainly or in simple double quotes (multi-line text,
 * non-ASCII, lookalikes of document markers) is written by `yaml` itself.
 */
export function emitYaml(doc: Record<string, unknown>): string {
  const pieces: string[] = [];
  emitYamlPieces(doc, (piece) => pieces.push(piece));
  return pieces.join('');
}

/**
 * The same text handed to `write` a few thousand lines at a time, so that a
 * large schema never exists as one string. Values are read once, in order,
 * when their turn comes: a map may compute them in getters (see
 * `lazyEntries`) so that only the part being written is ever built.
 */
export function emitYamlPieces(doc: Record<string, unknown>, write: (piece: string) => void): void {
  const out: Lines = { lines: [], write };
  blockMap(doc, '', undefined, out);
  if (out.lines.length || !out.wrote) flush(out);
}

/** A map whose values are made by `valueOf` only when read, for `emitYamlPieces`. */
export function lazyEntries<T>(items: readonly T[], keyOf: (item: T) => string, valueOf: (item: T) => unknown): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const item of items) Object.defineProperty(map, keyOf(item), { enumerable: true, get: () => valueOf(item) });
  return map;
}

interface Lines { lines: string[]; write: (piece: string) => void; wrote?: boolean }

const FLUSH_LINES = 4096;

function flush(out: Lines) {
  out.write(out.lines.join('\n') + '\n');
  out.lines = [];
  out.wrote = true;
}

type Data = string | number | boolean | null | Data[] | { [key: string]: Data };

/**
 * Which nodes are written in flow style, by the key they stand under:
 * lists of scalars anywhere; each column (and collation) on one line;
 * foreign-key targets and sequence owners; index keys and grants.
 */
function isFlow(value: unknown, key: string | undefined, parentKey: string | undefined): boolean {
  if (Array.isArray(value)) return value.every((v) => v === null || typeof v !== 'object');
  if (!isMap(value)) return false;
  return (parentKey === 'columns' || parentKey === 'collations') || key === 'references' || key === 'ownedBy';
}
const flowItems = (key: string | undefined) => key === 'keys' || key === 'grants';

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function blockMap(map: Record<string, unknown>, indent: string, parentKey: string | undefined, out: Lines, firstPrefix?: string) {
  let first = true;
  for (const key of Object.keys(map)) {
    if (out.lines.length >= FLUSH_LINES) flush(out);
    const value = map[key];
    if (value === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    // A key is one line, whatever it holds.
    const k = simpleText(key) ? scalar(key, false) : JSON.stringify(key);
    if (typeof value === 'string' && value.includes('\n')) {
      // Block scalars: indentation indicators and chomping are yaml's to decide.
      const text = new Document({ [key]: value }).toString({ lineWidth: 0 }).replace(/\n$/, '');
      out.lines.push(text.split('\n').map((line, i) => (i === 0 ? lead : line === '' ? '' : indent) + line).join('\n'));
    } else if (value === null || typeof value !== 'object') {
      out.lines.push(`${lead}${k}: ${scalar(value as Data, false)}`);
    } else if (isFlow(value, key, parentKey) || (isMap(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0)) {
      out.lines.push(`${lead}${k}: ${flow(value as Data)}`);
    } else if (Array.isArray(value)) {
      out.lines.push(`${lead}${k}:`);
      blockSeq(value, indent + '  ', key, out);
    } else {
      out.lines.push(`${lead}${k}:`);
      blockMap(value as Record<string, unknown>, indent + '  ', key, out);
    }
  }
}

function blockSeq(items: unknown[], indent: string, key: string | undefined, out: Lines) {
  for (const item of items) {
    if (isMap(item) && !flowItems(key) && Object.keys(item).length > 0) {
      blockMap(item, indent + '  ', undefined, out, `${indent}- `);
    } else if (Array.isArray(item) && !item.every((v) => v === null || typeof v !== 'object')) {
      // Not in schema files: a list of collections, as an entry of its own below its dash.
      out.lines.push(`${indent}-`);
      blockSeq(item, indent + '  ', undefined, out);
    } else {
      out.lines.push(`${indent}- ${isMap(item) || Array.isArray(item) ? flow(item as Data) : scalar(item as Data, false)}`);
    }
  }
}

function flow(value: Data): string {
  if (Array.isArray(value)) return value.length ? `[ ${value.map(flow).join(', ')} ]` : '[]';
  if (isMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${simpleText(k) ? scalar(k, true) : JSON.stringify(k)}: ${flow(v)}`).join(', ')} }` : '{}';
  }
  return scalar(value, true);
}

// The YAML 1.2 core schema's other scalar types, as `yaml` tests plain text for them.
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/, /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/, /^[-+]?[0-9]+$/, /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
// Where `yaml` would not write text plainly (from its plainString).
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/** One line of printable text that is not a document marker: plain or in simple quotes, as `yaml` writes it. */
function simpleText(text: string): boolean {
  return !/[\x00-\x1f\x7f-\x9f\u{D800}-\u{DFFF}\u2028\u2029\ufeff]/u.test(text) && !/^(?:---|\.\.\.)/.test(text);
}

function scalar(value: Data, inFlow: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : byYaml(value);
  if (typeof value !== 'string') return byYaml(value);
  if (!simpleText(value)) return inFlow ? JSON.stringify(value) : byYaml(value);
  const plain = value !== '' && !(inFlow && /[[\]{},]/.test(value)) && !NOT_PLAIN.test(value) && !NOT_A_STRING.some((t) => t.test(value));
  if (plain) return value;
  // yaml's double quotes escape what JSON does in such text; it takes single quotes for text with only double ones.
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/** Numbers JSON cannot spell, and multi-line or control-character text outside flow collections. */
function byYaml(value: Data): string {
  const text = new Document(value).toString({ lineWidth: 0 }).replace(/\n$/, '');
  // Multi-line text in a list item: one line, in double quotes.
  return text.includes('\n') ? JSON.stringify(value) : text;
}
