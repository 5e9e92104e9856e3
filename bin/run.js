#!/usr/bin/env node
// `schema --version` is asked often by scripts; answer it without loading the CLI framework.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`schemaform/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  // One bundled file (see src/build/bundle.ts): the framework, the commands, the hook,
  // compiled from V8's code cache when this command has run before (src/cli/compile-cache.ts).
  const { fileURLToPath } = await import('node:url');
  const { loadBundle } = await import('../dist/src/cli/compile-cache.js');
  const { run, flush, handle, Errors } = loadBundle(fileURLToPath(new URL('../dist/src/schemaform.cjs', import.meta.url)), process.argv[2]);
  try {
    await run(process.argv.slice(2), import.meta.url);
    await flush();
  } catch (error) {
    // oclif exits 2 on usage mistakes (unknown command or flag); here 2 means
    // "changes pending" (plan --detailed-exitcode, drift), so mistakes exit 1.
    if (!(error instanceof Errors.ExitError) && error?.oclif?.exit === 2) error.oclif.exit = 1;
    if (error instanceof Errors.CLIError && !(error instanceof Errors.ExitError)) {
      // Printed as its lines, unwrapped, so a CI log keeps each one whole.
      process.stderr.write(`Error: ${error.message}\n`);
      process.exitCode = error.oclif?.exit ?? 1;
    } else {
      await handle(error);
    }
  }
}
