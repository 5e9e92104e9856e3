/**
 * import() of a package kept outside the CLI's bundle (PostgreSQL's parser,
 * PGlite). The CLI compiles its bundle through vm.Script to use V8's code
 * cache (see cli/compile-cache.ts), and code compiled that way has no
 * import() of its own in Node 20: the loader hands one over with
 * useImporter. Everywhere else (the library, the tests) this is import().
 */
type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function useImporter(host: Importer): void {
  importer = host;
}

export function importExternal<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
