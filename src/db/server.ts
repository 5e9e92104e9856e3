import pg from 'pg';
import { SchemaformError } from '../errors.js';
import type { Database } from './database.js';
import { connectionSecrets, redactConnection, scrub } from './redact.js';

export async function connectServer(url: string): Promise<Database> {
  // Pipelining: queries issued together (the catalog reads) are sent
  // together instead of one round trip after another.
  const client = new pg.Client({ connectionString: url, application_name: 'schemaform', pipeline: true });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new SchemaformError(`could not connect to ${redactConnection(url)}: ${scrub((e as Error).message, connectionSecrets(url))}`, {
      hint: 'Check --database-url, DATABASE_URL or the PG* variables (PGHOST, PGDATABASE, PGUSER, PGSERVICE); --embedded uses a throwaway local database instead.',
    });
  }
  // A failed query must not leave an error event unhandled and kill the process.
  client.on('error', () => undefined);
  return {
    description: redactConnection(url),
    connectAnother: () => connectServer(url),
    inTransaction: () => client.getTransactionStatus() !== 'I',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async run(sql: string) {
      // queryMode is in node-postgres since 8.12, not yet in @types/pg.
      await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
    },
    async close() {
      await client.end();
    },
    abort() {
      // end() waits for the query under way; a deadline cannot. The socket is not in @types/pg.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    },
  };
}
