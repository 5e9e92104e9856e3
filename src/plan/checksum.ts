import { sha256, stableStringify } from '../model/canonical.js';
import type { Plan } from './types.js';

/** Over everything but the checksum itself, in a key order that cannot vary. */
export function planChecksum(plan: Omit<Plan, 'checksum'> | Plan): string {
  const { checksum: _ignored, ...content } = plan as Plan;
  return sha256(stableStringify(content));
}
