/**
 * The single place where identifiers and literals become SQL text.
 *
 * Identifiers are always double-quoted: it costs some readability but makes
 * reserved words, mixed case, spaces and unicode round-trip without a keyword
 * table that would drift from the server's.
 */

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty identifier');
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualify(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * DDL cannot take bind parameters, so comments and enum labels must be
 * inlined. The executor pins standard_conforming_strings on, so doubling
 * single quotes is the complete escape.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('string literal contains a NUL byte');
  return `'${value.replaceAll("'", "''")}'`;
}

export function identifierBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/** Cut to at most `maxBytes` without splitting a UTF-8 sequence, as the server would. */
export function truncateIdentifier(name: string, maxBytes = MAX_IDENTIFIER_BYTES): string {
  if (identifierBytes(name) <= maxBytes) return name;
  let out = '';
  for (const ch of name) {
    if (identifierBytes(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}

export function quoteList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}
