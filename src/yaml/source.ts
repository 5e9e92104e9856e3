import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type ParseOptions, type ScalarTag, type Tags } from 'yaml';
import { exactInteger, notFinite } from './exact-numbers.js';
import { SchemaFileError, type SourceLocation } from '../errors.js';

export type Path = ReadonlyArray<string | number>;

/** A parsed YAML file that can still say where any of its values came from. */
export class SourceFile {
  private constructor(
    readonly file: string,
    readonly document: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  static parse(file: string, text: string): SourceFile {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, customTags: exactNumbers });
    if (document.errors.length > 0) {
      throw new SchemaFileError(
        document.errors.map((e) => {
          const at = e.linePos?.[0] ?? { line: 1, col: 1 };
          return { file, line: at.line, column: at.col, message: firstLine(e.message) };
        }),
        'Fix the YAML syntax; the position is where the parser gave up.',
      );
    }
    return new SourceFile(file, document, lines, text);
  }

  toJS(): unknown {
    return this.document.toJS() ?? {};
  }

  /**
   * Where `path` points. With `key` set, the position of the mapping key
   * rather than its value, which is what "unknown key" errors should show.
   */
  locate(path: Path, key = false): SourceLocation & { path?: string } {
    return { ...this.position(this.find(path, key)), ...(path.length ? { path: path.join('.') } : {}) };
  }

  /**
   * Where character `offset` of the text at `path` (a string value) is: the
   * line holding it is found in the value's source, which holds the text's
   * lines verbatim unless the value is quoted with escapes (then the value's
   * start).
   */
  locateWithin(path: Path, text: string, offset: number): SourceLocation & { path?: string } {
    return { ...this.positionWithin(path, text, offset), ...(path.length ? { path: path.join('.') } : {}) };
  }

  private positionWithin(path: Path, text: string, offset: number): SourceLocation {
    const start = this.find(path, false);
    const node = this.nodeAt(path);
    const range = (node as Node | undefined)?.range;
    if (!range) return this.position(start);
    const source = this.text.slice(range[0], range[1]);
    const head = text.slice(0, offset).split('\n').pop()!;
    const line = head + text.slice(offset).split('\n')[0]!;
    const at = source.indexOf(line);
    return at === -1 || source.indexOf(line, at + 1) !== -1 ? this.position(start) : this.position(range[0] + at + head.length);
  }

  private position(offset: number): SourceLocation {
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  private nodeAt(path: Path): unknown {
    let node: unknown = this.document.contents;
    for (const segment of path) {
      if (isMap(node)) node = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment))?.value;
      else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else return undefined;
    }
    return node;
  }

  /** The source offset `path` points at (its key's, with `key` set). */
  private find(path: Path, key: boolean): number {
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
    return best ?? 0;
  }
}

/** Integers exactly, and no number that is not finite (see exact-numbers.ts). */
function exactNumbers(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || !('resolve' in tag) || !tag.resolve) return tag;
    const scalar = tag as ScalarTag;
    if (scalar.tag === 'tag:yaml.org,2002:int') return { ...scalar, resolve: (text: string) => exactInteger(text) };
    if (scalar.tag !== 'tag:yaml.org,2002:float') return tag;
    return {
      ...scalar,
      resolve: (text: string, onError: (message: string) => void, options: ParseOptions) => {
        const value = scalar.resolve(text, onError, options);
        if (!Number.isFinite(Number(isScalar(value) ? value.value : value))) onError(notFinite(text));
        return value;
      },
    };
  });
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
