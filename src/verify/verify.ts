import { diffArrays } from 'diff';
import { SchemaformError } from '../errors.js';
import type { Model } from '../model/types.js';
import { buildInScratch } from '../rehearse/build-model.js';
import { withScratchDatabase, type RehearsalTarget } from '../rehearse/scratch.js';
import { schemaDump } from './pg-dump.js';
import { catalogDump } from './catalog-dump.js';
import type { Database } from '../db/database.js';

export interface VerifyInput {
  /** The database that was inspected, and where pg_dump reaches it. */
  liveUrl: string;
  serverVersion: number;
  /** The model as the written YAML reads back. */
  model: Model;
  /** Where to build it: a scratch database on the same server, or on a shadow server. */
  target: RehearsalTarget;
  /** pg_dump, when one is at hand; without it the catalogs are compared (catalog-dump.ts). */
  pgDump: string | undefined;
  /** The inspected database itself, for the catalog comparison. */
  live: Database;
  /** The schemas inspected; all of them when omitted. */
  schemas?: readonly string[];
  /** Privileges are compared only where the roles are the same (the same server). */
  privileges: boolean;
  role: string;
}

export interface Verification {
  /** Lines of the live database's dump that the rebuilt one lacks: what the YAML did not capture. */
  notCaptured: string[];
  /** Lines only the rebuilt database has. */
  added: string[];
}

/**
 * Whether the inspected YAML holds everything: built in a scratch
 * database, does it give the same `pg_dump --schema-only` as the database
 * it was read from? pg_dump knows every kind and attribute PostgreSQL has,
 * so what schemaform does not capture shows, whatever it is.
 */
export async function verifyInspection(input: VerifyInput): Promise<Verification> {
  const dump = { privileges: input.privileges, ...(input.schemas && { schemas: input.schemas }) };
  const outcome = await withScratchDatabase(input.target, async (db, name) => {
    try {
      await buildInScratch(db, input.model, { serverVersion: input.serverVersion }, { routines: 'as written', role: input.role });
    } catch (e) {
      throw new SchemaformError(`inspect --verify: the inspected YAML does not build in a scratch database on ${input.target.where}: ${(e as Error).message}`, {
        hint: 'This is a schemaform bug: please report it with the output of `schema inspect`.',
      });
    }
    return input.pgDump ? schemaDump(input.pgDump, input.target.urlOf(name), dump).split('\n') : catalogDump(db, dump);
  });
  if (!outcome.ok) throw new SchemaformError(`inspect --verify needs a scratch database: ${outcome.reason}`, { hint: 'Use a role that may create databases, or pass --shadow-database-url.' });
  const live = input.pgDump ? schemaDump(input.pgDump, input.liveUrl, dump).split('\n') : await catalogDump(input.live, dump);
  const notCaptured: string[] = [];
  const added: string[] = [];
  for (const part of diffArrays(live, outcome.value)) {
    if (part.removed) notCaptured.push(...part.value);
    else if (part.added) added.push(...part.value);
  }
  return { notCaptured, added };
}
