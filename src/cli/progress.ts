import { colorEnabled } from './style.js';

/**
 * Progress on stderr: a spinner on a terminal, plain timestamped lines in CI
 * and pipes, nothing at all for --json.
 */
export interface Progress {
  phase(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

export async function createProgress(options: { quiet: boolean }): Promise<Progress> {
  if (options.quiet) return { phase() {}, succeed() {}, fail() {}, stop() {} };
  const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
  if (!interactive) {
    const started = Date.now();
    const line = (mark: string, text: string) => process.stderr.write(`${mark} ${text} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
    return { phase: (t) => line('…', t), succeed: (t) => line('✓', t), fail: (t) => line('✗', t), stop() {} };
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: process.stderr, color: colorEnabled(process.stderr) ? 'cyan' : false as never });
  return {
    phase(text) { spinner.start(text); },
    succeed(text) { spinner.succeed(text); },
    fail(text) { spinner.fail(text); },
    stop() { spinner.stop(); },
  };
}
