import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import type { RehearsalTarget } from '../rehearse/scratch.js';
import { SchemaformError } from '../errors.js';
import { PROBE_LOCK_TIMEOUT } from '../normalize/planning-transaction.js';

export const EMBEDDED_DIR = '.schema';

/**
 * Every command's own waits are bounded: reading the catalog can queue
 * behind a lock that another session holds (an ALTER TABLE in progress),
 * and a plan or a drift check should say so after a few seconds rather than
 * wait with it. The apply sets its own limits inside its transaction.
 */
// The same lock bound as planning's own transactions, so that a message naming it is true of both.
export const SESSION_LOCK_TIMEOUT = PROBE_LOCK_TIMEOUT;
const SESSION_STATEMENT_TIMEOUT = '5min';
const boundWaits = `SET lock_timeout = '${SESSION_LOCK_TIMEOUT}'; SET statement_timeout = '${SESSION_STATEMENT_TIMEOUT}'`;

export interface Connection {
  db: Database;
  /** The server URL this is, when it is one (a rehearsal creates its scratch database there). */
  url?: string;
  /** One line saying which database this is, for people. */
  announcement: string;
  close(): Promise<void>;
}

/**
 * --database-url, else DATABASE_URL, else the embedded database under
 * .schema/ in the working directory. The embedded engine is single-process,
 * so a lock file keeps two commands from opening it at once.
 */
export async function connect(databaseUrl: string | undefined): Promise<Connection> {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  if (url) {
    const { connectServer } = await import('../db/server.js');
    const db = await connectServer(url);
    await db.exec(boundWaits);
    // PostgreSQL 14+: the server checks each second that the client is still there, so a
    // command that is killed or gives up does not leave a session waiting on its behalf.
    await db.exec("SET client_connection_check_interval = '1s'").catch(() => undefined);
    return { db, url, announcement: `Using ${db.description}`, close: () => db.close() };
  }
  const dir = resolve(EMBEDDED_DIR);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new SchemaformError(`the embedded database in ${EMBEDDED_DIR}/ is in use by process ${pid}; nothing was changed`, {
        hint: 'Wait for that command to finish. The embedded database serves one command at a time; use DATABASE_URL for a server.',
      });
    }
  }
  writeFileSync(lock, String(process.pid));
  const { openEmbedded } = await import('../db/embedded.js');
  try {
    const db = await openEmbedded(join(dir, 'pgdata'));
    await db.exec(boundWaits);
    return {
      db,
      announcement: `Using the embedded PostgreSQL in ${EMBEDDED_DIR}/ (set DATABASE_URL or --database-url to use a server)`,
      async close() {
        await db.close();
        rmSync(lock, { force: true });
      },
    };
  } catch (e) {
    rmSync(lock, { force: true });
    throw e;
  }
}

/**
 * Where `schema plan` rehearses: the server at `url`, through a database of
 * another name there. The session that creates and drops scratch databases
 * is `server` (already open), or a connection of its own for a shadow server.
 */
export async function rehearsalTarget(url: string, server?: Database): Promise<RehearsalTarget> {
  const { connectServer } = await import('../db/server.js');
  const admin = server ?? await connectServer(url);
  if (!server) await admin.exec(boundWaits);
  return {
    server: admin,
    where: server ? 'this server' : admin.description,
    async connect(database: string) {
      const db = await connectServer(withDatabaseName(url, database));
      await db.exec(boundWaits);
      return db;
    },
    urlOf: (database: string) => withDatabaseName(url, database),
    ...(!server && { close: () => admin.close() }),
  };
}

/** The same connection string naming another database: a URL's path, or a key=value string's dbname. */
export function withDatabaseName(url: string, database: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const u = new URL(url);
    u.pathname = `/${encodeURIComponent(database)}`;
    return u.toString();
  }
  const kept = url.replace(/(^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g, '');
  return `${kept.trim()} dbname='${database}'`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
