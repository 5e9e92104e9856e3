/** Set by --no-color: the person said so, whatever the environment says. */
let colorOff = false;

export function turnColorOff(): void {
  colorOff = true;
}

/**
 * ANSI styling that switches itself off for pipes, CI logs, NO_COLOR and
 * --no-color; FORCE_COLOR (other than 0) turns it on for a log viewer that
 * shows colours although it is not a terminal.
 */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (colorOff || 'NO_COLOR' in process.env) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

export interface Style {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    const id = (s: string) => s;
    return { green: id, yellow: id, red: id, bold: id, dim: id };
  }
  return { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
