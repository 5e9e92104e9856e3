import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseChunk } from './parse-chunk.js';
import { splitTables } from './split-tables.js';

/** Below this the files are parsed whole: splitting and workers would cost more than they save. */
const FAST_PATH_THRESHOLD_BYTES = 256 * 1024;

/**
 * Each file's content as plain data, parsed in pieces on worker threads, or
 * undefined when the input is small or anything about it is unusual. The
 * result is only trusted for valid files: whoever gets undefined, or finds a
 * problem in the data, parses the whole documents to report positions.
 */
export async function parseSchemaTextsFast(texts: string[]): Promise<Array<Record<string, unknown>> | undefined> {
  if (texts.reduce((n, t) => n + t.length, 0) < FAST_PATH_THRESHOLD_BYTES) return undefined;
  const seed = randomBytes(6).toString('hex');
  // Per file: the skeleton first, then its table chunks, all parsed together.
  const plans = texts.map((text, f) => splitTables(text, `${seed}_${f}`) ?? { skeleton: text, groups: new Map<string, string[]>() });
  const pieces = plans.flatMap((p) => [p.skeleton, ...[...p.groups.values()].flat()]);
  const parsed = await parseInWorkers(pieces);
  if (parsed.some((p) => p === undefined)) return undefined;

  let next = 0;
  const out: Array<Record<string, unknown>> = [];
  for (const plan of plans) {
    const skeleton = parsed[next++]!;
    const tablesByPlaceholder = new Map<string, Record<string, unknown>>();
    for (const [placeholder, chunks] of plan.groups) {
      const tables: Record<string, unknown> = {};
      for (let c = 0; c < chunks.length; c++) {
        for (const [name, value] of Object.entries(parsed[next++]!)) {
          if (name in tables) return undefined; // a duplicate key: the full parser reports it properly
          tables[name] = value;
        }
      }
      tablesByPlaceholder.set(placeholder, tables);
    }
    if (!substitute(skeleton, tablesByPlaceholder)) return undefined;
    out.push(skeleton);
  }
  return out;
}

/** Put each group's tables where its placeholder stands; false if one is anywhere unexpected. */
function substitute(doc: Record<string, unknown>, tables: Map<string, Record<string, unknown>>): boolean {
  if (tables.size === 0) return true;
  const schemas = doc.schemas;
  if (!schemas || typeof schemas !== 'object') return false;
  let placed = 0;
  for (const schema of Object.values(schemas as Record<string, unknown>)) {
    if (!schema || typeof schema !== 'object') continue;
    const s = schema as Record<string, unknown>;
    if (typeof s.tables === 'string' && tables.has(s.tables)) {
      s.tables = tables.get(s.tables);
      placed++;
    }
  }
  // A placeholder left anywhere else is a string where the JSON Schema wants
  // a mapping, so validation sends the file to the full parser.
  return placed === tables.size;
}

async function parseInWorkers(chunks: string[]): Promise<Array<Record<string, unknown> | undefined>> {
  const workers = Math.max(1, Math.min(availableParallelism(), 4, chunks.length));
  const share = Math.ceil(chunks.length / workers);
  const parts = await Promise.all(Array.from({ length: workers }, (_, w) => runWorker(chunks.slice(w * share, (w + 1) * share))));
  return parts.flat();
}

function runWorker(chunks: string[]): Promise<Array<Record<string, unknown> | undefined>> {
  if (chunks.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-chunks-worker.js', import.meta.url), { workerData: { chunks } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
