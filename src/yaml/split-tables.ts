/**
 * Cut a schema file into independently parseable pieces: a skeleton, and the
 * entries of each block-style `tables:` mapping in groups of roughly
 * `chunkBytes`. Pure text work; no YAML semantics are guessed beyond
 * indentation, and every doubt returns undefined.
 *
 * Why: the YAML parser handles a few MB/s and keeps a large tree per
 * document. Pieces can be parsed in parallel and dropped one by one. The
 * caller must treat any parse error or duplicate key in a piece as "use the
 * whole-document parser", which is also what reports errors with positions.
 */
export interface SplitSchema {
  skeleton: string;
  /** Placeholder scalar left in the skeleton → the chunks of that `tables:` mapping. */
  groups: Map<string, string[]>;
}

const header = /^( *)tables:[ \t]*(#.*)?$/;
const indentOf = (line: string) => line.length - line.trimStart().length;
const isFiller = (line: string) => line.trim() === '' || line.trimStart().startsWith('#');

export function splitTables(text: string, placeholderSeed: string, chunkBytes = 32 * 1024): SplitSchema | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const lines = text.split('\n');
  const skeleton: string[] = [];
  const groups = new Map<string, string[]>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const match = header.exec(line);
    if (!match) {
      skeleton.push(line);
      i++;
      continue;
    }
    const headerIndent = match[1]!.length;
    let j = i + 1;
    while (j < lines.length && isFiller(lines[j]!)) j++;
    const entryIndent = j < lines.length ? indentOf(lines[j]!) : -1;
    if (entryIndent <= headerIndent) {
      skeleton.push(line);
      i++;
      continue;
    }
    const chunks: string[] = [];
    let current: string[] = [];
    let currentBytes = 0;
    let k = i + 1;
    for (; k < lines.length; k++) {
      const l = lines[k]!;
      if (isFiller(l)) {
        current.push(l);
        continue;
      }
      const indent = indentOf(l);
      if (indent <= headerIndent) break;
      if (indent < entryIndent) return undefined;
      if (indent === entryIndent && currentBytes >= chunkBytes) {
        chunks.push(current.join('\n'));
        current = [];
        currentBytes = 0;
      }
      current.push(l);
      currentBytes += l.length + 1;
    }
    if (current.some((l) => !isFiller(l))) chunks.push(current.join('\n'));
    const placeholder = `__schemaform_tables_${placeholderSeed}_${groups.size}__`;
    groups.set(placeholder, chunks);
    skeleton.push(`${match[1]}tables: ${placeholder}`);
    i = k;
  }
  return { skeleton: skeleton.join('\n'), groups };
}
