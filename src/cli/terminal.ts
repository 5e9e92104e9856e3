import { createInterface } from 'node:readline/promises';

/**
 * Whether a person is at a terminal: stdin and stderr are TTYs and this is
 * not CI (CI runners sometimes give jobs a TTY). Only then may a command ask
 * a question or pick a default that suits people but not deploy jobs.
 */
export function isInteractive(): boolean {
  return !process.env.CI && process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Ask on the terminal and return the answer as typed. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
