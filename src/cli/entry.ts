/**
 * What bin/run.js loads: the CLI framework, every command and the hook, in
 * one module. The build bundles this file with everything it imports into
 * dist/src/schemaform.cjs (see build/bundle.ts), which the package's oclif
 * settings name for the commands and the hook, so the framework loads the
 * same module instead of resolving and compiling a few hundred files on
 * every run.
 */
export { Errors, flush, handle, run } from '@oclif/core';
export { COMMANDS } from '../commands/index.js';
export { default as NOT_FOUND } from './not-found.js';
export { useImporter } from '../external-import.js';
