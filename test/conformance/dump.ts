import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * pg_dump --schema-only, reduced to what must match: no comments, settings
 * or ownership (nor privileges unless asked for), and column order inside
 * CREATE TABLE ignored (PostgreSQL cannot reorder columns, so an added
 * column lands last).
 */
export function schemaDump(binDir: string, url: string, options: { privileges?: boolean } = {}): string {
  const flags = ['--schema-only', '--no-owner', ...(options.privileges ? [] : ['--no-privileges']), '--exclude-schema=schemaform'];
  const r = spawnSync(join(binDir, 'pg_dump'), [...flags, url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
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
