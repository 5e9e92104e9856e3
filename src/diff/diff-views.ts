import type { Change } from './changes.js';
import type { Model, View } from '../model/types.js';
import { deepEqual } from '../model/canonical.js';
import { diffIndexes, diffRules, diffTriggers } from './diff-table.js';

const key = (schema: string, name: string) => `${schema}.${name}`;

/** What makes two versions of a view the same view (comment and indexes change in place). */
function definitionOf(v: View) {
  return { query: v.query, materialized: v.materialized, withData: v.materialized ? v.withData : undefined, options: v.options };
}

/**
 * A view whose definition changes is dropped and created again (CREATE OR
 * REPLACE cannot drop or retype columns); new ones are created, removed
 * ones dropped; comments, indexes and triggers change in place. Views that
 * must be rebuilt because something they read changes are added by the
 * cascade (from pg_depend), and the dependency graph orders all of it.
 */
export function diffViews(from: Model, to: Model): Change[] {
  const live = new Map<string, { schema: string; view: View }>();
  for (const s of from.schemas) for (const v of s.views ?? []) live.set(key(s.name, v.name), { schema: s.name, view: v });
  const wanted = new Map<string, { schema: string; view: View }>();
  for (const s of to.schemas) for (const v of s.views ?? []) wanted.set(key(s.name, v.name), { schema: s.name, view: v });

  const out: Change[] = [];
  for (const [k, { schema, view }] of live) {
    const next = wanted.get(k)?.view;
    if (!next || !deepEqual(definitionOf(view), definitionOf(next))) out.push({ kind: 'drop-view', schema, view, ...(next && { rebuild: true }) });
  }
  for (const [k, { schema, view }] of wanted) {
    const previous = live.get(k)?.view;
    if (!previous || !deepEqual(definitionOf(previous), definitionOf(view))) {
      out.push({ kind: 'create-view', schema, view });
      // A dropped view took its triggers and rules along.
      for (const trigger of view.triggers ?? []) out.push({ kind: 'create-trigger', schema, table: view.name, trigger, onView: true });
      for (const rule of view.rules ?? []) out.push({ kind: 'create-rule', schema, table: view.name, rule, onView: true });
      continue;
    }
    if (previous.comment !== view.comment || !deepEqual(previous.columnComments ?? {}, view.columnComments ?? {})) {
      out.push({ kind: 'set-view-comment', schema, from: previous, view });
    }
    out.push(...diffIndexes(schema, view.name, previous.indexes, view.indexes));
    out.push(...diffTriggers(schema, view.name, previous.triggers ?? [], view.triggers ?? [])
      .map((c) => (c.kind === 'create-trigger' ? { ...c, onView: true } : c)));
    out.push(...diffRules(schema, view.name, previous.rules ?? [], view.rules ?? [], true));
  }
  return out;
}
