import type { TextSearchConfiguration, TextSearchDictionary } from '../model/types.js';
import { configurationIn, dictionaryIn } from '../model/text-search.js';

/** As the schema file writes them (schemas/schema.json: textSearchDictionaries, textSearchConfigurations). */
export interface RawTextSearchDictionary { template: string; options?: Record<string, string | number | boolean>; comment?: string }
export interface RawTextSearchConfiguration { parser?: string; mappings: Record<string, string[]>; comment?: string }

export function toDictionary(name: string, raw: RawTextSearchDictionary): TextSearchDictionary {
  return dictionaryIn({
    name, template: raw.template,
    // PostgreSQL folds option names to lower case and keeps every value as text.
    options: Object.fromEntries(Object.entries(raw.options ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    ...(raw.comment !== undefined && { comment: raw.comment }),
  });
}

export function toConfiguration(name: string, raw: RawTextSearchConfiguration): TextSearchConfiguration {
  return configurationIn({ name, parser: raw.parser ?? 'default', mappings: raw.mappings, ...(raw.comment !== undefined && { comment: raw.comment }) });
}

export function dictionaryToRaw(d: TextSearchDictionary): RawTextSearchDictionary {
  return { template: d.template, ...(Object.keys(d.options).length > 0 && { options: d.options }), ...(d.comment !== undefined && { comment: d.comment }) };
}

export function configurationToRaw(c: TextSearchConfiguration): RawTextSearchConfiguration {
  return { ...(c.parser !== 'default' && { parser: c.parser }), mappings: c.mappings, ...(c.comment !== undefined && { comment: c.comment }) };
}
