import type { Change } from './changes.js';
import { diffByKey } from './by-key.js';
import { deepEqual as same } from '../model/canonical.js';
import type { Schema } from '../model/types.js';

/**
 * Text search dictionaries and configurations: options, mappings and
 * comments change in place; another template or parser cannot, so the
 * object is dropped and created again.
 */
export function diffTextSearch(from: Schema, to: Schema): Change[] {
  const schema = to.name;
  return [
    ...diffByKey(from.textSearchDictionaries ?? [], to.textSearchDictionaries ?? [], {
      create: (dictionary) => ({ kind: 'create-ts-dictionary', schema, dictionary }),
      drop: (dictionary, rebuild) => ({ kind: 'drop-ts-dictionary', schema, dictionary, ...(rebuild && { rebuild }) }),
      rebuilds: (previous, next) => previous.template !== next.template,
      alter: (previous, next) => (same(previous, next) ? undefined : { kind: 'alter-ts-dictionary', schema, from: previous, to: next }),
    }),
    ...diffByKey(from.textSearchConfigurations ?? [], to.textSearchConfigurations ?? [], {
      create: (configuration) => ({ kind: 'create-ts-configuration', schema, configuration }),
      drop: (configuration, rebuild) => ({ kind: 'drop-ts-configuration', schema, configuration, ...(rebuild && { rebuild }) }),
      rebuilds: (previous, next) => previous.parser !== next.parser,
      alter: (previous, next) => (same(previous, next) ? undefined : { kind: 'alter-ts-configuration', schema, from: previous, to: next }),
    }),
  ];
}
