import { Errors, type Hook, type Interfaces } from '@oclif/core';

/**
 * `schema plna` says which command was meant instead of "command plna not
 * found". The words typed are compared with each command's words (`state
 * lst` with `state list`), by edit distance.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.split(':');
  const commands = this.config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':'));
  const guess = closest(typed, commands);
  // `schema validate schema.yaml`: the command is right, the word after it is not one of its arguments.
  if (guess && guess.join(':') === typed.slice(0, guess.length).join(':')) throw unexpectedArgument(this.config, guess, typed.slice(guess.length));
  // The id holds the arguments too (`aply x` → aply:x): show the words that name a command.
  const topic = commands.some((c) => c.length > 1 && c[0] === typed[0]);
  const shown = typed.slice(0, guess?.length ?? (topic ? 2 : 1)).join(' ');
  const lines = [`"${shown}" is not a schema command.${guess ? ` Did you mean "${guess.join(' ')}"?` : ''}`,
    `hint: \`${this.config.bin} --help\` lists the commands; \`${this.config.bin} help COMMAND\` explains one.`];
  throw new Errors.CLIError(lines.join('\n'), { exit: 1 });
};

export default hook;

function unexpectedArgument(config: Interfaces.Config, command: string[], extra: string[]): Errors.CLIError {
  const name = command.join(' ');
  const takesFile = Boolean(config.findCommand(command.join(':'))?.flags?.file);
  const lines = [`"${config.bin} ${name}" takes no argument "${extra[0]}".`,
    `hint: \`${config.bin} help ${name}\` shows what it takes${takesFile ? '; a schema file is given with -f FILE' : ''}.`];
  return new Errors.CLIError(lines.join('\n'), { exit: 1 });
}

/** The command closest to the words typed, if any is close enough to be what was meant. */
export function closest(typed: string[], commands: string[][]): string[] | undefined {
  let best: { command: string[]; distance: number } | undefined;
  for (const command of commands) {
    const words = typed.slice(0, command.length).join(' ');
    const distance = editDistance(words, command.join(' '));
    if (distance <= Math.max(1, Math.floor(words.length / 3)) && (!best || distance < best.distance)) best = { command, distance };
  }
  return best?.command;
}

/** Levenshtein distance, with a transposition counted as one edit (`aplpy`). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
