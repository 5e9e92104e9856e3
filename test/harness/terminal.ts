import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './cli.js';

const bin = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

/**
 * Runs the child on a pseudo-terminal (Python's pty module: Node has none
 * without a native addon) and types `answer` when the output asks
 * (`prompt`). Output is stdout and stderr together, as a terminal shows it.
 */
const DRIVER = `
import json, os, pty, select, sys
argv, answer, prompt = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out, sent = b'', False
while True:
    ready, _, _ = select.select([fd], [], [], 60)
    if not ready:
        break
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and prompt in out:
        os.write(fd, (answer + '\\n').encode())
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

export const hasPython = (): boolean => spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

/** The schema binary at a terminal, outside CI. */
export function runInTerminal(args: string[], options: { cwd: string; env: Record<string, string>; answer?: string; prompt?: string }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.CI;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify([process.execPath, bin, ...args]), options.answer ?? '', options.prompt ?? 'applies: '], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: stdout.replace(/\r\n/g, '\n'), stderr }));
  });
}
