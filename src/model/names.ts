import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from '../sql/quote.js';

/**
 * The name PostgreSQL gives a primary key by default (makeObjectName clips the
 * table name, not the suffix). We always name constraints explicitly, but
 * matching the server's choice keeps inspected YAML short.
 */
export function defaultPrimaryKeyName(table: string): string {
  const suffix = '_pkey';
  return truncateIdentifier(table, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
}

export function qualifiedName(schema: string, name: string): string {
  return `${schema}.${name}`;
}
