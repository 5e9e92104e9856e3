import { parseDocument } from 'yaml';

/** A piece of a schema file as plain data, or undefined if it does not parse cleanly on its own. */
export function parseChunk(text: string): Record<string, unknown> | undefined {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length || doc.warnings.length) return undefined;
  const value = doc.toJS();
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
