/**
 * A stable topological sort: every edge's `before` comes first, and where
 * the edges leave a choice, the lower input position goes first (Kahn's
 * algorithm over a min-heap). Equal inputs always give equal orders.
 */
export interface Edge {
  before: number;
  after: number;
  rule: string;
}

export type SortResult = { ok: true; order: number[] } | { ok: false; cycle: Edge[] };

export function stableTopologicalSort(size: number, edges: readonly Edge[]): SortResult {
  const outgoing: Edge[][] = Array.from({ length: size }, () => []);
  const waiting = new Array<number>(size).fill(0);
  for (const e of edges) {
    if (e.before === e.after) continue;
    outgoing[e.before]!.push(e);
    waiting[e.after]!++;
  }
  const ready = new MinHeap();
  for (let i = 0; i < size; i++) if (waiting[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.size > 0) {
    const next = ready.pop();
    order.push(next);
    for (const e of outgoing[next]!) if (--waiting[e.after]! === 0) ready.push(e.after);
  }
  if (order.length === size) return { ok: true, order };
  return { ok: false, cycle: findCycle(outgoing, waiting) };
}

/**
 * One cycle among the vertices the sort could not place, as the edges that
 * close it. Each such vertex still waits on another unplaced one, so walking
 * back along those edges must come round to a vertex already seen.
 */
function findCycle(outgoing: Edge[][], waiting: number[]): Edge[] {
  const incoming = new Map<number, Edge>();
  for (const list of outgoing) for (const e of list) if (waiting[e.before]! > 0 && waiting[e.after]! > 0 && !incoming.has(e.after)) incoming.set(e.after, e);
  const path: Edge[] = [];
  const seenAt = new Map<number, number>();
  let v = waiting.findIndex((w) => w > 0);
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length);
    const edge = incoming.get(v)!;
    path.push(edge);
    v = edge.before;
  }
  return path.slice(seenAt.get(v)).reverse();
}

class MinHeap {
  private items: number[] = [];
  get size() { return this.items.length; }

  push(x: number) {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= x) break;
      a[i] = a[parent]!;
      a[parent] = x;
      i = parent;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
