import type { Database } from '../db/database.js';
import { partialApplies } from '../state/journal.js';
import { Command, Flags, Errors } from '@oclif/core';
import type { Input, ParserOutput } from '@oclif/core/interfaces';
import { isSchemaformError, SchemaFileError, SchemaformError } from '../errors.js';
import { connectionSecrets, scrub } from '../db/redact.js';
import { mark, profiled } from '../profile.js';
import { connect, SESSION_LOCK_TIMEOUT, type Connection } from './connect.js';
import { describeLockHolders, LOCK_NOT_AVAILABLE, QUERY_CANCELED } from '../db/lock-holders.js';
import { createProgress, type Progress } from './progress.js';
import { parseDuration } from '../duration.js';
import { colorEnabled, makeStyle, turnColorOff, type Style } from './style.js';
import { environmentNamed, environmentUrl, loadProject, type Environment, type Project } from '../project/project.js';

// As @oclif/core defines them (not exported by name).
type FlagOutput = { [name: string]: any };
type ArgOutput = { [name: string]: any };

/** The flags that say which database: given to BaseCommand.database(). */
export interface DatabaseChoice {
  'database-url'?: string;
  embedded?: boolean;
  env?: string;
}

/**
 * What every command shares: --json, the database flag, progress, and the
 * rule that a user-facing error is printed as message, details and hint,
 * exit 1, never a stack trace.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'no-color': Flags.boolean({ summary: 'No colours in the output (as NO_COLOR does; FORCE_COLOR turns them on in a log that is not a terminal).', helpGroup: 'GLOBAL' }),
  };

  static databaseFlags = {
    'database-url': Flags.string({
      summary: 'PostgreSQL connection URL. Defaults to DATABASE_URL, else libpq\'s PGHOST, PGDATABASE, PGUSER, PGSERVICE ... variables.',
      helpValue: 'URL',
    }),
    embedded: Flags.boolean({
      summary: 'Use the embedded PostgreSQL in .schema/ (a throwaway local database). Without a database named, it is only used at a terminal outside CI.',
    }),
    env: Flags.string({
      summary: 'The environment of the project file (schemaform.yaml) to use: its database and settings. Default: SCHEMAFORM_ENV.',
      helpValue: 'NAME',
    }),
  };

  /**
   * A command that only reads the database is bounded as a whole, not only
   * per statement (each may wait 5 s for a lock, and there are many):
   * SCHEMAFORM_COMMAND_TIMEOUT, 15 minutes by default. Apply is not: its
   * statements are work (an index build), and each of its waits is bounded.
   */
  protected static readsOnly = true;

  protected style: Style = makeStyle(colorEnabled());

  public override async init(): Promise<void> {
    mark('CLI and command loaded');
    await super.init();
    // Before parsing, so that even a mistake in the other flags is printed without colour.
    const own = this.argv.indexOf('--');
    if ((own === -1 ? this.argv : this.argv.slice(0, own)).includes('--no-color')) turnColorOff();
    this.style = makeStyle(colorEnabled());
  }
  private connection?: Connection;
  private chosen?: { project?: Project; name?: string; env?: Environment };
  private envFlag?: string;
  private progressHandle?: Progress;
  private deadline?: { timer: NodeJS.Timeout; limit: string; hit: boolean };

  protected async progress(): Promise<Progress> {
    this.progressHandle ??= await createProgress({ quiet: this.jsonEnabled() });
    return this.progressHandle;
  }

  /** Keeps --env, which the settings below read whichever command parsed it. */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(options?: Input<F, B, A>, argv?: string[]): Promise<ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const env = (parsed.flags as { env?: unknown }).env;
    if (typeof env === 'string') this.envFlag = env;
    return parsed;
  }

  /** The project file and the environment chosen (--env, else SCHEMAFORM_ENV), read once. */
  protected async environment(): Promise<{ project?: Project; name?: string; env?: Environment }> {
    if (this.chosen) return this.chosen;
    const project = await loadProject();
    const name = this.envFlag ?? (process.env.SCHEMAFORM_ENV || undefined);
    this.chosen = { project, ...(name !== undefined && { name, env: environmentNamed(project, name) }) };
    return this.chosen;
  }

  /** A setting: the flag if given, else the environment's, else the project's (for the schema file), else the default. */
  protected async setting(flag: string | undefined, key: 'schema' | 'lockTimeout' | 'retryBudget', fallback: string): Promise<string> {
    if (flag !== undefined) return flag;
    const { project, env } = await this.environment();
    return env?.[key] ?? (key === 'schema' ? project?.schema : undefined) ?? fallback;
  }

  /** --shadow-database-url, else the environment's shadow server (else SHADOW_DATABASE_URL, read where it is used). */
  protected async shadowUrl(flag: string | undefined): Promise<string | undefined> {
    const { name, env } = await this.environment();
    return flag ?? (env && name ? environmentUrl(name, env, 'shadowUrl') : undefined);
  }

  protected async database(flags: DatabaseChoice) {
    const { project, name, env } = await this.environment();
    let url = flags['database-url'];
    let embedded = flags.embedded ?? false;
    if (!url && env && name) {
      if (flags.embedded && !env.embedded) throw new SchemaformError(`--embedded and --env ${name} name two databases: give one`);
      if (env.embedded) embedded = true;
      else url = environmentUrl(name, env, 'url');
      if (!url && !embedded) throw new SchemaformError(`environment "${name}" in ${project!.file} names no database; nothing was changed`, { hint: 'Give it url, urlFrom (a variable holding the URL) or embedded: true.' });
    }
    const announce = (line: string) => { if (!this.jsonEnabled()) process.stderr.write(this.style.dim(line) + '\n'); };
    this.connection ??= await profiled('connecting', () => connect(url, { embedded, embeddedWhenNoneNamed: project?.embedded === true, announce, ...(name !== undefined && { environment: name }) }));
    if ((this.constructor as typeof BaseCommand).readsOnly && !this.deadline) {
      const limit = process.env.SCHEMAFORM_COMMAND_TIMEOUT ?? '15min';
      const deadline = { limit, hit: false, timer: setTimeout(() => {
        // Closing the connection ends whatever query is under way; catch() says why.
        deadline.hit = true;
        this.connection?.db.abort();
      }, parseDuration(limit, 'SCHEMAFORM_COMMAND_TIMEOUT')) };
      deadline.timer.unref();
      this.deadline = deadline;
    }
    return this.connection.db;
  }

  /** The server URL of the connection opened by database(), when it is a server. */
  protected get databaseUrl(): string | undefined {
    return this.connection?.url;
  }

  /**
   * An apply that stopped part-way changes what every other command sees:
   * say so on stderr, with what to do, before their own output.
   */
  protected async warnOfPartialApplies(db: Database): Promise<void> {
    for (const p of await partialApplies(db).catch(() => [])) {
      process.stderr.write(`${this.style.yellow('warning:')} plan ${p.planId} was applied part-way (${p.unitsDone} unit(s) committed, started ${p.startedAt}): apply it again to finish it, or run \`schema rollback\`; \`schema state show ${p.planId}\` lists its units\n`);
    }
  }

  /** Human output on stdout; suppressed under --json, where only the result is printed. */
  protected say(text: string) {
    if (!this.jsonEnabled()) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.progressHandle?.stop();
    if (this.deadline) clearTimeout(this.deadline.timer);
    await this.connection?.close().catch(() => undefined);
    return super.finally(error);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    this.progressHandle?.stop();
    // this.exit() works by throwing; let the chosen exit code through untouched.
    if (error instanceof Errors.ExitError) throw error;
    // No message leaves with a password in it, whichever way the connection was given.
    const secrets = knownSecrets(this.argv);
    const clean = (text: string) => scrub(text, secrets);
    // oclif reports usage mistakes with exit 2, which scripts here read as
    // "changes pending"; a mistake is an error: exit 1.
    if (error instanceof Errors.CLIError && error.oclif?.exit === 2) {
      this.fail(clean(error.message));
    }
    if (isSchemaformError(error)) {
      const lines = [error.message, ...error.details.map((d) => `  ${d}`)];
      if (error.hint) lines.push(`hint: ${error.hint}`);
      if (this.jsonEnabled()) {
        // A schema file's problems as data, each with the same text the terminal shows.
        const details = error instanceof SchemaFileError
          ? error.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, path: p.path ?? null, message: clean(p.message) }))
          : error.details.map(clean);
        this.logJson({ error: { name: error.name, message: clean(error.message), details, hint: error.hint === undefined ? null : clean(error.hint) } });
        this.exit(1);
      }
      this.fail(clean(lines.join('\n')));
    }
    if (this.deadline?.hit) {
      this.fail(`stopped after ${this.deadline.limit}, the longest a command that only reads the database may take (SCHEMAFORM_COMMAND_TIMEOUT). Nothing was changed.\nhint: Look for sessions holding locks on the managed schemas (pg_locks), or raise SCHEMAFORM_COMMAND_TIMEOUT for a very large database.`);
    }
    const pgError = error as Error & { severity?: string; code?: string; detail?: string };
    if (pgError.code === LOCK_NOT_AVAILABLE || pgError.code === QUERY_CANCELED) {
      const blockers = this.connection ? await describeLockHolders(this.connection.db) : [];
      // The session's limits, or a planning transaction's own (see planning-transaction.ts): name only what is sure.
      const waited = pgError.code === LOCK_NOT_AVAILABLE ? `waited longer than ${SESSION_LOCK_TIMEOUT} for a lock` : 'ran past its statement timeout';
      this.fail(clean([
        `a query ${waited} and was stopped (PostgreSQL said: ${pgError.message}). Nothing was changed.`,
        ...blockers.map((b) => `  blocked by ${b}`),
        'hint: Wait for the session holding the lock to finish (or end it), then run the command again.',
      ].join('\n')));
    }
    if (pgError.severity && pgError.code) {
      // The server refused something outside any plan step (permissions, a dropped connection...).
      this.fail(clean(`PostgreSQL said: ${pgError.message}${pgError.detail ? `\n  detail: ${pgError.detail}` : ''}\nNothing was changed.`));
    }
    error.message = clean(error.message);
    if (error.stack) error.stack = clean(error.stack);
    return super.catch(error);
  }

  /**
   * An error for the person at the terminal, as its lines, unwrapped: a
   * file:line:col or a URL stays whole in a CI log. Exit 1.
   */
  private fail(text: string): never {
    process.stderr.write(`Error: ${text}\n`);
    this.exit(1);
  }

  /** Print a result for --json and leave with a specific exit code. */
  protected finish(result: unknown, exitCode: number): never {
    if (this.jsonEnabled()) this.logJson(result);
    this.exit(exitCode);
  }
}

/** Passwords this process was given: in DATABASE_URL, SHADOW_DATABASE_URL, PGPASSWORD, or any argument that is a connection string. */
function knownSecrets(argv: string[]): string[] {
  const targets = [process.env.DATABASE_URL, process.env.SHADOW_DATABASE_URL, ...argv.flatMap((a) => a.split(/=(.*)/s))].filter((t): t is string => !!t && /:\/\/|password\s*=/i.test(t));
  return [...targets.flatMap(connectionSecrets), ...(process.env.PGPASSWORD && process.env.PGPASSWORD.length >= 2 ? [process.env.PGPASSWORD] : [])];
}
