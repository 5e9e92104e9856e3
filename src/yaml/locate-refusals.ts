import { relative } from 'node:path';
import type { ObjectRef } from '../diff/changes.js';
import type { SourceProblem } from '../errors.js';
import { whereRefused, type SqlRefusal } from '../rehearse/refusals.js';
import { quoteIdent } from '../sql/quote.js';
import { sqlFragmentsAt } from '../validate/fragments.js';
import { mergeDocuments } from './load.js';
import { readSchemaText } from './schema-files.js';
import type { Path } from './source.js';
import { splitSignature } from '../model/canonical.js';
import type { RawDocument } from './to-model.js';

interface Fragment { path: Path; text: string }

/**
 * Where in the schema files each refused statement came from, as
 * file:line:col with PostgreSQL's own message. PostgreSQL says at which
 * character of the statement it found the problem; the statement was built
 * around the file's SQL texts verbatim, so the text of the refused object
 * that covers that character is the value to point at. Failing that (no
 * position, or a text the file spells differently), the part of the object
 * whose name comes last before it, else the object itself. Only called
 * once a plan was refused, so the files are read again, with positions.
 */
export async function locateRefusals(files: readonly string[], refusals: readonly SqlRefusal[], cwd = process.cwd()): Promise<SourceProblem[]> {
  const { SourceFile } = await import('./source.js');
  const documents = await Promise.all(files.map(async (file) => {
    const source = SourceFile.parse(relative(cwd, file) || file, await readSchemaText(file));
    return { source, doc: source.toJS() as RawDocument };
  }));
  const { merged, origin } = mergeDocuments(documents);
  const fragments = sqlFragmentsAt(merged);
  return refusals.map((r) => {
    const { path, within } = pointAt(r, merged, fragments);
    const source = origin(path) ?? documents[0]!.source;
    const at = within ? source.locateWithin(path, within.text, within.offset) : source.locate(path);
    return { ...at, message: `${r.message} (${whereRefused(r)})` };
  });
}

/** The path to point at, and, for a text of the file, the character in it. */
function pointAt(r: SqlRefusal, doc: RawDocument, fragments: readonly Fragment[]): { path: Path; within?: { text: string; offset: number } } {
  const objects = objectPaths(r.object, doc);
  const fallback = objects[0] ?? ['schemas'];
  // Without a position (PostgreSQL gives none for some errors of ALTER TABLE), a statement about one part names only it.
  if (r.position === undefined) return { path: onlyPartNamed(objects, doc, r.statement) ?? fallback };
  const at = r.position - 1;
  const own = fragments.filter((f) => objects.some((o) => startsWith(f.path, o)));
  const hit = covering(own, r.statement, at);
  if (hit) return { path: hit.fragment.path, within: { text: hit.fragment.text, offset: hit.offset } };
  return { path: namedBefore(objects, doc, r.statement, at) ?? fallback };
}

/** The shortest of the texts that spans character `at` of the statement, and where in it `at` is. */
function covering(fragments: readonly Fragment[], statement: string, at: number): { fragment: Fragment; offset: number } | undefined {
  let best: { fragment: Fragment; offset: number } | undefined;
  for (const f of fragments) {
    if (f.text.length === 0 || (best && f.text.length >= best.fragment.text.length)) continue;
    for (let i = statement.indexOf(f.text); i !== -1 && i <= at; i = statement.indexOf(f.text, i + 1)) {
      if (at < i + f.text.length) { best = { fragment: f, offset: at - i }; break; }
    }
  }
  return best;
}

const PARTS = ['columns', 'checks', 'unique', 'foreignKeys', 'exclusions', 'indexes', 'triggers', 'policies', 'attributes'] as const;

/** The object's named part (a column, a check ...) whose quoted name is the last one before character `at`. */
function namedBefore(objects: readonly Path[], doc: RawDocument, statement: string, at: number): Path | undefined {
  let best: { path: Path; index: number } | undefined;
  for (const { path, quoted } of partsOf(objects, doc)) {
    const index = statement.lastIndexOf(quoted, at);
    if (index !== -1 && (!best || index > best.index)) best = { path, index };
  }
  return best?.path;
}

/** The object's one named part the statement names, if it names exactly one. */
function onlyPartNamed(objects: readonly Path[], doc: RawDocument, statement: string): Path | undefined {
  const named = partsOf(objects, doc).filter((p) => statement.includes(p.quoted));
  return named.length === 1 ? named[0]!.path : undefined;
}

function partsOf(objects: readonly Path[], doc: RawDocument): Array<{ path: Path; quoted: string }> {
  return objects.flatMap((object) => {
    const node = valueAt(doc, object) as Record<string, unknown> | undefined;
    return PARTS.flatMap((part) => Object.keys((node?.[part] as Record<string, unknown> | undefined) ?? {}).map((name) => ({ path: [...object, part, name], quoted: quoteIdent(name) })));
  });
}

const SECTIONS: Partial<Record<ObjectRef['type'], string[]>> = {
  enum: ['enums'], domain: ['domains'], sequence: ['sequences'], table: ['tables'], view: ['views'], function: ['functions'], collation: ['collations'],
  type: ['composites', 'ranges'], 'text search dictionary': ['textSearchDictionaries'], aggregate: ['aggregates'], 'text search configuration': ['textSearchConfigurations'],
};

/** Where an object is declared: several places for a routine whose overloads the file keys by signature. */
function objectPaths(ref: ObjectRef, doc: RawDocument): Path[] {
  if (ref.type === 'extension') return [['extensions']];
  if (ref.type === 'schema') return [['schemas', ref.name]];
  const sections = SECTIONS[ref.type] ?? [];
  const declaredIn = (section: string) => Object.keys((valueAt(doc, ['schemas', ref.schema!, section]) as Record<string, unknown> | undefined) ?? {});
  const section = sections.find((s) => declaredIn(s).includes(ref.type === 'function' ? '' : ref.name)) ?? sections[0];
  if (!section || ref.schema === undefined) return [];
  const declared = declaredIn(section);
  if (ref.type !== 'function') return declared.includes(ref.name) ? [['schemas', ref.schema, section, ref.name]] : [['schemas', ref.schema]];
  const name = ref.name.slice(0, ref.name.indexOf('('));
  const bare = (signature: string) => splitSignature(signature).name.replace(/^"(.*)"$/, '$1').replaceAll('""', '"');
  const overloads = declared.filter((signature) => bare(signature) === name);
  return overloads.length ? overloads.map((signature) => ['schemas', ref.schema!, section, signature]) : [['schemas', ref.schema]];
}

function valueAt(doc: unknown, path: Path): unknown {
  let node = doc;
  for (const segment of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(segment)] : undefined;
  return node;
}

const startsWith = (path: Path, prefix: Path) => prefix.every((segment, i) => path[i] === segment);
