import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { SchemaFileError, type SourceLocation } from '../errors.js';

export type Path = ReadonlyArray<string | number>;

/** A parsed YAML file that can still say where any of its values came from. */
export class SourceFile {
  private constructor(
    readonly file: string,
    readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): SourceFile {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw new SchemaFileError(
        document.errors.map((e) => {
          const at = e.linePos?.[0] ?? { line: 1, col: 1 };
          return { file, line: at.line, column: at.col, message: firstLine(e.message) };
        }),
        'Fix the YAML syntax; the position is where the parser gave up.',
      );
    }
    return new SourceFile(file, document, lines);
  }

  toJS(): unknown {
    return this.document.toJS() ?? {};
  }

  /**
   * Where `path` points. With `key` set, the position of the mapping key
   * rather than its value, which is what "unknown key" errors should show.
   */
  locate(path: Path, key = false): SourceLocation {
    let node: unknown = this.document.contents;
    let best: number | undefined = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const last = i === path.length - 1;
        if (last && key) {
          best = rangeStart(pair.key) ?? best;
          node = undefined;
          break;
        }
        node = pair.value;
        best = rangeStart(node) ?? rangeStart(pair.key) ?? best;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        best = rangeStart(node) ?? best;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(best ?? 0);
    return { file: this.file, line: pos.line, column: pos.col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
