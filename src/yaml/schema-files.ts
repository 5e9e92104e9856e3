import { open, readdir, realpath, stat, lstat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { SchemaformError } from '../errors.js';

/** Larger than any schema file (5,000 tables is ~6 MB); a bigger one is not a schema file. */
export const MAX_SCHEMA_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The schema files a path names: the file itself, or the .yaml/.yml files
 * of a directory. A directory's entries come from whoever wrote the
 * repository (a pull request, say), so each must be a regular file inside
 * it: a link to `../.env` or `/proc/self/environ` would otherwise have its
 * content echoed in a parse error.
 */
export async function listSchemaFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new SchemaformError(`schema file not found: ${path}`, { hint: 'Run `schema init` to write a starter schema.yaml, or pass -f PATH.' });
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (names.length === 0) throw new SchemaformError(`no .yaml or .yml files in directory ${path}`, { hint: 'Put the schema in one or more YAML files there, or pass -f FILE.' });
  const root = await realpath(path);
  const files = names.map((n) => join(path, n));
  for (const file of files) {
    if (!(await lstat(file)).isSymbolicLink()) continue;
    const target = await realpath(file).catch(() => undefined);
    if (!target?.startsWith(root + sep)) {
      throw new SchemaformError(`${file} is a link to a file outside ${path}; refusing to read it`, {
        hint: 'Schema files in a directory must be files in that directory (or links to files inside it).',
      });
    }
  }
  return files;
}

/**
 * A schema file's text. Only regular files, at most MAX_SCHEMA_FILE_BYTES,
 * and only as many bytes as the file says it holds: a device (/dev/zero), a
 * FIFO or a file of the kernel's (/proc, /sys report a size of 0) gives
 * nothing to echo, and nothing to wait for.
 */
export async function readSchemaText(file: string): Promise<string> {
  const info = await stat(file);
  if (!info.isFile()) {
    throw new SchemaformError(`${file} is not a regular file (it is ${kindOf(info)}); refusing to read it`, { hint: 'Pass a .yaml file, or a directory of them, with -f.' });
  }
  if (info.size > MAX_SCHEMA_FILE_BYTES) {
    throw new SchemaformError(`${file} is ${info.size} bytes, more than the ${MAX_SCHEMA_FILE_BYTES} a schema file may have; refusing to read it`, { hint: 'Split the schema over several files in a directory.' });
  }
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
