import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * The heap in use below which a collection at a phase boundary does not pay
 * for itself. A full collection costs 10-60 ms and traces everything live;
 * on a small heap it frees too little to lower the process's peak, whose
 * resident memory is then mostly code and WebAssembly (measured: eight
 * collections of a 1,000-table plan took 100 ms of 0.9 s, on a heap that
 * never passed 40 MiB; a 5,000-table plan's heap is 60-100 MiB between
 * phases, where collecting keeps its peak ~20 MiB lower).
 */
export const COLLECT_ABOVE = 64 * 2 ** 20;

/**
 * A full garbage collection, now, if the heap is large enough for it to
 * matter. V8 lets the heap grow to several times what is live before it
 * collects, and a command's phases are where most of what the last one
 * built (the file's parse, the catalog's rows, the plan's JSON) has just
 * become garbage: collecting at those few points keeps a large schema's
 * peak near what is live. Never per step or per object.
 */
export function collectGarbage(): void {
  if (getHeapStatistics().used_heap_size < COLLECT_ABOVE) return;
  collector()();
}

function collector(): () => void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  return collect;
}
