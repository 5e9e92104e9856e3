import { parseDuration } from '../duration.js';

/** How long one statement may wait for a lock: what application statements queued behind it wait at most. */
export const DEFAULT_LOCK_TIMEOUT = '2s';

/** How long a step meant to change only the catalog may run while it blocks writes (see expectedBrief). */
export const DEFAULT_BRIEF_TIMEOUT = '5s';

const SETTINGS = ['lock_timeout', 'statement_timeout', 'standard_conforming_strings', 'check_function_bodies', 'client_connection_check_interval'] as const;

/**
 * Routines are created before the tables they may read (a default or a
 * check may call them), so their bodies cannot be checked against tables
 * yet; as with pg_dump, they are checked when first run. Statements may
 * run long (an index build is work, not a wait), but waits for locks are
 * bounded; and on PostgreSQL 14+ the server checks every second that the
 * client is still there, so a killed apply does not hold its locks on.
 * LOCAL inside a transaction; for the session when steps run outside one.
 */
export function applySettings(lockTimeout: string, serverVersion: number, scope: 'transaction' | 'session'): string {
  const set = scope === 'transaction' ? 'SET LOCAL' : 'SET';
  return [
    `${set} lock_timeout = '${parseDuration(lockTimeout, 'lock timeout')}ms'`,
    `${set} statement_timeout = '0'`,
    `${set} standard_conforming_strings = on`,
    `${set} check_function_bodies = off`,
    ...(serverVersion >= 140000 ? [`${set} client_connection_check_interval = '1s'`] : []),
  ].join('; ');
}

/** The session's settings back to the server's defaults once an online apply is over. */
export function resetSettings(serverVersion: number): string {
  return [...SETTINGS.filter((s) => serverVersion >= 140000 || s !== 'client_connection_check_interval'), 'search_path'].map((s) => `RESET ${s}`).join('; ');
}

/** The brief-step timeout in milliseconds, from the apply's options. */
export function briefMs(options: { briefTimeout?: string }): number {
  return parseDuration(options.briefTimeout ?? DEFAULT_BRIEF_TIMEOUT, 'brief-step timeout');
}
