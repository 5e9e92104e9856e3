import type { TextSearchConfiguration, TextSearchDictionary } from '../model/types.js';
import { requoted } from '../graph/references.js';
import { qualify, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { commentOn } from './sql-fragments.js';

/**
 * Text search DDL. Templates, parsers and dictionaries are names the file
 * spells as SQL does ("simple", "public.my_dict", "\"My Dict\""): they are
 * split and every part quoted again, so no text of the file reaches the
 * statement as it was written.
 */
const dictionaryOptions = (options: Record<string, string>) => Object.entries(options).map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`);

export function createDictionary(schema: string, d: TextSearchDictionary): string[] {
  const name = qualify(schema, d.name);
  return [
    `CREATE TEXT SEARCH DICTIONARY ${name} (${[`TEMPLATE = ${requoted(d.template)}`, ...dictionaryOptions(d.options)].join(', ')})`,
    ...(d.comment !== undefined ? [commentOn(`TEXT SEARCH DICTIONARY ${name}`, d.comment)] : []),
  ];
}

/** Options set to their new values; an option no longer wanted is given without a value, which removes it. */
export function alterDictionary(schema: string, from: TextSearchDictionary, to: TextSearchDictionary): string[] {
  const name = qualify(schema, to.name);
  const changed = Object.fromEntries(Object.entries(to.options).filter(([k, v]) => from.options[k] !== v));
  const removed = Object.keys(from.options).filter((k) => !(k in to.options)).map(quoteIdent);
  const options = [...dictionaryOptions(changed), ...removed];
  return [
    ...(options.length ? [`ALTER TEXT SEARCH DICTIONARY ${name} (${options.join(', ')})`] : []),
    ...(from.comment !== to.comment ? [commentOn(`TEXT SEARCH DICTIONARY ${name}`, to.comment)] : []),
  ];
}

export const dropDictionary = (schema: string, d: TextSearchDictionary) => [`DROP TEXT SEARCH DICTIONARY ${qualify(schema, d.name)}`];

const mapping = (verb: 'ADD' | 'ALTER', tokens: string[], dictionaries: string[]) =>
  `${verb} MAPPING FOR ${tokens.map(quoteIdent).join(', ')} WITH ${dictionaries.map(requoted).join(', ')}`;

export function createConfiguration(schema: string, c: TextSearchConfiguration): string[] {
  const name = qualify(schema, c.name);
  return [
    `CREATE TEXT SEARCH CONFIGURATION ${name} (PARSER = ${requoted(c.parser)})`,
    ...Object.entries(c.mappings).map(([token, dicts]) => `ALTER TEXT SEARCH CONFIGURATION ${name} ${mapping('ADD', [token], dicts)}`),
    ...(c.comment !== undefined ? [commentOn(`TEXT SEARCH CONFIGURATION ${name}`, c.comment)] : []),
  ];
}

export function alterConfiguration(schema: string, from: TextSearchConfiguration, to: TextSearchConfiguration): string[] {
  const name = qualify(schema, to.name);
  const alter = (clause: string) => `ALTER TEXT SEARCH CONFIGURATION ${name} ${clause}`;
  const dropped = Object.keys(from.mappings).filter((t) => !(t in to.mappings));
  return [
    ...(dropped.length ? [alter(`DROP MAPPING FOR ${dropped.map(quoteIdent).join(', ')}`)] : []),
    ...Object.entries(to.mappings).flatMap(([token, dicts]) => {
      const before = from.mappings[token];
      if (!before) return [alter(mapping('ADD', [token], dicts))];
      return before.join('\u0000') === dicts.join('\u0000') ? [] : [alter(mapping('ALTER', [token], dicts))];
    }),
    ...(from.comment !== to.comment ? [commentOn(`TEXT SEARCH CONFIGURATION ${name}`, to.comment)] : []),
  ];
}

export const dropConfiguration = (schema: string, c: TextSearchConfiguration) => [`DROP TEXT SEARCH CONFIGURATION ${qualify(schema, c.name)}`];
