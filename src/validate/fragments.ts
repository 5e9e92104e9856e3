import { hasStandardBody } from '../model/routine-body.js';
import { splitSignature } from '../model/canonical.js';
import {
  isSchemaQualified, partitionBound, viewQuery,
  type RawDocument, type RawIndex, type RawSchema, type RawTable, type RawTrigger, type RawView,
} from '../yaml/to-model.js';
import type { ModelProblem } from './semantic.js';
import type { RawRule } from '../yaml/rules.js';
import type { Aggregate, Model } from '../model/types.js';
import type { SqlShape } from './sql-shapes.js';
import { checkShapes, type ShapeRequests } from '../sql/shape-checker.js';

type Path = Array<string | number>;
type Judge = (shape: SqlShape, text: string) => string | undefined;

/**
 * Every piece of SQL text in a (shape-valid) document, checked by
 * PostgreSQL's parser to be exactly what its field says: one expression,
 * one type name, one query... A schema file reaches the server only through
 * statements schemaform builds around these pieces, so a piece that is one
 * node of the right kind cannot add a statement, end a transaction or
 * change what the statement around it does.
 */
export async function checkSqlFragments(doc: RawDocument, known?: ShapeRequests): Promise<ModelProblem[]> {
  const verdicts = await checkShapes(without(collectSqlFragments(doc), known));
  // Where each problem is: a second walk, only when there is one.
  return verdicts.any ? walkSqlFragments(doc, verdicts.problem) : [];
}

/** The document's SQL texts by shape: all a check needs, without holding on to the document. */
export function collectSqlFragments(doc: RawDocument): ShapeRequests {
  const requests: ShapeRequests = new Map();
  walkSqlFragments(doc, (shape, text) => {
    let texts = requests.get(shape);
    if (!texts) requests.set(shape, (texts = new Set()));
    texts.add(text);
    return undefined;
  });
  return requests;
}

/** Every SQL text of the document with where it is, for pointing at the one PostgreSQL refused. */
export function sqlFragmentsAt(doc: RawDocument): Array<{ path: Array<string | number>; text: string }> {
  return walkSqlFragments(doc, () => '').map(({ path, text }) => ({ path, text }));
}

/** Whether any of these texts, less those known to be of their shape, is not of its shape. */
export async function anyNotOfShape(requests: ShapeRequests, known?: ShapeRequests): Promise<boolean> {
  return (await checkShapes(without(requests, known))).any;
}

function without(requests: ShapeRequests, known: ShapeRequests | undefined): ShapeRequests {
  if (!known) return requests;
  return new Map([...requests].map(([shape, texts]) => [shape, new Set([...texts].filter((t) => !known.get(shape)?.has(t)))]));
}

/** Each SQL text of the document with its shape, to `judge`; its verdicts, with where they are. */
function walkSqlFragments(doc: RawDocument, judge: Judge): Array<ModelProblem & { text: string }> {
  const walk = new Walk(judge);
  for (const name in doc.schemas ?? {}) {
    const schema = doc.schemas![name];
    if (!schema) continue;
    walk.path.push('schemas', name);
    checkSchema(schema, walk);
    walk.leave(2);
  }
  return walk.problems;
}

/**
 * Which model fields hold SQL text of which shape, where that text is the
 * same in a live model (as the catalog prints it) and in a file. Not
 * routine bodies in general (a plpgsql body is not SQL text of any shape
 * here: see knownFragments), nor collations (a column's is a plain name).
 */
const LIVE_FIELDS: Record<string, SqlShape> = {
  type: 'type', default: 'expression', generated: 'expression', expression: 'expression', where: 'expression', when: 'expression',
  using: 'expression', withCheck: 'expression', query: 'query', definition: 'exclusion', partitionBy: 'partition-key',
  bound: 'partition-bound', returns: 'routine-result', arguments: 'routine-arguments',
  subtype: 'type', stateType: 'type', opclass: 'operator-class', subtypeOpclass: 'operator-class',
  // Function names as regproc prints them: a trigger's, an aggregate's support functions, a range's.
  function: 'function-name', stateFunction: 'function-name', finalFunction: 'function-name', combineFunction: 'function-name',
  serialFunction: 'function-name', deserialFunction: 'function-name', inverseFunction: 'function-name',
  canonical: 'function-name', subtypeDiff: 'function-name',
};

/** Fields holding a list of SQL texts of one shape: a rule's actions. */
const LIVE_LISTS: Record<string, SqlShape> = { actions: 'rule-action' };

/**
 * The SQL texts of a live model, by shape. PostgreSQL printed them from
 * objects it holds, so each is of its shape by construction: a file that
 * spells a piece exactly so (every file `schema inspect` writes, and most
 * of any file on a plan with few changes) needs no parsing of it.
 */
