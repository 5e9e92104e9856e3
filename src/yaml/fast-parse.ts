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
// Integers exactly (and `-0` as negative zero, as `yaml` and YAML 1.2 read it); a
// float that is not finite fails here, and the precise parser says where.
const EXPONENT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
function finite(value: number, text: string): number {
  if (!Number.isFinite(value)) throw new Error(notFinite(text));
  return value;
}
const CORE = jsyaml.CORE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:int', { ...inherited(int), construct: (data: string) => exactInteger(data.replaceAll('_', '')) }),
    // YAML 1.2 (and `yaml`) read `1e5` as a number, js-yaml 4 only `1.0e5`: one type for both (a later type of the same tag replaces an earlier one).
    new jsyaml.Type('tag:yaml.org,2002:float', {
      ...inherited(float),
      resolve: (data: string) => float.resolve(data) || EXPONENT.test(data),
      construct: (data: string) => finite(EXPONENT.test(data) ? parseFloat(data) : (float.construct(data) as number), data),
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
