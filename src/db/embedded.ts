import { mkdir } from 'node:fs/promises';
import { SchemaformError } from '../errors.js';
import type { Database } from './database.js';
import { importExternal } from '../external-import.js';

/**
 * PostgreSQL compiled to WebAssembly, persisted in a directory: lets people
 * try schemaform with nothing but Node installed. Loaded only when used,
 * because the engine is large.
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const { PGlite } = await importExternal<typeof import('@electric-sql/pglite')>('@electric-sql/pglite');
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dataDir, { extensions: await contribExtensions() });
  } catch (e) {
    throw new SchemaformError(`could not open the embedded database in ${dataDir}: ${(e as Error).message}`, {
      hint: 'Another schemaform process may be using it; wait for it, or point DATABASE_URL at a server.',
    });
  }
  return {
    description: `embedded PostgreSQL in ${dataDir}`,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async run(sql: string) {
      // PGlite's query() is the extended protocol: one statement only.
      await db.query(sql);
    },
    async close() {
      await db.close();
    },
    abort() {
      // In-process: nothing waits on another session.
      void db.close();
    },
  };
}

/**
 * The contrib extensions applications most often declare. A server has them
 * on disk; the embedded engine must be told about them up front.
 */
async function contribExtensions() {
  const [{ pgcrypto }, { uuid_ossp }, { citext }, { hstore }, { pg_trgm }, { btree_gin }, { btree_gist }, { ltree }, { unaccent }, { fuzzystrmatch }] = await Promise.all([
    importExternal<typeof import('@electric-sql/pglite/contrib/pgcrypto')>('@electric-sql/pglite/contrib/pgcrypto'),
    importExternal<typeof import('@electric-sql/pglite/contrib/uuid_ossp')>('@electric-sql/pglite/contrib/uuid_ossp'),
    importExternal<typeof import('@electric-sql/pglite/contrib/citext')>('@electric-sql/pglite/contrib/citext'),
    importExternal<typeof import('@electric-sql/pglite/contrib/hstore')>('@electric-sql/pglite/contrib/hstore'),
    importExternal<typeof import('@electric-sql/pglite/contrib/pg_trgm')>('@electric-sql/pglite/contrib/pg_trgm'),
    importExternal<typeof import('@electric-sql/pglite/contrib/btree_gin')>('@electric-sql/pglite/contrib/btree_gin'),
    importExternal<typeof import('@electric-sql/pglite/contrib/btree_gist')>('@electric-sql/pglite/contrib/btree_gist'),
    importExternal<typeof import('@electric-sql/pglite/contrib/ltree')>('@electric-sql/pglite/contrib/ltree'),
    importExternal<typeof import('@electric-sql/pglite/contrib/unaccent')>('@electric-sql/pglite/contrib/unaccent'),
    importExternal<typeof import('@electric-sql/pglite/contrib/fuzzystrmatch')>('@electric-sql/pglite/contrib/fuzzystrmatch'),
  ]);
  return { pgcrypto, uuid_ossp, citext, hstore, pg_trgm, btree_gin, btree_gist, ltree, unaccent, fuzzystrmatch };
}
