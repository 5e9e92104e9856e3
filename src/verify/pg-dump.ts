import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SchemaformError } from '../errors.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import { withoutPassword } from '../db/redact.js';

/**
 * A pg_dump at least as new as the server (an older one refuses to dump a
 * newer server): SCHEMAFORM_PG_DUMP, else the newest on PATH or in
 * Debian's /usr/lib/postgresql/N/bin. SCHEMAFORM_PG_DUMP=none says not to
 * use one (inspect --verify then compares the catalogs).
 */
export function findPgDump(serverVersion: number): string {
  const major = Math.floor(serverVersion / 10000);
  const fromEnv = process.env.SCHEMAFORM_PG_DUMP;
  if (fromEnv === 'none') throw new SchemaformError('SCHEMAFORM_PG_DUMP=none: not using pg_dump');
  if (fromEnv) return fromEnv;
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'pg_dump')),
    ...debianBinaries().map((dir) => join(dir, 'pg_dump')),
  ].filter((file) => existsSync(file));
  const versioned = candidates.map((file) => ({ file, major: pgDumpMajor(file) })).filter((c) => c.major !== undefined && c.major >= major);
  versioned.sort((a, b) => b.major! - a.major!);
  const found = versioned[0];
  if (!found) {
    throw new SchemaformError(`no pg_dump of version ${major} or newer found (looked on PATH and in /usr/lib/postgresql)`, {
      hint: `Install PostgreSQL's client programs (Debian: postgresql-client-${major}), or set SCHEMAFORM_PG_DUMP to a pg_dump.`,
    });
  }
  return found.file;
}

function debianBinaries(): string[] {
  const root = '/usr/lib/postgresql';
  return existsSync(root) ? readdirSync(root).map((v) => join(root, v, 'bin')) : [];
}

function pgDumpMajor(file: string): number | undefined {
  const r = spawnSync(file, ['--version'], { encoding: 'utf8' });
  const m = /(\d+)(?:\.\d+)?/.exec(r.stdout ?? '');
  return r.status === 0 && m ? Number(m[1]) : undefined;
}

/**
 * `pg_dump --schema-only` of the database at `url`, reduced to what must
 * match between two databases built the same way: no comments, settings
 * or ownership, privileges only when asked for, schemaform's own schema
 * left out, and columns inside CREATE TABLE in name order (PostgreSQL
 * cannot reorder columns, so a column added later lands last). The
 * password travels in the environment, not on a command line others see.
 */
export function schemaDump(pgDump: string, url: string, options: { privileges?: boolean; schemas?: readonly string[] } = {}): string {
  const { target, password } = withoutPassword(url);
  const flags = [
    '--schema-only', '--no-owner', ...(options.privileges ? [] : ['--no-privileges']), `--exclude-schema=${TOOL_SCHEMA}`,
    ...(options.schemas ?? []).map((s) => `--schema=${s}`),
  ];
  const r = spawnSync(pgDump, [...flags, '--dbname', target], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...(password !== undefined && { PGPASSWORD: password }) } });
  if (r.status !== 0) throw new SchemaformError(`pg_dump failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return normalizeDump(r.stdout);
}

export function normalizeDump(dump: string): string {
  const lines = dump.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('--') && !l.startsWith('SET ') && !l.startsWith('SELECT pg_catalog.set_config') && !l.startsWith('\\'));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    if (/^CREATE (UNLOGGED )?TABLE .*\($/.test(line)) {
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !/^\)/.test(lines[j]!)) body.push(lines[j++]!.replace(/,$/, ''));
      out.push(...body.sort());
      i = j - 1;
    }
  }
  return out.join('\n');
}