export function knownFragments(model: Model): ShapeRequests {
  const known: ShapeRequests = new Map();
  const add = (shape: SqlShape, text: string) => {
    let texts = known.get(shape);
    if (!texts) known.set(shape, (texts = new Set()));
    texts.add(text);
  };
  const visit = (value: unknown, skip?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        if (key === skip) continue;
        const v = (value as Record<string, unknown>)[key];
        const shape = typeof v === 'string' ? LIVE_FIELDS[key] : undefined;
        if (shape) add(shape, v as string);
        else if (LIVE_LISTS[key] && Array.isArray(v)) {
          for (const t of v) if (typeof t === 'string') add(LIVE_LISTS[key], t);
        } else if (key === 'aggregates' && Array.isArray(v)) visitAggregates(v as Aggregate[]);
        else if (typeof v === 'object') visit(v);
      }
    }
  };
  // An aggregate's argument list is of its own shape (ORDER BY, VARIADIC "any"), not a routine's.
  const visitAggregates = (aggregates: Aggregate[]) => {
    for (const a of aggregates) {
      add('aggregate-arguments', a.arguments);
      visit(a, 'arguments');
    }
  };
  visit(model);
  // SQL-standard bodies (BEGIN ATOMIC, RETURN) are SQL text; other bodies are not checked.
  for (const s of model.schemas) for (const f of s.functions) if (hasStandardBody(f)) add('routine-body', f.body);
  return known;
}

/**
 * Where the walk is, as one path pushed and popped: a file of 5,000 tables
 * has ~100,000 places to look, and a path is built only for a problem.
 */
class Walk {
  readonly path: Path = [];
  readonly problems: Array<ModelProblem & { text: string }> = [];
  constructor(private readonly judge: Judge) {}

  /** `label` names the field in the message; by default its key. */
  check(shape: SqlShape, text: string | number | boolean | undefined, key: string | number, label: string = String(key)) {
    if (text === undefined) return;
    const problem = this.judge(shape, String(text));
    if (problem !== undefined) this.problems.push({ path: [...this.path, key], message: `${label}: ${problem}`, text: String(text) });
  }

  leave(n: number) {
    this.path.length -= n;
  }
}

function checkSchema(schema: RawSchema, w: Walk) {
  for (const name in schema.composites ?? {}) {
    const attributes = schema.composites![name]!.attributes;
    w.path.push('composites', name, 'attributes');
    for (const field in attributes) {
      const def = attributes[field]!;
      if (typeof def === 'string') w.check('type', def, field);
      else {
        w.path.push(field);
        w.check('type', def.type, 'type');
        w.leave(1);
      }
    }
    w.leave(3);
  }
  for (const signature in schema.aggregates ?? {}) {
    const a = schema.aggregates![signature]!;
    const written = splitSignature(signature);
    w.path.push('aggregates');
    w.check('aggregate-arguments', written.arguments, signature, `the arguments of ${written.name}`);
    w.path.push(signature);
    w.check('type', a.stateType, 'stateType');
    for (const f of ['stateFunction', 'finalFunction', 'combineFunction', 'serialFunction', 'deserialFunction'] as const) w.check('function-name', a[f], f);
    if (a.moving) {
      w.path.push('moving');
      w.check('type', a.moving.stateType, 'stateType');
      for (const f of ['stateFunction', 'inverseFunction', 'finalFunction'] as const) w.check('function-name', a.moving[f], f);
      w.leave(1);
    }
    w.leave(2);
  }
  for (const name in schema.ranges ?? {}) {
    const r = schema.ranges![name]!;
    w.path.push('ranges', name);
    w.check('type', r.subtype, 'subtype');
    w.check('operator-class', r.subtypeOpclass, 'subtypeOpclass');
    w.check('function-name', r.canonical, 'canonical');
    w.check('function-name', r.subtypeDiff, 'subtypeDiff');
    w.leave(2);
  }
  for (const name in schema.domains ?? {}) {
    const d = schema.domains![name]!;
    w.path.push('domains', name);
    w.check('type', d.type, 'type');
    w.check('expression', d.default, 'default');
    w.path.push('checks');
    for (const n in d.checks ?? {}) {
      w.path.push(n);
      w.check('expression', d.checks![n]!.expression, 'expression');
      w.leave(1);
    }
    w.leave(3);
  }
  for (const name in schema.tables ?? {}) {
    w.path.push('tables', name);
    checkTable(schema.tables![name]!, w);
    w.leave(2);
  }
  for (const name in schema.views ?? {}) {
    w.path.push('views', name);
    checkView(schema.views![name]!, w);
    w.leave(2);
  }
  w.path.push('functions');
  for (const signature in schema.functions ?? {}) {
    const f = schema.functions![signature]!;
    const written = splitSignature(signature);
    w.check('routine-arguments', written.arguments, signature, `the arguments of ${written.name}`);
    w.path.push(signature);
    if ((f.kind ?? 'function') === 'function') w.check('routine-result', f.returns, 'returns');
    if (hasStandardBody({ language: f.language.toLowerCase(), body: f.body })) w.check('routine-body', f.body, 'body');
    w.leave(1);
  }
  w.leave(1);
}

