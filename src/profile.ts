import { performance } from 'node:perf_hooks';

/**
 * SCHEMAFORM_PROFILE=1: where a command's time and memory go. Each span is
 * recorded with its start (milliseconds since Node started the process, so
 * module loading shows), its duration and the process's resident memory
 * when it ended; when the process exits they are printed to stderr in start
 * order, indented by nesting, with the peak resident memory. Spans may
 * overlap (the catalog is read while the file is parsed): the table shows
 * that too. Costs nothing when the variable is unset.
 */
const enabled = Boolean(process.env.SCHEMAFORM_PROFILE);

interface Span { name: string; start: number; end?: number; depth: number; rss?: number }

const spans: Span[] = [];
let open = 0;

/** The time `work` takes, as a span named `name`. */
export function profiled<T>(name: string, work: () => T): T {
  if (!enabled) return work();
  const span: Span = { name, start: performance.now(), depth: open++ };
  spans.push(span);
  const done = () => {
    finish(span);
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
    return result.finally(() => finish(span)) as T;
  }
  done();
  return result;
}

function finish(span: Span) {
  span.end = performance.now();
  span.rss = process.memoryUsage.rss();
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A moment worth marking (e.g. "CLI loaded"), shown as a span of no length. */
export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  spans.push({ name, start: now, end: now, depth: open, rss: process.memoryUsage.rss() });
}

export function profileReport(): string {
  const total = performance.now();
  const lines = [...spans].sort((a, b) => a.start - b.start).map((s) => {
    const length = s.end === undefined ? 'unfinished' : s.end === s.start ? '' : `${(s.end - s.start).toFixed(0).padStart(6)} ms`;
    const rss = s.rss === undefined ? '' : mib(s.rss);
    return `${s.start.toFixed(0).padStart(6)} ms  ${length.padEnd(10)}  ${rss.padStart(8)}  ${'  '.repeat(s.depth)}${s.name}`;
  });
  // maxRSS is in kilobytes.
  const peak = `peak ${mib(process.resourceUsage().maxRSS * 1024)}`;
  return ['schemaform profile (start since process start, length, resident memory at its end, phase):', ...lines, `${total.toFixed(0).padStart(6)} ms  ${''.padEnd(10)}  ${peak}  exit`, ''].join('\n');
}

if (enabled) process.on('exit', () => process.stderr.write(profileReport()));
