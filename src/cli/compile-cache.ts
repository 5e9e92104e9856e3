/**
 * Loads the CLI's bundle (dist/src/schemaform.cjs) with V8's code cache.
 *
 * Every command used to spend ~60 ms compiling the 2 MB bundle before doing
 * anything, and more compiling each function the first time it ran. V8 can
 * save what it compiled and take it back next time; Node 20 does not do that
 * for modules (module.enableCompileCache came in Node 22), so the bundle is
 * CommonJS, run through vm.Script with the cached data, and registered in
 * require's cache so that the CLI framework, which loads the same file to
 * find the commands, gets this instance. Such code has no import() of its
 * own: the packages kept out of the bundle are imported by this module for
 * it (see external-import.ts).
 *
 * One cache file per command (the functions `plan` compiles are not those of
 * `apply`) and build of the bundle, written when the command exits if there
 * was none or V8 refused it (another Node, other V8 flags); the command's
 * files for other builds go then. A word that is no command (a typo) shares
 * one file, `other`, so mistakes do not leave a file each. It lives in the user's
 * own cache directory, never a shared one: what V8 takes from it runs as
 * code, so a directory or file that anyone else could have written is not
 * read. SCHEMAFORM_COMPILE_CACHE=off loads the bundle without it.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, constants as fs } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

interface CjsModule { exports: unknown; filename: string; paths: string[]; loaded: boolean }
interface ModuleInternals {
  new (id: string): CjsModule;
  wrap(source: string): string;
  _cache: Record<string, CjsModule>;
  _nodeModulePaths(dir: string): string[];
}
const Modules = Module as unknown as ModuleInternals;

/** The bundle's exports, compiled from the cache when there is a usable one. */
export function loadBundle(path: string, command: string | undefined, env: NodeJS.ProcessEnv = process.env): unknown {
  const dir = env.SCHEMAFORM_COMPILE_CACHE === 'off' ? undefined : cacheDirectory(env);
  if (!dir) return createRequire(path)(path);
  const { size, mtimeMs } = statSync(path);
  const fileOf = (name: string) => join(dir, `${name}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8`);
  // Whether the word names a command is known once the bundle has run: until then a word's own file, else `other`'s.
  const word = /^[a-z][a-z-]{0,30}$/.test(command ?? '') ? command! : OTHER;
  const own = readOwned(fileOf(word));
  const other = own || word === OTHER ? undefined : readOwned(fileOf(OTHER));
  const cachedData = own ?? other;
  const script = new vm.Script(Modules.wrap(readFileSync(path, 'utf8')), { filename: path, cachedData });
  const module = new Modules(path);
  module.filename = path;
  module.paths = Modules._nodeModulePaths(dirname(path));
  Modules._cache[path] = module;
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  module.loaded = true;
  // Code compiled by vm.Script cannot import(): the packages left out of the bundle are imported from here.
  (module.exports as { useImporter?: (host: (specifier: string) => Promise<unknown>) => void }).useImporter?.((specifier) => import(specifier));
  const name = isCommandWord(module.exports, word) ? word : OTHER;
  const read = name === word ? own : other;
  // At exit the cache holds what this command compiled, not only the bundle's top level.
  if (!read || script.cachedDataRejected) process.once('exit', () => save(fileOf(name), () => script.createCachedData(), (w) => w === name || (w !== OTHER && !isCommandWord(module.exports, w))));
  return module.exports;
}

/** The file of every word that is not a command. */
const OTHER = 'other';

/** Whether `word` is a command or the topic of some (`state` of `state:list`), by the bundle's own list. */
function isCommandWord(exports: unknown, word: string): boolean {
  const ids = Object.keys((exports as { COMMANDS?: object }).COMMANDS ?? {});
  return ids.some((id) => id === word || id.startsWith(`${word}:`));
}

/** $SCHEMAFORM_CACHE_DIR, else $XDG_CACHE_HOME/schemaform, else ~/.cache/schemaform; made private to the user. Undefined if none can be. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const dir = env.SCHEMAFORM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'schemaform');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownedPrivately(statSync(dir)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** This user's, and nobody else may write it. */
function ownedPrivately(stat: { uid: number; mode: number }): boolean {
  return stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

function readOwned(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    // Not through a link someone else placed: O_NOFOLLOW, then the open file's own owner.
    fd = openSync(file, fs.O_RDONLY | fs.O_NOFOLLOW);
    return ownedPrivately(fstatSync(fd)) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Written beside and renamed, so a concurrent command reads a whole file or
 * none; then the other cache files of the words `replaces` names are removed
 * (this command's for other builds or Nodes, and any a typo left), so
 * upgrades and mistakes do not pile them up. A failure only means no cache.
 */
function save(file: string, data: () => Buffer, replaces: (word: string) => boolean): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data(), { mode: 0o600, flag: 'wx' });
    renameSync(partial, file);
    const dir = dirname(file);
    for (const name of readdirSync(dir)) {
      const word = /^([a-z][a-z-]*?)-\d+-\d+-v[^/]*\.v8$/.exec(name)?.[1];
      if (word !== undefined && replaces(word) && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // No cache next time, or an old file left; nothing else depends on it.
    try {
      rmSync(partial, { force: true });
    } catch {
      // A file that cannot be removed cannot be helped here either.
    }
  }
}
