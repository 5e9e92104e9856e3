import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { jsonSchemaPath } from './paths.js';

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for one of our JSON Schemas: the module precompiled at build
 * time, or (when running from sources that were not built that way) one
 * compiled now with the same options.
 */
export function validatorFor(name: 'schema' | 'plan' | 'project'): ValidateFunction {
  let v = compiled.get(name);
  if (v) return v;
  const require = createRequire(import.meta.url);
  try {
    v = require(`../validators/${name}.cjs`) as ValidateFunction;
  } catch {
    // Ajv itself (~40 ms to load) only where the precompiled module is missing.
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: name !== 'plan', strict: false, verbose: name !== 'plan' });
    v = ajv.compile(JSON.parse(readFileSync(jsonSchemaPath(name === 'schema' ? 'schema.json' : `${name}.schema.json`), 'utf8')));
  }
  compiled.set(name, v);
  return v;
}
