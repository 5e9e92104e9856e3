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
  try {
    v = precompiled(name);
  } catch {
    // Ajv itself (~40 ms to load) only where the precompiled module is missing.
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: name !== 'plan', strict: false, verbose: name !== 'plan' });
    v = ajv.compile(JSON.parse(readFileSync(jsonSchemaPath(name === 'schema' ? 'schema.json' : `${name}.schema.json`), 'utf8')));
  }
  compiled.set(name, v);
  return v;
}

/**
 * The module compiled at build time (dist/validators). In the CLI's bundle
 * the requires are static, so the bundle holds the validators and they are
 * compiled from V8's code cache with the rest (~30 ms of loading, and the
 * compiling of the schema file's 400 kB validator as it first runs); run
 * from the compiled sources, they are required by path.
 */
function precompiled(name: 'schema' | 'plan' | 'project'): ValidateFunction {
  if (typeof require === 'function') {
    switch (name) {
      case 'schema': return require('../validators/schema.cjs') as ValidateFunction;
      case 'plan': return require('../validators/plan.cjs') as ValidateFunction;
      case 'project': return require('../validators/project.cjs') as ValidateFunction;
    }
  }
  return createRequire(import.meta.url)(`../validators/${name}.cjs`) as ValidateFunction;
}
