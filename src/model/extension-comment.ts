import type { Extension } from './types.js';

/**
 * The comment a desired extension asks for. One read from a database (a
 * snapshot rolled back to, a rehearsal's setup) says exactly what it had;
 * one from a file that states none asks for the one the installed
 * extension comes with (its control file's). To PostgreSQL an empty
 * comment is no comment.
 */
export function wantedExtensionComment(live: Extension | undefined, desired: Extension): string | undefined {
  const read = desired.defaultComment !== undefined;
  return (read ? desired.comment : desired.comment ?? live?.defaultComment) || undefined;
}

/** Whether a live extension's comment differs from the one it comes with: only then does a file need to say it. */
export function extensionCommentChanged(e: Extension): boolean {
  return (e.comment || undefined) !== (e.defaultComment || undefined);
}
