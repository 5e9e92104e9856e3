import { fingerprint, sha256, stableStringify } from '../model/canonical.js';
import type { Plan } from './types.js';

/**
 * Over everything but the checksum itself, in a key order that cannot vary.
 * The desired model is covered by its fingerprint, which planIntact checks
 * against the model, so the model is serialised once, not twice.
 */
export function planChecksum(plan: Omit<Plan, 'checksum'> | Plan): string {
  const { checksum: _ignored, desired, ...rest } = plan as Plan;
  return sha256(stableStringify({ ...rest, desired: { fingerprint: desired.fingerprint } }));
}

/** True when nothing in the plan changed since it was written. */
export function planIntact(plan: Plan): boolean {
  return planChecksum(plan) === plan.checksum && fingerprint(plan.desired.model) === plan.desired.fingerprint;
}
