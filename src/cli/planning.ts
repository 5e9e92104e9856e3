import { Flags } from '@oclif/core';
import type { Database } from '../db/database.js';
import { SchemaFileError } from '../errors.js';
import { RefusedSqlError } from '../rehearse/refusals.js';
import type { CreatePlanOptions, PlanContext } from '../workflow/plan.js';
import { loadSchema } from '../yaml/load.js';
import { locateRefusals } from '../yaml/locate-refusals.js';
import type { Model } from '../model/types.js';
import { collectGarbage } from './memory.js';
import { rehearsalTarget } from './connect.js';
import type { RehearsalTarget } from '../rehearse/scratch.js';

/** The flags of the commands that plan (plan, validate --database-url). */
/** Shared by plan and rollback: how the plan they write will run. */
export const executionFlag = {
  atomic: Flags.boolean({ summary: 'One transaction for the whole plan, with the plain (blocking) forms: for small databases and development. Default: online units.' }),
};

export const planningFlags = {
  file: Flags.string({ char: 'f', summary: 'Schema file, or a directory of .yaml files. Default: the environment\'s or project file\'s `schema`, else schema.yaml.' }),
  'shadow-database-url': Flags.string({
    summary: 'A server where schemaform may create and drop a scratch database to rehearse the plan. Default: the database server itself.',
    helpValue: 'URL',
  }),
};

/**
 * Where scratch databases go: the shadow server if one is named
 * (--shadow-database-url or SHADOW_DATABASE_URL), else the live server,
 * else (the embedded database) nowhere.
 */
export async function scratchTarget(shadowFlag: string | undefined, liveUrl: string | undefined, db: Database): Promise<{ target: RehearsalTarget; shadow: boolean } | undefined> {
  const shadow = shadowFlag ?? process.env.SHADOW_DATABASE_URL;
  if (shadow) return { target: await rehearsalTarget(shadow), shadow: true };
  if (liveUrl) return { target: await rehearsalTarget(liveUrl, db), shadow: false };
  return undefined;
}

/** Where a plan is rehearsed (see scratchTarget), or the reason the plan records for not rehearsing it. */
export async function rehearsalOptions(shadowFlag: string | undefined, liveUrl: string | undefined, db: Database, enabled = true): Promise<Pick<CreatePlanOptions, 'rehearsal' | 'noRehearsalReason'>> {
  if (!enabled) return { noRehearsalReason: 'skipped (--no-rehearse)' };
  const scratch = await scratchTarget(shadowFlag, liveUrl, db);
  return scratch ? { rehearsal: scratch.target } : { noRehearsalReason: 'the embedded database cannot create a scratch database (set DATABASE_URL, or pass --shadow-database-url)' };
}

/**
 * The schema file as createPlan loads it, and the files it came from: a
 * plan whose rehearsal PostgreSQL refuses is reported at the values in
 * those files (file:line:col), as any other problem of the file is.
 */
export class SchemaSource {
  private loaded: string[] = [];
  constructor(private readonly path: string, private readonly onLoad: () => void = () => undefined) {}

  readonly load = async (context?: PlanContext): Promise<Model> => {
    this.onLoad();
    const { model, files } = await loadSchema(this.path, process.cwd(), { knownFragments: context?.knownFragments, onParsed: collectGarbage });
    this.loaded = files;
    collectGarbage();
    return model;
  };

  /** `connecting`, unless it fails and the file is broken too: a broken file is reported before an unreachable database. */
  async before<T>(connecting: Promise<T>): Promise<T> {
    return connecting.catch(async (e: unknown) => {
      await this.load();
      throw e;
    });
  }

  get files(): readonly string[] {
    return this.loaded;
  }

  /** `e` as the user should read it: a refused statement as a problem at its place in the file. */
  async explain(e: unknown): Promise<never> {
    if (e instanceof RefusedSqlError && this.loaded.length) throw new SchemaFileError(await locateRefusals(this.loaded, e.refusals), e.hint);
    throw e;
  }
}
