import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * Where a plan may be rehearsed: a server on which the role may create a
 * database (the live one, or a shadow server), and how to connect to a
 * database of a given name there.
 */
export interface RehearsalTarget {
  server: Database;
  connect(database: string): Promise<Database>;
  /** The connection string of a database of that name there (for pg_dump). */
  urlOf(database: string): string;
  /** For people: "this server" or the shadow server's description. */
  where: string;
  /** Let go of `server` when it was opened for the rehearsal. */
  close?: () => Promise<void>;
}

const PREFIX = 'schemaform_rehearsal_';
/** A scratch database nobody is connected to after this long was left by a process that died. */
const STALE_AFTER_SECONDS = 600;

export type Scratch<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Create a scratch database, run `work` in it, drop it, whatever happens.
 * Scratch databases a crashed run left behind are dropped first. When the
 * role may not create databases, says why instead.
 */
export async function withScratchDatabase<T>(target: RehearsalTarget, work: (db: Database, name: string) => Promise<T>): Promise<Scratch<T>> {
  const [{ version }] = (await target.server.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version")) as [{ version: number }];
  const drop = (name: string) => dropDatabase(target.server, name, version);
  await dropAbandoned(target.server, drop);
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  try {
    await target.server.exec(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } catch (e) {
    return { ok: false, reason: `could not create a scratch database on ${target.where} (${(e as Error).message})` };
  }
  try {
    let db: Database;
    try {
      db = await target.connect(name);
    } catch (e) {
      return { ok: false, reason: `could not connect to the scratch database on ${target.where} (${(e as Error).message})` };
    }
    try {
      return { ok: true, value: await work(db, name) };
    } finally {
      await db.close().catch(() => undefined);
    }
  } finally {
    await drop(name);
  }
}

async function dropDatabase(server: Database, name: string, version: number) {
  await server.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${version >= 130000 ? ' WITH (FORCE)' : ''}`).catch(() => undefined);
}

async function dropAbandoned(server: Database, drop: (name: string) => Promise<void>) {
  const rows = await server.query<{ name: string }>(
    `SELECT d.datname AS name FROM pg_catalog.pg_database d
      WHERE d.datname LIKE '${PREFIX.replace(/_/g, '\\_')}%'
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname)`,
  ).catch(() => []);
  const now = Date.now() / 1000;
  for (const { name } of rows) {
    const created = Number(name.slice(PREFIX.length).split('_')[0]);
    if (Number.isFinite(created) && now - created > STALE_AFTER_SECONDS) await drop(name);
  }
}
