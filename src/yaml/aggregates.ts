import type { Aggregate } from '../model/types.js';
import { aggregateIn } from '../model/aggregates.js';
import { splitSignature, withoutDefaultArgumentModes } from '../model/canonical.js';

/** An aggregate as the schema file writes it, keyed by "name(arguments)" (schemas/schema.json: aggregates). */
export type RawAggregate = Omit<Aggregate, 'name' | 'arguments' | 'kind' | 'parallel'> & { kind?: Aggregate['kind']; parallel?: Aggregate['parallel'] };

export function toAggregate(signature: string, raw: RawAggregate, typeName: (t: string) => string): Aggregate {
  const written = splitSignature(signature);
  const { moving, ...rest } = raw;
  return aggregateIn({
    ...rest,
    name: written.name,
    arguments: withoutDefaultArgumentModes(written.arguments),
    kind: raw.kind ?? 'normal',
    stateType: typeName(raw.stateType),
    ...(moving && { moving: { ...moving, stateType: typeName(moving.stateType) } }),
    parallel: raw.parallel ?? 'unsafe',
  });
}

export function aggregateToRaw(a: Aggregate): [string, RawAggregate] {
  const { name, arguments: args, kind, parallel, ...rest } = a;
  return [`${name}(${args})`, { ...(kind !== 'normal' && { kind }), ...rest, ...(parallel !== 'unsafe' && { parallel }) }];
}
