/**
 * Errors meant for the person at the terminal. The CLI prints `message` and
 * `hint` (what to do next) without a stack trace and exits 1; anything that
 * is not a SchemaformError is a bug and keeps its stack.
 */
export class SchemaformError extends Error {
  readonly hint?: string;
  readonly details: string[];
  constructor(message: string, options: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SchemaformError';
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface SourceProblem extends SourceLocation {
  message: string;
  /** Where in the document, as dotted keys (`schemas.public.tables.users`), when the problem is at a value. */
  path?: string;
}

/** One or more problems in the user's YAML, each pinned to file:line:col. */
export class SchemaFileError extends SchemaformError {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[], hint?: string) {
    super(problems.map(formatProblem).join('\n'), { hint });
    this.name = 'SchemaFileError';
    this.problems = problems;
  }
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** A plan that must not be applied; nothing has been changed when this is thrown. */
export class PlanRefusedError extends SchemaformError {
  readonly reason: 'edited' | 'wrong-target' | 'stale' | 'destructive' | 'locked' | 'invalid' | 'applied';
  constructor(reason: PlanRefusedError['reason'], message: string, options: { hint?: string; details?: string[] } = {}) {
    super(message, options);
    this.name = 'PlanRefusedError';
    this.reason = reason;
  }
}

export function isSchemaformError(e: unknown): e is SchemaformError {
  return e instanceof SchemaformError;
}
