import type { Database } from '../db/database.js';
import { SchemaformError } from '../errors.js';

/**
 * What a concurrent index build on a table with rows may use. Measured on
 * a busy 10,000,000-row table (npm run bench:online, the sampler of
 * SCHEMAFORM_BENCH_TRACE): with the server's defaults, the application's
 * writes waited up to a second inside the build, for no lock of ours. One
 * cause is the build's: its validation scans the new index page by page,
 * holding each page's lock while it feeds the page's entries to a sort;
 * when the sort outgrows maintenance_work_mem it writes a run to disk
 * right there, and writers inserting into that page wait for it
 * (LWLock:BufferContent). So the build gets the memory its sorts need,
 * from the table's row estimate, within a cap (which also spares the
 * temporary files and makes it faster).
 *
 * Parallel workers are the server's choice unless asked: on two cores they
 * take the CPU from writers in the middle of holding a page, on many cores
 * they shorten the build; `--build-workers 0` keeps the build on one core.
 *
 * Both are session settings, set for the build and reset after it.
 */
export interface BuildResources {
  /** maintenance_work_mem: 'auto' (from the row estimate, at least the server's, at most AUTO_CAP), 'server', or bytes. */
  memory: 'auto' | 'server' | number;
  /** max_parallel_maintenance_workers: 'server' (the default), or a number. */
  workers: 'server' | number;
}

export const DEFAULT_BUILD_MEMORY = 'auto';
export const DEFAULT_BUILD_WORKERS = 'server';
const AUTO_CAP = 1024 ** 3;
/** Per row: a btree build's sorted tuple (~56 bytes for a one-column key) and the validation's sorted TID (24). */
const BYTES_PER_ROW = 80;
const MARGIN = 64 * 1024 ** 2;
const SIZE_UNITS: Record<string, number> = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** The options as given (`--build-memory`, `--build-workers`), or a clear error naming the fix. */
export function buildResources(options: { buildMemory?: string; buildWorkers?: string }): BuildResources {
  const memory = (options.buildMemory ?? DEFAULT_BUILD_MEMORY).trim();
  const workers = (options.buildWorkers ?? DEFAULT_BUILD_WORKERS).trim();
  const size = /^(\d+)\s*(kB|MB|GB|TB)$/.exec(memory);
  if (memory !== 'auto' && memory !== 'server' && !size) {
    throw new SchemaformError(`invalid build memory "${memory}"`, { hint: 'Use auto, server, or a size such as 512MB or 2GB (PostgreSQL units: kB, MB, GB, TB).' });
  }
  if (workers !== 'server' && !/^\d{1,3}$/.test(workers)) {
    throw new SchemaformError(`invalid number of build workers "${workers}"`, { hint: 'Use a number of parallel workers (0: none) or server (the default: the server\'s max_parallel_maintenance_workers).' });
  }
  return {
    memory: size ? Number(size[1]) * SIZE_UNITS[size[2]!]! : (memory as 'auto' | 'server'),
    workers: workers === 'server' ? 'server' : Number(workers),
  };
}

/** maintenance_work_mem for a build over `rows` rows: what its sorts need, at least `current` (the server's), at most the cap. Pure. */
export function autoBuildMemory(rows: number, current: number): number {
  return Math.max(current, Math.min(AUTO_CAP, Math.ceil(Math.max(rows, 0) * BYTES_PER_ROW + MARGIN)));
}

/** The SET statements for a concurrent build on schema.table (none when both are left to the server). */
export async function buildSettings(db: Database, schema: string, table: string, resources: BuildResources): Promise<string[]> {
  const out: string[] = [];
  if (resources.memory !== 'server') {
    let bytes = resources.memory;
    if (bytes === 'auto') {
      const [row] = await db.query<{ rows: number; current: string }>(
        `SELECT coalesce((SELECT c.reltuples FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2), 0)::float8 AS rows,
           pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem'))::text AS current`, [schema, table]);
      bytes = autoBuildMemory(Number(row!.rows), Number(row!.current));
    }
    out.push(`SET maintenance_work_mem = '${Math.ceil(bytes / 1024)}kB'`);
  }
  if (resources.workers !== 'server') out.push(`SET max_parallel_maintenance_workers = ${resources.workers}`);
  return out;
}

/** After the build: the session's settings as they were. */
export const RESET_BUILD_SETTINGS = 'RESET maintenance_work_mem; RESET max_parallel_maintenance_workers';
