import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SchemaformError } from '../errors.js';

/**
 * A connection named the way libpq names one when no URL is given: the
 * PGSERVICE entry of a service file, then PGHOST, PGHOSTADDR, PGPORT,
 * PGDATABASE, PGUSER and PGSSLMODE on top. The password is the driver's
 * business (PGPASSWORD, then ~/.pgpass or PGPASSFILE), as with psql.
 * Undefined when none of these is set.
 */
export function libpqConnectionUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const service = env.PGSERVICE ? serviceEntry(env.PGSERVICE, env) : {};
  const fromEnv: Record<string, string | undefined> = {
    host: env.PGHOST ?? env.PGHOSTADDR, port: env.PGPORT, dbname: env.PGDATABASE, user: env.PGUSER, sslmode: env.PGSSLMODE,
  };
  const settings = { ...service, ...Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined && v !== '')) };
  if (Object.keys(settings).length === 0) return undefined;
  const { dbname, ...rest } = settings;
  const query = Object.entries(rest).map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
  return `postgresql:///${encodeURIComponent(dbname ?? settings.user ?? '')}${query ? `?${query}` : ''}`;
}

/** Which variables named the connection, for the line that says where a command connects. */
export function libpqSources(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['PGSERVICE', 'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER'].filter((k) => env[k]);
}

const KEYS = new Set(['host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'sslmode']);

/**
 * One [service] of PGSERVICEFILE, else ~/.pg_service.conf, else the
 * system-wide pg_service.conf (PGSYSCONFDIR, or Debian's /etc/postgresql-common).
 */
function serviceEntry(name: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const files = env.PGSERVICEFILE ? [env.PGSERVICEFILE] : [join(homedir(), '.pg_service.conf'), join(env.PGSYSCONFDIR ?? '/etc/postgresql-common', 'pg_service.conf')];
  for (const file of files.filter((f) => existsSync(f))) {
    const entry = parseServiceFile(readFileSync(file, 'utf8'))[name];
    if (entry) return entry;
  }
  throw new SchemaformError(`PGSERVICE names service "${name}", which no service file defines (looked in ${files.join(', ')})`, {
    hint: 'Add a [' + name + '] section to one of them, set PGSERVICEFILE, or unset PGSERVICE.',
  });
}

/** INI sections of key=value lines; # and ; start comments. */
export function parseServiceFile(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) out[header[1]!.trim()] = section = {};
    else {
      const eq = line.indexOf('=');
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (!section || eq <= 0 || !KEYS.has(key)) continue;
      // The driver takes one host: an address stands in for a missing name.
      if (key === 'hostaddr') section.host ??= value;
      else section[key] = value;
    }
  }
  return out;
}
