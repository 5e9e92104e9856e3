import { relative } from 'node:path';
import { profiled } from '../profile.js';
import { append } from '../arrays.js';
import { SchemaFileError, type SourceProblem } from '../errors.js';
import { listSchemaFiles, readSchemaText } from './schema-files.js';
import type { Model } from '../model/types.js';
import { checkModel } from '../validate/semantic.js';
import { anyNotOfShape, checkNulBytes, checkSqlFragments, collectSqlFragments } from '../validate/fragments.js';
import type { ShapeRequests } from '../sql/shape-checker.js';
import type { Path, SourceFile } from './source.js';
import { isValidShape, validateShape } from './validate-shape.js';
import { parseSchemaTextFast } from './fast-parse.js';
import { documentToModel, type RawDocument } from './to-model.js';

export interface LoadOptions {
  /**
   * SQL texts known to be of their shape (those a live database prints, see
   * knownFragments): only the others are given to PostgreSQL's parser.
   * Awaited once the file is parsed, so a plan reads the catalog meanwhile.
   */
  knownFragments?: Promise<ShapeRequests>;
  /** Called once the files are parsed into the model, before that wait: where a command may collect the parse's garbage. */
  onParsed?: () => void;
}

export interface LoadedSchema {
  model: Model;
  files: string[];
}

/**
 * Read the desired schema from a YAML file or a directory of YAML files,
 * validate its shape and its references, and return the model. Every problem
 * found is reported at once, each as file:line:col.
 */
export async function loadSchema(path: string, cwd = process.cwd(), options: LoadOptions = {}): Promise<LoadedSchema> {
  const files = await listSchemaFiles(path);
  const texts = await Promise.all(files.map(readSchemaText));
  return (await loadQuickly(files, texts, options)) ?? profiled('schema file: precise load (positions, SQL checks)', () => loadPrecisely(files, texts, cwd, options));
}

/**
 * Valid files, read without source positions. Anything that would need an
 * error message returns undefined and goes the precise way.
 */
async function loadQuickly(files: string[], texts: string[], options: LoadOptions): Promise<LoadedSchema | undefined> {
  const read = profiled('schema file: parse, validate, model', () => readQuickly(texts));
  if (read) options.onParsed?.();
  // The documents are gone by now: a plan's known texts come once the catalog is read, and
  // holding a large file's documents until then would add them to the plan's peak memory.
  if (!read || (await profiled('schema file: SQL texts the catalog does not spell', async () => anyNotOfShape(read.fragments, await options.knownFragments)))) return undefined;
  return { model: read.model, files };
}

/** The model and the SQL texts of valid files, or undefined if anything would need an error message. */
function readQuickly(texts: string[]): { model: Model; fragments: ShapeRequests } | undefined {
  const docs: Array<Record<string, unknown>> = [];
  for (const text of texts) {
    const doc = parseSchemaTextFast(text);
    if (!doc || !isValidShape(doc)) return undefined;
    docs.push(doc);
  }
  if (checkNulBytes(texts, docs).length) return undefined;
  const { merged, conflicts } = mergeDocuments(docs.map((doc) => ({ doc: doc as RawDocument })));
  if (conflicts.length) return undefined;
  const model = documentToModel(merged);
  if (checkModel(model).length) return undefined;
  return { model, fragments: collectSqlFragments(merged) };
}

