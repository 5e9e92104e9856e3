import type { Change } from './changes.js';
import { deepEqual as same } from '../model/canonical.js';
import type { Schema } from '../model/types.js';

/**
 * Text search dictionaries and configurations: options, mappings and
 * comments change in place; another template or parser cannot, so the
 * object is dropped and created again.
 */
export function diffTextSearch(from: Schema, to: Schema): Change[] {
  const schema = to.name;
  const changes: Change[] = [];
  const dictionaries = new Map((from.textSearchDictionaries ?? []).map((d) => [d.name, d]));
  for (const d of to.textSearchDictionaries ?? []) {
    const previous = dictionaries.get(d.name);
    if (!previous) changes.push({ kind: 'create-ts-dictionary', schema, dictionary: d });
    else if (previous.template !== d.template) {
      changes.push({ kind: 'drop-ts-dictionary', schema, dictionary: previous, rebuild: true }, { kind: 'create-ts-dictionary', schema, dictionary: d });
    } else if (!same(previous, d)) changes.push({ kind: 'alter-ts-dictionary', schema, from: previous, to: d });
  }
  const configurations = new Map((from.textSearchConfigurations ?? []).map((c) => [c.name, c]));
  for (const c of to.textSearchConfigurations ?? []) {
    const previous = configurations.get(c.name);
    if (!previous) changes.push({ kind: 'create-ts-configuration', schema, configuration: c });
    else if (previous.parser !== c.parser) {
      changes.push({ kind: 'drop-ts-configuration', schema, configuration: previous, rebuild: true }, { kind: 'create-ts-configuration', schema, configuration: c });
    } else if (!same(previous, c)) changes.push({ kind: 'alter-ts-configuration', schema, from: previous, to: c });
  }
  const wanted = (list: Array<{ name: string }> | undefined) => new Set((list ?? []).map((o) => o.name));
  const keptConfigurations = wanted(to.textSearchConfigurations);
  for (const c of from.textSearchConfigurations ?? []) if (!keptConfigurations.has(c.name)) changes.push({ kind: 'drop-ts-configuration', schema, configuration: c });
  const keptDictionaries = wanted(to.textSearchDictionaries);
  for (const d of from.textSearchDictionaries ?? []) if (!keptDictionaries.has(d.name)) changes.push({ kind: 'drop-ts-dictionary', schema, dictionary: d });
  return changes;
}
