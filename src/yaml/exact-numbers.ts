/**
 * YAML numbers as schemaform reads them, from either parser. Sequence and
 * identity options are 64-bit, beyond what a JavaScript number holds
 * exactly: an integer that a number cannot hold becomes its exact decimal
 * text (every field that takes a large number takes it as text too),
 * instead of silently turning 9007199254740993 into ...992. A number that
 * is not finite (`.inf`, `.nan`, `1e309`) means nothing to PostgreSQL and
 * is refused where it is written.
 */

/** The value of YAML 1.2 integer text (decimal, 0o octal, 0x hex, with a sign). */
export function exactInteger(text: string): number | string {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '');
  const value = BigInt(digits) * (negative ? -1n : 1n);
  if (value === 0n && negative) return -0;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

export const notFinite = (text: string) =>
  `${text} is not a finite number; write the value you mean (quote it to pass the text to PostgreSQL as it is)`;
