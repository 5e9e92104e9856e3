import { performance } from 'node:perf_hooks';

/**
 * SCHEMAFORM_PROFILE=1: where a command's time goes. Each span is recorded
 * with its start (milliseconds since Node started the process, so module
 * loading shows) and its duration; when the process exits they are printed
 * to stderr in start order, indented by nesting. Spans may overlap (the
 * catalog is read while the file is parsed): the table shows that too.
 * Costs nothing when the variable is unset.
 */
const enabled = Boolean(process.env.SCHEMAFORM_PROFILE);

interface Span { name: string; start: number; end?: number; depth: number }

const spans: Span[] = [];
let open = 0;

/** The time `work` takes, as a span named `name`. */
export function profiled<T>(name: string, work: () => T): T {
  if (!enabled) return work();
  const span: Span = { name, start: performance.now(), depth: open++ };
  spans.push(span);
  const done = () => {
    span.end = performance.now();
    open--;
  };
  let result: T;
  try {
    result = work();
  } catch (e) {
    done();
    throw e;
  }
  if (result instanceof Promise) {
    // Asynchronous work overlaps what follows it: it does not nest what starts meanwhile.
    open--;
    return result.finally(() => {
      span.end = performance.now();
    }) as T;
  }
  done();
  return result;
}

/** A moment worth marking (e.g. "CLI loaded"), shown as a span of no length. */
export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  spans.push({ name, start: now, end: now, depth: open });
}

export function profileReport(): string {
  const total = performance.now();
  const lines = [...spans].sort((a, b) => a.start - b.start).map((s) => {
    const length = s.end === undefined ? 'unfinished' : s.end === s.start ? '' : `${(s.end - s.start).toFixed(0).padStart(6)} ms`;
    return `${s.start.toFixed(0).padStart(6)} ms  ${length.padEnd(10)}  ${'  '.repeat(s.depth)}${s.name}`;
  });
  return ['schemaform profile (start since process start, length, phase):', ...lines, `${total.toFixed(0).padStart(6)} ms  exit`, ''].join('\n');
}

if (enabled) process.on('exit', () => process.stderr.write(profileReport()));
