import type { Grant, RangeType } from '../model/types.js';

/** A range type as the schema file writes it (see schemas/schema.json, `ranges`); grants are read as every type's. */
export type RawRange = Omit<RangeType, 'name' | 'grants'>;

/**
 * Functions are kept as regproc prints them with search_path = public: a
 * built-in one unqualified. Other spellings ("public.f") are given
 * PostgreSQL's by the probe when the type exists (normalize/probe.ts).
 */
const builtIn = (f: string | undefined) => f?.replace(/^pg_catalog\./, '');

export function toRange(name: string, raw: RawRange, typeName: (t: string) => string, grants: { grants?: Grant[] }): RangeType {
  const canonical = builtIn(raw.canonical);
  const subtypeDiff = builtIn(raw.subtypeDiff);
  return {
    name, subtype: typeName(raw.subtype),
    ...(raw.subtypeOpclass !== undefined && { subtypeOpclass: raw.subtypeOpclass }),
    ...(raw.collation !== undefined && { collation: raw.collation }),
    ...(canonical !== undefined && { canonical }),
    ...(subtypeDiff !== undefined && { subtypeDiff }),
    ...(raw.multirange !== undefined && { multirange: raw.multirange }),
    ...(raw.comment !== undefined && { comment: raw.comment }),
    ...grants,
  };
}

/** The file's fields of a range type; grants are written by the caller, as for every type. */
export function rangeToRaw(r: RangeType): RawRange {
  const { name: _name, grants: _grants, ...fields } = r;
  return fields;
}
