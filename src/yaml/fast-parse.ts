import * as jsyaml from 'js-yaml';
import { exactInteger, notFinite } from './exact-numbers.js';

// js-yaml's built-in types are exported but missing from @types/js-yaml.
const { int, float } = (jsyaml as unknown as { types: { int: jsyaml.Type; float: jsyaml.Type } }).types;
const inherited = (type: jsyaml.Type) => ({
  kind: 'scalar' as const,
  resolve: (data: string) => type.resolve(data),
  ...(type.predicate && { predicate: type.predicate }),
  ...(type.represent && { represent: type.represent }),
  ...(type.defaultStyle && { defaultStyle: type.defaultStyle }),
});
// Exactly YAML 1.2's core schema, as `yaml` reads it: js-yaml 4 also takes
// `0b1`, `-0x1F`, `+0o7` and `1_000` for numbers, and `1e5` only as `1.0e5`,
// so a plain scalar could be a number on this path and text on the precise
// one. Integers exactly (and `-0` as negative zero); a float that is not
// finite fails here, and the precise parser says where.
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
function finite(value: number, text: string): number {
  if (!Number.isFinite(value)) throw new Error(notFinite(text));
  return value;
}
const CORE = jsyaml.CORE_SCHEMA.extend({
  implicit: [
    // A later type of the same tag replaces an earlier one.
    new jsyaml.Type('tag:yaml.org,2002:int', {
      ...inherited(int),
      resolve: (data: string) => INT.test(data),
      construct: (data: string) => (/^[-+]?[0-9]+$/.test(data) ? exactInteger(data) : (int.construct(data) as number)),
    }),
    new jsyaml.Type('tag:yaml.org,2002:float', {
      ...inherited(float),
      resolve: (data: string) => FLOAT.test(data),
      construct: (data: string) => finite(parseFloat(data), data),
    }),
  ],
});

/**
 * A schema file's content as plain data, or undefined if anything about it
 * would need an error message.
 *
 * Why two parsers: `yaml` keeps a full syntax tree with source positions,
 * which is what lets every problem be reported as file:line:col, but it
 * reads only a few MB/s and holds ~70 bytes of tree per input byte. js-yaml
 * (4: version 5 builds an event list first and needs ~70 MB more for a
 * 5.6 MB file) builds plain objects directly, many times faster and without
 * the tree. Valid files (the common case, and every large one) take this path;
 * whoever gets undefined, or finds a problem in the data, parses the text
 * again with `yaml` to say where. Both read the YAML 1.2 core schema, and
 * both reject duplicate keys, so they agree on every document this accepts.
 */
export function parseSchemaTextFast(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: CORE });
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
