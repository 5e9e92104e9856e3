import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaFileError, SchemaformError } from '../errors.js';

/** A named database and the settings that go with it (schemas/project.schema.json). */
export interface Environment {
  url?: string;
  urlFrom?: string;
  shadowUrl?: string;
  shadowUrlFrom?: string;
  embedded?: boolean;
  schema?: string;
  lockTimeout?: string;
  retryBudget?: string;
}

export interface Project {
  /** Where it was read from: schemaform.yaml, or package.json (its "schemaform" key). */
  file: string;
  schema?: string;
  embedded?: boolean;
  environments: Record<string, Environment>;
}

export const PROJECT_FILES = ['schemaform.yaml', 'schemaform.yml'] as const;

/**
 * The project file in `dir`, if there is one: schemaform.yaml, or a
 * "schemaform" key in package.json; one place only, so that two files
 * never disagree about which database "prod" is. Checked against
 * schemas/project.schema.json, problems at file:line:col.
 */
export async function loadProject(dir = process.cwd()): Promise<Project | undefined> {
  const found = [
    ...PROJECT_FILES.filter((f) => existsSync(join(dir, f))).map((f) => ({ file: f, at: [] as string[] })),
    ...(packageJsonHasKey(dir) ? [{ file: 'package.json', at: ['schemaform'] }] : []),
  ];
  if (found.length === 0) return undefined;
  if (found.length > 1) {
    throw new SchemaformError(`the project is configured in ${found.map((f) => f.file).join(' and ')}: keep one`, { hint: 'Move the settings into one of them (schemaform.yaml, or the "schemaform" key of package.json) and delete the other.' });
  }
  const { file, at } = found[0]!;
  // JSON is YAML: one parser keeps positions for both.
  const { SourceFile } = await import('../yaml/source.js');
  const { validateShape } = await import('../yaml/validate-shape.js');
  const source = SourceFile.parse(file, readFileSync(join(dir, file), 'utf8'));
  const whole = source.toJS() as Record<string, unknown>;
  const data = at.length ? whole[at[0]!] : whole;
  const problems = validateShape(source, data ?? {}, 'project', at);
  for (const [name, env] of Object.entries((data as { environments?: Record<string, Environment> } | null)?.environments ?? {})) {
    const ways = (['url', 'urlFrom', 'embedded'] as const).filter((k) => env?.[k] !== undefined && env[k] !== false);
    if (ways.length > 1) problems.push({ ...source.locate([...at, 'environments', name, ways[1]!], true), message: `environment "${name}" names its database twice (${ways.join(' and ')}): give one` });
    if (env?.shadowUrl !== undefined && env.shadowUrlFrom !== undefined) problems.push({ ...source.locate([...at, 'environments', name, 'shadowUrlFrom'], true), message: `environment "${name}" has both shadowUrl and shadowUrlFrom: give one` });
  }
  if (problems.length) throw new SchemaFileError(problems, 'See "Environments" in README.md; editors that read the $schema line of schemaform.yaml autocomplete it.');
  const project = (data ?? {}) as Omit<Project, 'file' | 'environments'> & { environments?: Record<string, Environment> };
  return { ...project, file, environments: project.environments ?? {} };
}

function packageJsonHasKey(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return Object.hasOwn(JSON.parse(readFileSync(file, 'utf8')) as object, 'schemaform');
  } catch {
    return false;
  }
}

/** The environment --env names, or a refusal that lists the ones there are. */
export function environmentNamed(project: Project | undefined, name: string): Environment {
  const env = project?.environments[name];
  if (env) return env;
  const names = Object.keys(project?.environments ?? {});
  throw new SchemaformError(project ? `no environment "${name}" in ${project.file}${names.length ? ` (it has: ${names.join(', ')})` : ''}; nothing was changed` : `--env ${name}: there is no project file (schemaform.yaml) here to define it; nothing was changed`, {
    hint: project ? `Add it under "environments:" in ${project.file}, or pass one of those names.` : 'Write schemaform.yaml with an "environments:" mapping (see "Environments" in README.md), or name the database with --database-url.',
  });
}

/** An environment's URL (or its shadow server's), read from the variable it names when it names one. */
export function environmentUrl(name: string, env: Environment, which: 'url' | 'shadowUrl'): string | undefined {
  const variable = which === 'url' ? env.urlFrom : env.shadowUrlFrom;
  if (variable === undefined) return env[which];
  const value = process.env[variable];
  if (!value) {
    throw new SchemaformError(`environment "${name}" takes its ${which === 'url' ? 'database' : 'shadow server'} URL from ${variable}, which is not set; nothing was changed`, {
      hint: `Set ${variable} (in CI, from a secret), or pass --${which === 'url' ? 'database-url' : 'shadow-database-url'}.`,
    });
  }
  return value;
}
