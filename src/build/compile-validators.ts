/**
 * Build step: compile the JSON Schemas into standalone validator modules, so
 * commands do not spend ~70 ms compiling them with Ajv on every run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { jsonSchemaPath, packageRoot } from '../paths.js';

const out = join(packageRoot, 'dist', 'validators');
mkdirSync(out, { recursive: true });
for (const [name, file] of [['schema', 'schema.json'], ['plan', 'plan.schema.json'], ['project', 'project.schema.json']] as const) {
  const ajv = new Ajv({ allErrors: name !== 'plan', strict: false, verbose: name !== 'plan', code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(jsonSchemaPath(file), 'utf8')));
  // CommonJS: Ajv's standalone output requires its runtime helpers.
  writeFileSync(join(out, `${name}.cjs`), standaloneCode.default(ajv, validate));
}
