import { mkdir } from 'node:fs/promises';
import { SchemaformError } from '../errors.js';
import type { Database } from './database.js';

/**
 * PostgreSQL compiled to WebAssembly, persisted in a directory: lets people
 * try schemaform with nothing but Node installed. Loaded only when used,
 * because the engine is large.
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
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
    import('@electric-sql/pglite/contrib/pgcrypto'),
    import('@electric-sql/pglite/contrib/uuid_ossp'),
    import('@electric-sql/pglite/contrib/citext'),
    import('@electric-sql/pglite/contrib/hstore'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('@electric-sql/pglite/contrib/btree_gist'),
    import('@electric-sql/pglite/contrib/ltree'),
    import('@electric-sql/pglite/contrib/unaccent'),
    import('@electric-sql/pglite/contrib/fuzzystrmatch'),
  ]);
  return { pgcrypto, uuid_ossp, citext, hstore, pg_trgm, btree_gin, btree_gist, ltree, unaccent, fuzzystrmatch };
}
