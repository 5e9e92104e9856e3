import type { ErrorObject } from 'ajv';
import { validatorFor } from '../validators.js';
import type { SourceProblem } from '../errors.js';
import type { SourceFile } from './source.js';


/** Whether data matches schemas/schema.json, without saying where it does not. */
export function isValidShape(data: unknown): boolean {
  return validatorFor('schema')(data) === true;
}

/**
 * Validate one file's content against schemas/schema.json (or another of
 * our JSON Schemas); problems carry file:line:col. `at`: where in the file
 * the data is (the "schemaform" key of package.json).
 */
export function validateShape(source: SourceFile, data: unknown, schema: 'schema' | 'project' = 'schema', at: string[] = []): SourceProblem[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  return pickMostSpecific(validate.errors ?? []).map((e) => describe(source, e, at));
}

const rank: Record<string, number> = { additionalProperties: 0, required: 1, enum: 2, const: 2, pattern: 3, type: 4 };

/**
 * With allErrors and oneOf, Ajv reports every branch's complaint. People want
 * one line per mistake: keep the most telling error for each location and
 * drop "does not match any branch" summaries when a deeper error explains them.
 */
function pickMostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const key = e.keyword === 'additionalProperties' ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}` : e.instancePath;
    const current = byPath.get(key);
    if (!current || (rank[e.keyword] ?? 9) < (rank[current.keyword] ?? 9)) byPath.set(key, e);
  }
  const paths = [...byPath.keys()];
  return [...byPath.entries()]
    .filter(([path, e]) => !(['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword) && paths.some((p) => p !== path && p.startsWith(path + '/'))))
    .map(([, e]) => e);
}

function describe(source: SourceFile, e: ErrorObject, at: string[]): SourceProblem {
  const path = [...at, ...e.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))];
  const where = path.length ? path.join('.') : 'the document';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      if (/^\s*-?\d+\s*\)$/.test(key)) {
        // `{ type: numeric(12,2) }` in flow style splits at the comma.
        return { ...source.locate([...path, key], true), message: `unknown key "${key}" in ${where}: a type with a comma inside { } must be quoted, e.g. type: "numeric(12,2)"` };
      }
      return {
        ...source.locate([...path, key], true),
        message: `unknown key "${key}" in ${where}` + (allowed.length ? `; expected one of: ${allowed.join(', ')}` : ''),
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { ...source.locate(path), message: `${where} is missing required key "${missing}"` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { ...source.locate(path), message: `${where} must be one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'type': {
      const expected = (e.params as { type: string | string[] }).type;
      return { ...source.locate(path), message: `${where} must be ${[expected].flat().join(' or ')} (got ${typeName(valueAt(source, path), path.length === 0)})` };
    }
    case 'anyOf':
      if (path.at(-2) === 'indexes') {
        return { ...source.locate(path), message: `index ${where} needs "columns", "expressions" or "keys"` };
      }
      return { ...source.locate(path), message: `${where} ${e.message ?? 'is invalid'}` };
    case 'not':
    case 'if':
      return { ...source.locate(path), message: `${where} cannot combine "keys" with "columns" or "expressions"` };
    default:
      return { ...source.locate(path), message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function valueAt(source: SourceFile, path: string[]): unknown {
  return source.document.getIn(path);
}

/**
 * What was found instead, for the message. A short value is quoted; a long
 * one is not, nor is a whole document: a file that is not YAML at all (a
 * link to a file of secrets, say) must not have its content printed.
 */
function typeName(v: unknown, whole: boolean): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const text = JSON.stringify(v);
  return whole || text.length > 40 || String(v).includes('\n') ? `a ${typeof v}` : `${typeof v} ${text}`;
}
