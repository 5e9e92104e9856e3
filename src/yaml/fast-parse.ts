import * as jsyaml from 'js-yaml';

// js-yaml reads `-0` as 0; `yaml` (and YAML 1.2) as negative zero. Its
// built-in types are exported but missing from @types/js-yaml.
const { int } = (jsyaml as unknown as { types: { int: jsyaml.Type } }).types;
const CORE = jsyaml.CORE_SCHEMA.extend({
  implicit: [new jsyaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (data: string) => int.resolve(data),
    construct: (data: string) => (/^-0+$/.test(data) ? -0 : int.construct(data)),
    ...(int.predicate && { predicate: int.predicate }),
    ...(int.represent && { represent: int.represent }),
    ...(int.defaultStyle && { defaultStyle: int.defaultStyle }),
  })],
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
