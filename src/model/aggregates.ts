import type { Aggregate } from './types.js';
import { visibleName } from './text-search.js';

/** PostgreSQL's FINALFUNC_MODIFY when none is given. */
export const defaultModify = (kind: Aggregate['kind']) => (kind === 'normal' ? 'read_only' : 'read_write');

/** One spelling of the support functions on both sides (see visibleName). */
export function aggregateIn(a: Aggregate): Aggregate {
  const out: Aggregate = { ...a, stateFunction: visibleName(a.stateFunction) };
  for (const k of ['finalFunction', 'combineFunction', 'serialFunction', 'deserialFunction'] as const) {
    const f = a[k];
    if (f !== undefined) out[k] = visibleName(f);
  }
  if (a.finalFunctionModify === defaultModify(a.kind)) delete out.finalFunctionModify;
  if (a.moving) {
    const m = { ...a.moving, stateFunction: visibleName(a.moving.stateFunction), inverseFunction: visibleName(a.moving.inverseFunction) };
    if (m.finalFunction !== undefined) m.finalFunction = visibleName(m.finalFunction);
    if (m.finalFunctionModify === 'read_only') delete m.finalFunctionModify;
    out.moving = m;
  }
  return out;
}
