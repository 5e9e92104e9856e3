import type { Model, Schema } from './types.js';

/**
 * The schema file's `ignore:` patterns: objects it does not own, left out of
 * the live schema on every side (plan, apply's staleness check, drift), so
 * they are never created, changed or dropped. A pattern is `KIND
 * SCHEMA.NAME` with `*` and `?` as wildcards (`table audit.*`, `function
 * public.pg_*`, `* legacy.*`); one starting with `!` takes objects back, and
 * the last pattern that matches an object decides, as in .gitignore.
 */
export const IGNORABLE_KINDS = ['table', 'view', 'sequence', 'function', 'enum', 'domain', 'type', 'collation', 'aggregate', 'text-search-dictionary', 'text-search-configuration'] as const;
export type IgnorableKind = (typeof IGNORABLE_KINDS)[number];

const LISTS: Array<[IgnorableKind, keyof Schema]> = [
  ['table', 'tables'], ['view', 'views'], ['sequence', 'sequences'], ['function', 'functions'], ['enum', 'enums'], ['domain', 'domains'],
  ['type', 'composites'], ['type', 'ranges'], ['collation', 'collations'], ['aggregate', 'aggregates'],
  ['text-search-dictionary', 'textSearchDictionaries'], ['text-search-configuration', 'textSearchConfigurations'],
];

export type IgnoreRule = (kind: IgnorableKind, schema: string, name: string) => boolean;

export function ignoreRule(patterns: readonly string[]): IgnoreRule {
  const compiled = patterns.map((p) => {
    const negated = p.startsWith('!');
    const [kind, ...rest] = (negated ? p.slice(1) : p).trim().split(/\s+/);
    return { negated, kind: glob(kind!), name: glob(rest.join(' ')) };
  });
  return (kind, schema, name) => {
    let ignored = false;
    for (const p of compiled) if (p.kind.test(kind) && p.name.test(`${schema}.${name}`)) ignored = !p.negated;
    return ignored;
  };
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 's');
}

/** The model without the objects the patterns ignore. */
export function withoutIgnored(model: Model, patterns: readonly string[] | undefined): Model {
  if (!patterns?.length) return model;
  const ignored = ignoreRule(patterns);
  return {
    ...model,
    schemas: model.schemas.map((s) => {
      const out: Schema = { ...s };
      for (const [kind, list] of LISTS) {
        const objects = s[list] as Array<{ name: string }> | undefined;
        if (objects) (out as unknown as Record<string, unknown>)[list] = objects.filter((o) => !ignored(kind, s.name, o.name));
      }
      return out;
    }),
  };
}

/** Objects of the model the patterns ignore, as `KIND SCHEMA.NAME`: in the file, a contradiction. */
export function ignoredObjects(model: Model, patterns: readonly string[] | undefined): string[] {
  if (!patterns?.length) return [];
  const ignored = ignoreRule(patterns);
  return model.schemas.flatMap((s) => LISTS.flatMap(([kind, list]) => ((s[list] as Array<{ name: string }> | undefined) ?? [])
    .filter((o) => ignored(kind, s.name, o.name)).map((o) => `${kind} ${s.name}.${o.name}`)));
}
