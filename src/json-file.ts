import { open } from 'node:fs/promises';

/**
 * Write `value` as `JSON.stringify(value, null, 2)` would, followed by a
 * newline, without ever holding the whole text: a snapshot of thousands of
 * tables is tens of megabytes pretty-printed, and as one string it would be
 * the largest thing an apply holds.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeTextPieces(path, (function* () {
    // Deep enough to reach each table of a snapshot (snapshot → model → schemas → schema → tables → table).
    yield* jsonChunks(value, { space: 2, splitDepth: 5 });
    yield '\n';
  })());
}

/** Write the pieces one after another, a few tens of kilobytes at a time, each made only when its turn comes. */
export async function writeTextPieces(path: string, pieces: Iterable<string>): Promise<void> {
  const file = await open(path, 'w');
  try {
    let pending = '';
    for (const piece of pieces) {
      pending += piece;
      if (pending.length >= 1 << 16) {
        await file.write(pending);
        pending = '';
      }
    }
    if (pending) await file.write(pending);
  } finally {
    await file.close();
  }
}

/**
 * `JSON.stringify(value, null, space)` in pieces: containers down to
 * `splitDepth` are opened one member at a time, anything deeper is
 * stringified whole (a table, a view) so that the pieces stay few and the
 * text is identical.
 */
export function* jsonChunks(value: unknown, options: { space: 0 | 2; splitDepth: number }, indent = '', depth = 0): Generator<string> {
  const json = value as { toJSON?: () => unknown } | null;
  if (json !== null && typeof json === 'object' && typeof json.toJSON === 'function') value = json.toJSON();
  const { space } = options;
  if (depth >= options.splitDepth || value === null || typeof value !== 'object') {
    const text = JSON.stringify(value, null, space) ?? 'null';
    yield space ? text.replaceAll('\n', `\n${indent}`) : text;
    return;
  }
  const [inner, newline, colon] = space ? [`${indent}  `, '\n', ': '] : ['', '', ':'];
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
    yield `${i ? ',' : ''}${newline}${inner}${key === undefined ? '' : JSON.stringify(key) + colon}`;
    yield* jsonChunks(member, options, inner, depth + 1);
  }
  yield `${newline}${indent}${close}`;
}

const omittedInJson = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
