import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import type { RehearsalTarget } from '../rehearse/scratch.js';
import { SchemaformError } from '../errors.js';
import { PROBE_LOCK_TIMEOUT } from '../normalize/planning-transaction.js';
import { libpqConnectionUrl, libpqSources } from './libpq-env.js';
import { isInteractive } from './terminal.js';

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

export interface ConnectOptions {
  /** --embedded: the throwaway database under .schema/, even in CI. */
  embedded?: boolean;
  /** Whether a person is at a terminal (tests pass it; the CLI asks the process). */
  interactive?: boolean;
  /** The project file says `embedded: true`: with no database named, the embedded one, even in CI. */
  embeddedWhenNoneNamed?: boolean;
  /** The project environment this database is, for the announcement. */
  environment?: string;
  /** Told which database this is as soon as that is known: before the embedded one takes seconds to start. */
  announce?: (line: string) => void;
}

/** The ways to name a database, for the error that says none was named. */
const WAYS = 'pass --database-url URL, set DATABASE_URL, set libpq\'s PGHOST / PGDATABASE / PGUSER (or PGSERVICE), or pass --embedded for a throwaway database in .schema/';

/**
 * --database-url, else DATABASE_URL, else libpq's variables (PGSERVICE,
 * PGHOST, PGDATABASE ...). The embedded database under .schema/ only when
 * asked for (--embedded), or for a person at a terminal outside CI, with a
 * line that says so: a deploy job without its database must fail, not
 * apply to a throwaway one and report success.
 */
export async function connect(databaseUrl: string | undefined, options: ConnectOptions = {}): Promise<Connection> {
  if (options.embedded && databaseUrl) throw new SchemaformError('--embedded and --database-url name two databases: give one');
  const url = options.embedded ? undefined : databaseUrl ?? process.env.DATABASE_URL ?? libpqConnectionUrl();
  if (url) {
    const { connectServer } = await import('../db/server.js');
    const db = await connectServer(url);
    await db.exec(boundWaits);
    // PostgreSQL 14+: the server checks each second that the client is still there, so a
    // command that is killed or gives up does not leave a session waiting on its behalf.
    await db.exec("SET client_connection_check_interval = '1s'").catch(() => undefined);
    const named = databaseUrl ?? process.env.DATABASE_URL ? '' : ` (from ${libpqSources().join(', ')})`;
    const announcement = `Using ${db.description}${options.environment ? ` (environment ${options.environment})` : named}`;
    options.announce?.(announcement);
    return { db, url, announcement, close: () => db.close() };
  }
  const interactive = options.interactive ?? isInteractive();
  if (!options.embedded && !options.embeddedWhenNoneNamed && !interactive) {
    throw new SchemaformError('no database to connect to: nothing was changed', { hint: `In CI and without a terminal the embedded database is only used when asked for: ${WAYS}.` });
  }
  return openEmbeddedConnection(options.embedded === true || options.embeddedWhenNoneNamed === true, options.announce);
}

/** The embedded engine is single-process, so a lock file keeps two commands from opening it at once. */
async function openEmbeddedConnection(asked: boolean, announce?: (line: string) => void): Promise<Connection> {
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
  const announcement = asked
    ? `Using the embedded PostgreSQL in ${EMBEDDED_DIR}/`
    : `Using the embedded PostgreSQL in ${EMBEDDED_DIR}/, a throwaway local database (no database was named: set DATABASE_URL or --database-url for a server, --embedded to silence this)`;
  // Starting it takes seconds (longer the first time, when it is created): say what is happening first.
  announce?.(`${announcement}${existsSync(join(dir, 'pgdata')) ? '' : ' (creating it: a few seconds, once)'}`);
  const { openEmbedded } = await import('../db/embedded.js');
  try {
    const db = await openEmbedded(join(dir, 'pgdata'));
    await db.exec(boundWaits);
    return {
      db,
      announcement,
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
