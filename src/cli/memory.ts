import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection, now. V8 lets the heap grow to several times what
 * is live before it collects, and a command's phases are where most of what
 * the last one built (the file's parse, the catalog's rows, the plan's JSON)
 * has just become garbage: collecting at those few points keeps the peak near
 * what is live (the 5,000-table benchmark's plan: ~250 -> under 200 MiB) for
 * a few tens of milliseconds. Never per step or per object.
 */
export function collectGarbage(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}
