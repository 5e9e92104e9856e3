import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serverUrl } from './root-hooks.js';

/**
 * A fresh, empty database per test so tests never see each other's objects.
 * With TEST_DATABASE_URL the role needs CREATEDB.
 */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `sf_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Run SQL against a database URL and return rows. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** The rehearsal's scratch databases on the server of `url`: none may be left behind. */
export async function scratchDatabases(url: string): Promise<string[]> {
  return (await sql<{ name: string }>(url, "SELECT datname AS name FROM pg_database WHERE datname LIKE 'schemaform\\_rehearsal\\_%'")).map((r) => r.name);
}
