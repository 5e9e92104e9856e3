import type { RangeType } from './types.js';

/**
 * The multirange type PostgreSQL (14+) makes with a range: the first
 * "range" in the name becomes "multirange", else "_multirange" is appended.
 */
export function multirangeOf(r: Pick<RangeType, 'name' | 'multirange'>): string {
  if (r.multirange !== undefined) return r.multirange;
  const at = r.name.indexOf('range');
  return at < 0 ? `${r.name}_multirange` : `${r.name.slice(0, at)}multi${r.name.slice(at)}`;
}
