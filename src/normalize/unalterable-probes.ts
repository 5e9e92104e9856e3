import type { Aggregate, Model, RangeType } from '../model/types.js';
import { deepEqual, routineKey } from '../model/canonical.js';

/**
 * Range types and aggregates cannot be altered, so one spelled differently
 * from the live one would be rebuilt on every plan: those are built under
 * a probe name (probe.ts) and PostgreSQL's spelling adopted. An aggregate
 * is matched by its argument list, so one without a live match is probed
 * too (its arguments may be spelled `int` where the catalog says integer).
 */
export function unalterableProbes(desired: Model, live: Model) {
  const key = (schema: string, name: string) => `${schema}\u0000${name}`;
  const liveRanges = new Map<string, RangeType>();
  const liveAggregates = new Map<string, Aggregate>();
  for (const s of live.schemas) {
    for (const r of s.ranges ?? []) liveRanges.set(key(s.name, r.name), r);
    for (const a of s.aggregates ?? []) liveAggregates.set(key(s.name, routineKey(a)), a);
  }
  const rangeProbes: Array<{ schema: string; range: RangeType }> = [];
  const aggregateProbes: Array<{ schema: string; aggregate: Aggregate }> = [];
  for (const s of desired.schemas) {
    for (const r of s.ranges ?? []) {
      const current = liveRanges.get(key(s.name, r.name));
      if (current && !deepEqual(rangeDefinition(current), rangeDefinition(r))) rangeProbes.push({ schema: s.name, range: r });
    }
    for (const a of s.aggregates ?? []) {
      const current = liveAggregates.get(key(s.name, routineKey(a)));
      if (!current || !deepEqual({ ...current, comment: undefined }, { ...a, comment: undefined })) aggregateProbes.push({ schema: s.name, aggregate: a });
    }
  }
  return { rangeProbes, aggregateProbes };
}

/** What of a range type is spelled by PostgreSQL (its name, multirange name, comment and privileges are the file's). */
const rangeDefinition = (r: RangeType) => ({ ...r, name: undefined, multirange: undefined, comment: undefined, grants: undefined });

export function adoptRange(original: RangeType, probed: RangeType): RangeType {
  const { multirange, comment, grants } = original;
  return { ...probed, name: original.name, ...(multirange !== undefined && { multirange }), ...(comment !== undefined && { comment }), ...(grants !== undefined && { grants }) };
}

export function adoptAggregate(original: Aggregate, probed: Aggregate): Aggregate {
  return { ...probed, name: original.name, ...(original.comment !== undefined && { comment: original.comment }) };
}
