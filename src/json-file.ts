import { open } from 'node:fs/promises';

/**
 * Write `value` as `JSON.stringify(value, null, 2)` would, followed by a
 * newline, without ever holding the whole text: a snapshot of thousands of
 * tables is tens of megabytes pretty-printed, and as one string it would be
 * the largest thing an apply holds.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const file = await open(path, 'w');
  try {
    let pending = '';
    for (const chunk of prettyJsonChunks(value)) {
      pending += chunk;
      if (pending.length >= 1 << 16) {
        await file.write(pending);
        pending = '';
      }
    }
    await file.write(pending + '\n');
  } finally {
    await file.close();
  }
}

/**
 * `JSON.stringify(value, null, 2)` in pieces: containers near the root are
 * opened one member at a time, anything deeper is stringified whole (a
 * table, a view) so that the pieces stay few and the output is identical.
 */
export function* prettyJsonChunks(value: unknown, indent = '', depth = 0): Generator<string> {
  const json = value as { toJSON?: () => unknown } | null;
  if (json !== null && typeof json === 'object' && typeof json.toJSON === 'function') value = json.toJSON();
  if (depth >= SPLIT_DEPTH || value === null || typeof value !== 'object') {
    yield (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  const members = Array.isArray(value)
    ? value.map((v): [string | undefined, unknown] => [undefined, omittedInJson(v) ? null : v])
    : Object.entries(value).filter(([, v]) => !omittedInJson(v));
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (members.length === 0) {
    yield open + close;
    return;
  }
  yield open;
  for (const [i, [key, member]] of members.entries()) {
    yield `${i ? ',' : ''}\n${inner}${key === undefined ? '' : `${JSON.stringify(key)}: `}`;
    yield* prettyJsonChunks(member, inner, depth + 1);
  }
  yield `\n${indent}${close}`;
}

/** Deep enough to reach each table of a snapshot (snapshot → model → schemas → schema → tables → table). */
const SPLIT_DEPTH = 5;

const omittedInJson = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
