import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * A schema file's content as plain data, or undefined if anything about it
 * would need an error message.
 *
 * Why two parsers: `yaml` keeps a full syntax tree with source positions,
 * which is what lets every problem be reported as file:line:col, but it
 * reads only a few MB/s and holds ~70 bytes of tree per input byte. js-yaml
 * builds plain objects directly, about eight times faster and without the
 * tree. Valid files (the common case, and every large one) take this path;
 * whoever gets undefined, or finds a problem in the data, parses the text
 * again with `yaml` to say where. Both read the YAML 1.2 core schema, and
 * both reject duplicate keys, so they agree on every document this accepts.
 */
export function parseSchemaTextFast(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
