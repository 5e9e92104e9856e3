import { jsonChunks } from '../json-file.js';
import { sha256Of, stableSha256 } from '../model/canonical.js';
import type { Model } from '../model/types.js';
import type { Plan } from './types.js';

/**
 * Over everything but the checksum itself, in a key order that cannot vary.
 * The desired model, the largest part, is covered by its own checksum, which
 * planIntact checks against the model, so it is serialised once, not twice.
 */
export function planChecksum(plan: Omit<Plan, 'checksum'> | Plan): string {
  const { checksum: _ignored, desired, ...rest } = plan as Plan;
  return stableSha256({ ...rest, desired: { checksum: desired.checksum } });
}

/**
 * The model exactly as the plan file holds it. JSON.parse keeps key order
 * and JSON.stringify follows it, so a model read back from the file
 * serialises to the same text unless someone edited it; the native
 * serialiser (a table at a time) is several times cheaper than the
 * key-sorting one.
 */
export function modelChecksum(model: Model): string {
  return sha256Of((emit) => {
    for (const piece of compactJsonPieces(model)) emit(piece);
  });
}

/** A model's `JSON.stringify` text a table at a time (model → schemas → schema → tables → table), as plan files hold it. */
export function compactJsonPieces(value: unknown): Generator<string> {
  return jsonChunks(value, { space: 0, splitDepth: 4 });
}

/** True when nothing in the plan changed since it was written. */
export function planIntact(plan: Plan): boolean {
  return planChecksum(plan) === plan.checksum && modelChecksum(plan.desired.model) === plan.desired.checksum;
}
