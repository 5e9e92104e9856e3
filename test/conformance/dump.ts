import { join } from 'node:path';
import { schemaDump as dumpWith } from '../../src/verify/pg-dump.js';

export { normalizeDump } from '../../src/verify/pg-dump.js';

/** pg_dump --schema-only of `url` with the pg_dump in `binDir`, reduced as `schema inspect --verify` reduces it. */
export function schemaDump(binDir: string, url: string, options: { privileges?: boolean } = {}): string {
  return dumpWith(join(binDir, 'pg_dump'), url, options);
}