function checkTable(t: RawTable, w: Walk) {
  eachNamed(w, 'columns', t.columns, (c) => {
    w.check('type', c.type, 'type');
    w.check('expression', c.default, 'default');
    w.check('expression', c.generated, 'generated');
    w.check('expression', c.using, 'using');
  });
  w.check('partition-key', t.partitionBy, 'partitionBy');
  if (t.partitionOf) {
    w.path.push('partitionOf');
    w.check('partition-bound', partitionBound(t.partitionOf.bound), 'bound');
    w.leave(1);
  }
  eachNamed(w, 'checks', t.checks, (c) => w.check('expression', c.expression, 'expression'));
  eachNamed(w, 'exclusions', t.exclusions, (x) => w.check('exclusion', x.definition, 'definition'));
  eachNamed(w, 'policies', t.policies, (p) => {
    w.check('expression', p.using, 'using');
    w.check('expression', p.withCheck, 'withCheck');
  });
  checkIndexes(t.indexes, w);
  checkTriggers(t.triggers, w);
  checkRules(t.rules, w);
}

function checkView(v: RawView, w: Walk) {
  w.check('query', viewQuery(v.query), 'query');
  checkIndexes(v.indexes, w);
  checkTriggers(v.triggers, w);
  checkRules(v.rules, w);
}

function checkIndexes(indexes: Record<string, RawIndex> | undefined, w: Walk) {
  eachNamed(w, 'indexes', indexes, (index) => {
    if (index.expressions) {
      w.path.push('expressions');
      index.expressions.forEach((e, i) => w.check('expression', e, i));
      w.leave(1);
    }
    if (index.keys) {
      w.path.push('keys');
      index.keys.forEach((k, i) => {
        w.path.push(i);
        w.check('expression', k.expression, 'expression');
        w.check('collation', k.collation, 'collation');
        w.check('operator-class', k.opclass, 'opclass');
        w.leave(1);
      });
      w.leave(1);
    }
    w.check('expression', index.where, 'where');
  });
}

function checkRules(rules: Record<string, RawRule> | undefined, w: Walk) {
  eachNamed(w, 'rules', rules, (r) => {
    w.check('expression', r.where, 'where');
    w.path.push('actions');
    (r.actions ?? []).forEach((a, i) => w.check('rule-action', a, i, `action ${i + 1}`));
    w.leave(1);
  });
}

function checkTriggers(triggers: Record<string, RawTrigger> | undefined, w: Walk) {
  eachNamed(w, 'triggers', triggers, (t) => {
    if (isSchemaQualified(t.function)) w.check('function-name', t.function, 'function');
    w.check('expression', t.when, 'when');
  });
}

/** `fn` for each entry of a name-keyed part (checks, indexes...), with the walk at `kind.name`. */
function eachNamed<T>(w: Walk, kind: string, entries: Record<string, T> | undefined, fn: (entry: T) => void) {
  if (!entries) return;
  w.path.push(kind);
  for (const name in entries) {
    w.path.push(name);
    fn(entries[name]!);
    w.leave(1);
  }
  w.leave(1);
}

/**
 * A NUL byte cannot be sent to PostgreSQL in any text; say where, instead
 * of failing later. Only files whose text could hold one are walked: a
 * literal NUL, or a YAML escape that makes one (\0, \x00, \u0000, \U00000000).
 */
export function checkNulBytes(texts: string[], docs: unknown[]): ModelProblem[] {
  const problems: ModelProblem[] = [];
  texts.forEach((text, i) => {
    if (text.includes('\u0000') || /\\(0|x00|u0000|U00000000)/.test(text)) findNulBytes(docs[i], [], problems);
  });
  return problems;
}

function findNulBytes(value: unknown, path: Path, problems: ModelProblem[]) {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ path: [...path], message: `${String(path[path.length - 1] ?? 'text')} contains a NUL byte (\\0), which PostgreSQL cannot store; remove it` });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      path.push(k);
      if (typeof k === 'string' && k.includes('\u0000')) problems.push({ path: [...path], atKey: true, message: `the name ${JSON.stringify(k)} contains a NUL byte (\\0), which PostgreSQL cannot store; rename it` });
      findNulBytes(v, path, problems);
      path.pop();
    }
  }
}
