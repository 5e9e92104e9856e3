import type { RawDocument } from './to-model.js';

type Flagged = { preventDestroy?: boolean } | string[] | null | undefined;
const flagged = (o: Flagged) => !!o && !Array.isArray(o) && o.preventDestroy === true;

/**
 * The objects the file marks `preventDestroy: true`, as protection keys
 * (see protectionKey): a schema, table, column, view, sequence, enum,
 * domain or function (every overload of its name).
 */
export function collectProtections(doc: RawDocument): string[] {
  const out: string[] = [];
  for (const [schema, raw] of Object.entries(doc.schemas ?? {})) {
    if (flagged(raw as Flagged)) out.push(protectionKey('schema', schema));
    for (const [name, table] of Object.entries(raw?.tables ?? {})) {
      if (flagged(table as Flagged)) out.push(protectionKey('table', schema, name));
      for (const [column, c] of Object.entries(table?.columns ?? {})) if (flagged(c as Flagged)) out.push(protectionKey('column', schema, name, column));
    }
    const kinds = [['view', raw?.views], ['sequence', raw?.sequences], ['enum', raw?.enums], ['domain', raw?.domains]] as const;
    for (const [kind, objects] of kinds) for (const [name, o] of Object.entries(objects ?? {})) if (flagged(o as Flagged)) out.push(protectionKey(kind, schema, name));
    for (const [signature, f] of Object.entries(raw?.functions ?? {})) if (flagged(f as Flagged)) out.push(protectionKey('function', schema, signature.replace(/\s*\(.*$/s, '')));
  }
  return out.sort();
}

export type ProtectedKind = 'schema' | 'table' | 'column' | 'view' | 'sequence' | 'enum' | 'domain' | 'function';

/** `table public.users`, `column public.users.email`: also how a refusal names the object. */
export function protectionKey(kind: ProtectedKind, schema: string, name?: string, column?: string): string {
  return [kind, ' ', schema, name !== undefined ? `.${name}` : '', column !== undefined ? `.${column}` : ''].join('');
}
