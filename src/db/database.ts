/**
 * The only thing the core needs from a database: run SQL, get rows back.
 * Both a PostgreSQL server (node-postgres) and the embedded PGlite engine
 * implement it, so every command works the same against either.
 */
/** An error the server sent (it has a severity and a SQLSTATE), not one of the connection's (a lost socket). */
export function isServerError(e: unknown): e is Error & { code: string; severity: string; position?: string } {
  const { code, severity } = (e ?? {}) as { code?: unknown; severity?: unknown };
  return e instanceof Error && typeof code === 'string' && typeof severity === 'string';
}

export interface Database {
  /** One statement with bind parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of statements without parameters, in one round trip. Only for SQL schemaform writes itself. */
  exec(sql: string): Promise<void>;
  /**
   * Exactly one statement, over the extended protocol: the server refuses a
   * text that holds a second one, so a plan's statement can never smuggle in
   * another (a COMMIT, say).
   */
  run(sql: string): Promise<void>;
  close(): Promise<void>;
  /** Drop the connection at once, whatever it is doing (a query waiting for a lock fails on the client side now). */
  abort(): void;
  /**
   * Another connection to the same database, for reads that can run side by
   * side (see withSharedSnapshot). Absent where there is only one (PGlite).
   */
  connectAnother?(): Promise<Database>;
  /** True while the connection is inside a transaction block, as the server last reported; absent where unknown. */
  inTransaction?(): boolean;
  /** Shown to people: never contains a password. */
  readonly description: string;
}
