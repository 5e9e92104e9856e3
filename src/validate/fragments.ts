import { hasStandardBody } from '../model/routine-body.js';
import {
  isSchemaQualified, partitionBound, viewQuery,
  type RawDocument, type RawIndex, type RawSchema, type RawTable, type RawTrigger, type RawView,
} from '../yaml/to-model.js';
import type { ModelProblem } from './semantic.js';
import { sqlShapeProblem, type SqlShape } from './sql-shapes.js';

type Path = Array<string | number>;
/** `label` names the field in the message; by default the last part of the path. */
type Check = (shape: SqlShape, text: string | number | boolean | undefined, path: Path, label?: string) => void;

/**
 * Every piece of SQL text in a (shape-valid) document, checked by
 * PostgreSQL's parser to be exactly what its field says: one expression,
 * one type name, one query... A schema file reaches the server only through
 * statements schemaform builds around these pieces, so a piece that is one
 * node of the right kind cannot add a statement, end a transaction or
 * change what the statement around it does. Also refuses NUL bytes
 * anywhere: PostgreSQL cannot store them in names or text.
 */
export function checkSqlFragments(doc: RawDocument): ModelProblem[] {
  const problems: ModelProblem[] = [];
  findNulBytes(doc, [], problems);
  const check: Check = (shape, text, path, label = String(path[path.length - 1])) => {
    if (text === undefined) return;
    const problem = sqlShapeProblem(shape, String(text));
    if (problem) problems.push({ path, message: `${label}: ${problem}` });
  };
  for (const [name, schema] of Object.entries(doc.schemas ?? {})) {
    if (schema) checkSchema(schema, ['schemas', name], check);
  }
  return problems;
}

function checkSchema(schema: RawSchema, base: Path, check: Check) {
  for (const [name, c] of Object.entries(schema.composites ?? {})) {
    for (const [field, def] of Object.entries(c.attributes)) {
      const path = [...base, 'composites', name, 'attributes', field];
      if (typeof def === 'string') check('type', def, path);
      else check('type', def.type, [...path, 'type']);
    }
  }
  for (const [name, d] of Object.entries(schema.domains ?? {})) {
    const path = [...base, 'domains', name];
    check('type', d.type, [...path, 'type']);
    check('expression', d.default, [...path, 'default']);
    for (const [n, c] of Object.entries(d.checks ?? {})) check('expression', c.expression, [...path, 'checks', n, 'expression']);
  }
  for (const [name, t] of Object.entries(schema.tables ?? {})) checkTable(t, [...base, 'tables', name], check);
  for (const [name, v] of Object.entries(schema.views ?? {})) checkView(v, [...base, 'views', name], check);
  for (const [signature, f] of Object.entries(schema.functions ?? {})) {
    const path = [...base, 'functions', signature];
    check('routine-arguments', signature.slice(signature.indexOf('(') + 1, signature.lastIndexOf(')')), path, `the arguments of ${signature.slice(0, signature.indexOf('(')).trim()}`);
    if ((f.kind ?? 'function') === 'function') check('routine-result', f.returns, [...path, 'returns']);
    if (hasStandardBody({ language: f.language.toLowerCase(), body: f.body })) check('routine-body', f.body, [...path, 'body']);
  }
}

function checkTable(t: RawTable, path: Path, check: Check) {
  for (const [name, c] of Object.entries(t.columns ?? {})) {
    const at = [...path, 'columns', name];
    check('type', c.type, [...at, 'type']);
    check('expression', c.default, [...at, 'default']);
    check('expression', c.generated, [...at, 'generated']);
    check('expression', c.using, [...at, 'using']);
  }
  check('partition-key', t.partitionBy, [...path, 'partitionBy']);
  if (t.partitionOf) check('partition-bound', partitionBound(t.partitionOf.bound), [...path, 'partitionOf', 'bound']);
  for (const [n, c] of Object.entries(t.checks ?? {})) check('expression', c.expression, [...path, 'checks', n, 'expression']);
  for (const [n, x] of Object.entries(t.exclusions ?? {})) check('exclusion', x.definition, [...path, 'exclusions', n, 'definition']);
  for (const [n, p] of Object.entries(t.policies ?? {})) {
    check('expression', p.using, [...path, 'policies', n, 'using']);
    check('expression', p.withCheck, [...path, 'policies', n, 'withCheck']);
  }
  checkIndexes(t.indexes, [...path, 'indexes'], check);
  checkTriggers(t.triggers, [...path, 'triggers'], check);
}

function checkView(v: RawView, path: Path, check: Check) {
  check('query', viewQuery(v.query), [...path, 'query']);
  checkIndexes(v.indexes, [...path, 'indexes'], check);
  checkTriggers(v.triggers, [...path, 'triggers'], check);
}

function checkIndexes(indexes: Record<string, RawIndex> | undefined, path: Path, check: Check) {
  for (const [name, index] of Object.entries(indexes ?? {})) {
    const at = [...path, name];
    (index.expressions ?? []).forEach((e, i) => check('expression', e, [...at, 'expressions', i]));
    (index.keys ?? []).forEach((k, i) => {
      check('expression', k.expression, [...at, 'keys', i, 'expression']);
      check('collation', k.collation, [...at, 'keys', i, 'collation']);
      check('operator-class', k.opclass, [...at, 'keys', i, 'opclass']);
    });
    check('expression', index.where, [...at, 'where']);
  }
}

function checkTriggers(triggers: Record<string, RawTrigger> | undefined, path: Path, check: Check) {
  for (const [name, t] of Object.entries(triggers ?? {})) {
    if (isSchemaQualified(t.function)) check('function-name', t.function, [...path, name, 'function']);
    check('expression', t.when, [...path, name, 'when']);
  }
}

/** A NUL byte cannot be sent to PostgreSQL in any text; say where, instead of failing later. */
function findNulBytes(value: unknown, path: Path, problems: ModelProblem[]) {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ path: [...path], message: `${String(path[path.length - 1] ?? 'text')} contains a NUL byte (\\0), which PostgreSQL cannot store; remove it` });
  } else if (value !== null && typeof value === 'object') {
    // One path, pushed and popped: a large file has hundreds of thousands of values.
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      path.push(k);
      if (typeof k === 'string' && k.includes('\u0000')) problems.push({ path: [...path], atKey: true, message: `the name ${JSON.stringify(k)} contains a NUL byte (\\0), which PostgreSQL cannot store; rename it` });
      findNulBytes(v, path, problems);
      path.pop();
    }
  }
}
