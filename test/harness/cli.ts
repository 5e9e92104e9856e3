import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real `schema` binary the way a deploy job would: no TTY, CI set. */
export function runCli(args: string[], options: { cwd: string; databaseUrl?: string; env?: Record<string, string> }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** What a stack trace looks like in Node's output. */
export const STACK_TRACE = /^\s+at .+[(:]\d+/m;

/** The one-table schema the CLI tests plan: a notes table with an identity key. */
export const NOTES_SCHEMA = `schemas:
  public:
    tables:
      notes:
        columns:
          id: { type: bigint, identity: always }
          body: { type: text, notNull: true }
        primaryKey: [id]
`;