async function loadPrecisely(files: string[], texts: string[], cwd: string, options: LoadOptions): Promise<LoadedSchema> {
  // The position-keeping parser is loaded only when a file needs it.
  const { SourceFile } = await import('./source.js');
  const sources: SourceFile[] = [];
  const problems: SourceProblem[] = [];
  const documents: Array<{ source: SourceFile; doc: RawDocument }> = [];
  for (const [i, file] of files.entries()) {
    const display = relative(cwd, file) || file;
    const source = SourceFile.parse(display, texts[i]!);
    sources.push(source);
    const data = source.toJS();
    const shapeProblems = validateShape(source, data);
    append(problems, shapeProblems);
    append(problems, checkNulBytes([texts[i]!], [data]).map((p) => ({ ...source.locate(p.path, p.atKey), message: p.message })));
    if (shapeProblems.length === 0) documents.push({ source, doc: data as RawDocument });
  }
  if (problems.length) throw new SchemaFileError(problems, 'See the format in README.md ("The schema file"); editors that read the $schema line autocomplete it.');

  const { merged, origin, conflicts } = mergeDocuments(documents);
  if (conflicts.length) throw new SchemaFileError(conflicts);
  const model = documentToModel(merged);
  const semantic = [...(await checkSqlFragments(merged, await options.knownFragments)), ...checkModel(model)].map((p) => {
    const source = origin(p.path) ?? sources[0]!;
    return { ...source.locate(p.path, p.atKey), message: p.message };
  });
  if (semantic.length) throw new SchemaFileError(semantic);
  return { model, files };
}

/**
 * Several files may each declare part of the schema. A table, enum or
 * sequence may be declared only once across them.
 */
export function mergeDocuments(documents: Array<{ source?: SourceFile; doc: RawDocument }>) {
  const merged: RawDocument = { extensions: [], schemas: {} };
  const owners = new Map<string, SourceFile | undefined>();
  const conflicts: SourceProblem[] = [];
  const seenExtensions = new Set<string>();
  for (const { source, doc } of documents) {
    // Scope rules from any of the files: patterns in file order, roles together.
    if (doc.ignore) merged.ignore = [...(merged.ignore ?? []), ...doc.ignore];
    if (doc.managedRoles) merged.managedRoles = [...(merged.managedRoles ?? []), ...doc.managedRoles];
    for (const ext of doc.extensions ?? []) {
      const name = typeof ext === 'string' ? ext : ext.name;
      if (!seenExtensions.has(name)) merged.extensions!.push(ext);
      seenExtensions.add(name);
    }
    for (const [schemaName, schema] of Object.entries(doc.schemas ?? {})) {
      const target = (merged.schemas![schemaName] ??= {});
      if (!owners.get(key(['schemas', schemaName]))) owners.set(key(['schemas', schemaName]), source);
      if (schema?.comment !== undefined) target.comment = schema.comment;
      if (schema?.renamedFrom !== undefined) target.renamedFrom = schema.renamedFrom;
      if (schema?.preventDestroy !== undefined) target.preventDestroy = schema.preventDestroy;
      if (schema?.grants !== undefined) target.grants = schema.grants;
      if (schema?.defaultPrivileges !== undefined) target.defaultPrivileges = [...(target.defaultPrivileges ?? []), ...schema.defaultPrivileges];
      for (const kind of ['collations', 'composites', 'ranges', 'aggregates', 'textSearchDictionaries', 'textSearchConfigurations', 'enums', 'domains', 'sequences', 'tables', 'views', 'functions'] as const) {
        for (const [name, def] of Object.entries(schema?.[kind] ?? {})) {
          const path = ['schemas', schemaName, kind, name];
          if (owners.has(key(path))) {
            const previous = owners.get(key(path));
            const message = `${kind.slice(0, -1)} "${schemaName}.${name}" is already declared` + (previous ? ` at ${previous.file}:${previous.locate(path, true).line}` : '');
            conflicts.push({ ...(source?.locate(path, true) ?? { file: '', line: 0, column: 0 }), message });
            continue;
          }
          owners.set(key(path), source);
          ((target[kind] ??= {}) as Record<string, unknown>)[name] = def;
        }
      }
    }
  }
  const origin = (path: Path) => {
    for (let n = path.length; n > 0; n--) {
      const owner = owners.get(key(path.slice(0, n)));
      if (owner) return owner;
    }
    return undefined;
  };
  return { merged, origin, conflicts };
}

const key = (path: Path) => path.join('\u0000');
