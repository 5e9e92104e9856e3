import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { jsonSchemaPath } from './paths.js';

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for one of our JSON Schemas: the module precompiled at build
 * time, or (when running from sources that were not built that way) one
 * compiled now with the same options.
 */
export function validatorFor(name: 'schema' | 'plan'): ValidateFunction {
  let v = compiled.get(name);
  if (v) return v;
  try {
    v = createRequire(import.meta.url)(`../validators/${name}.cjs`) as ValidateFunction;
  } catch {
    const ajv = new Ajv({ allErrors: name === 'schema', strict: false, verbose: name === 'schema' });
    v = ajv.compile(JSON.parse(readFileSync(jsonSchemaPath(name === 'schema' ? 'schema.json' : 'plan.schema.json'), 'utf8')));
  }
  compiled.set(name, v);
  return v;
}
