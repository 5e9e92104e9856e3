import { SchemaformError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `15min`, `1h` in milliseconds (a bare number is milliseconds, as PostgreSQL reads it), or a clear error naming `what`. */
export function parseDuration(text: string, what: string): number {
  const m = /^\s*(\d+)\s*(ms|s|min|h)?\s*$/.exec(text);
  if (!m) throw new SchemaformError(`invalid ${what} "${text}"`, { hint: 'Use a duration such as 500ms, 30s, 15min or 1h.' });
  return Number(m[1]) * UNITS[m[2] ?? 'ms']!;
}
