import { randomBytes } from 'node:crypto';
import { parseChunk } from './parse-chunk.js';
import { splitTables } from './split-tables.js';

/** Below this the files are parsed whole: the tree of a small file is small anyway. */
const FAST_PATH_THRESHOLD_BYTES = 128 * 1024;

/**
 * Each file's content as plain data, parsed in pieces so that memory stays
 * bounded, or undefined when the input is small or anything about it is
 * unusual. The
 * result is only trusted for valid files: whoever gets undefined, or finds a
 * problem in the data, parses the whole documents to report positions.
 */
export async function parseSchemaTextsFast(texts: string[]): Promise<Array<Record<string, unknown>> | undefined> {
  if (texts.reduce((n, t) => n + t.length, 0) < FAST_PATH_THRESHOLD_BYTES) return undefined;
  const seed = randomBytes(6).toString('hex');
  // Per file: the skeleton first, then its table chunks, all parsed together.
  const plans = texts.map((text, f) => splitTables(text, `${seed}_${f}`) ?? { skeleton: text, groups: new Map<string, string[]>() });
  const pieces = plans.flatMap((p) => [p.skeleton, ...[...p.groups.values()].flat()]);
  // One piece at a time: each tree is garbage before the next is built, and
  // between pieces the event loop runs, so reading the database proceeds
  // meanwhile. (Worker threads were tried: on two cores the parser's cold
  // start in each worker ate the gain.)
  const parsed: Array<Record<string, unknown> | undefined> = [];
  for (const piece of pieces) {
    parsed.push(parseChunk(piece));
    await new Promise((resolve) => setImmediate(resolve));
  }
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
