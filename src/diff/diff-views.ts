import type { Change } from './changes.js';
import type { Model, View } from '../model/types.js';
import { deepEqual } from '../model/canonical.js';
import { diffIndexes, diffTriggers } from './diff-table.js';
import { callsAny, escapeRegExp, rebuiltRoutineNames } from './mentions.js';

const key = (schema: string, name: string) => `${schema}.${name}`;

/** What makes two versions of a view the same view (comment and indexes change in place). */
function definitionOf(v: View) {
  return { query: v.query, materialized: v.materialized, withData: v.materialized ? v.withData : undefined, options: v.options };
}

/**
 * Views depend on the relations they read: PostgreSQL refuses to change a
 * column type, drop a column or a table under a view. So a view is dropped
 * and created again when its definition changes or anything it reads
 * (directly or through other views) is altered, dropped or rebuilt. Drops
 * run dependents first; creates run in dependency order.
 */
export function diffViews(from: Model, to: Model, changes: Change[]): Change[] {
  const live = new Map<string, { schema: string; view: View }>();
  for (const s of from.schemas) for (const v of s.views ?? []) live.set(key(s.name, v.name), { schema: s.name, view: v });
  const wanted = new Map<string, { schema: string; view: View }>();
  for (const s of to.schemas) for (const v of s.views ?? []) wanted.set(key(s.name, v.name), { schema: s.name, view: v });

  const touched = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'drop-table') touched.add(key(c.schema, c.table.name));
    if (c.kind === 'drop-column' || (c.kind === 'alter-column' && c.aspects.some((a) => a === 'type' || a === 'generated' || a === 'collation'))) touched.add(key(c.schema, c.table));
    if (c.kind === 'recreate-enum') for (const u of c.columns) touched.add(key(u.schema, u.table));
  }
  // A view calling a routine that is dropped and created again depends on it.
  const rebuiltRoutines = rebuiltRoutineNames(changes);
  const callsRebuilt = rebuiltRoutines.length ? callsAny(rebuiltRoutines) : () => false;
  const rebuild = new Set<string>();
  for (const [k, { view }] of live) {
    const next = wanted.get(k)?.view;
    if (!next || !deepEqual(definitionOf(view), definitionOf(next))) rebuild.add(k);
    if ((view.dependsOn ?? []).some((d) => touched.has(d)) || callsRebuilt(view.query)) rebuild.add(k);
  }
  // Anything reading a view that goes away must go too, transitively.
  for (let grew = true; grew;) {
    grew = false;
    for (const [k, { view }] of live) {
      if (!rebuild.has(k) && (view.dependsOn ?? []).some((d) => rebuild.has(d))) {
        rebuild.add(k);
        grew = true;
      }
    }
  }

  const out: Change[] = [];
  for (const k of dependencyOrder([...rebuild], (k) => live.get(k)?.view.dependsOn ?? []).reverse()) {
    const { schema, view } = live.get(k)!;
    out.push({ kind: 'drop-view', schema, view, ...(wanted.has(k) && { rebuild: true }) });
  }
  const creates = [...wanted.keys()].filter((k) => !live.has(k) || rebuild.has(k));
  const viewNames = [...wanted.keys()];
  for (const k of dependencyOrder(creates, (k) => mentionedViews(wanted.get(k)!.view.query, viewNames, k))) {
    const { schema, view } = wanted.get(k)!;
    out.push({ kind: 'create-view', schema, view });
    // A dropped view took its triggers along.
    for (const trigger of view.triggers ?? []) out.push({ kind: 'create-trigger', schema, table: view.name, trigger, onView: true });
  }
  for (const [k, { schema, view }] of wanted) {
    const previous = live.get(k)?.view;
    if (!previous || rebuild.has(k)) continue;
    if (previous.comment !== view.comment || !deepEqual(previous.columnComments ?? {}, view.columnComments ?? {})) {
      out.push({ kind: 'set-view-comment', schema, from: previous, view });
    }
    out.push(...diffIndexes(schema, view.name, previous.indexes, view.indexes));
    out.push(...diffTriggers(schema, view.name, previous.triggers ?? [], view.triggers ?? [])
      .map((c) => (c.kind === 'create-trigger' ? { ...c, onView: true } : c)));
  }
  return out;
}

/** Views of the desired schema that a query names: unqualified or qualified, quoted or not. */
function mentionedViews(query: string, views: string[], self: string): string[] {
  return views.filter((v) => {
    if (v === self) return false;
    const name = v.slice(v.indexOf('.') + 1);
    const escaped = escapeRegExp(name);
    return new RegExp(`(^|[^A-Za-z0-9_$"])("?)${escaped}\\2($|[^A-Za-z0-9_$"])`).test(query);
  });
}

/** Stable topological order: dependencies first, otherwise input order. */
function dependencyOrder(keys: string[], dependencies: (k: string) => string[]): string[] {
  const inSet = new Set(keys);
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: string[] = [];
  const visit = (k: string) => {
    if (done.has(k) || visiting.has(k)) return;
    visiting.add(k);
    for (const d of dependencies(k)) if (inSet.has(d)) visit(d);
    visiting.delete(k);
    done.add(k);
    out.push(k);
  };
  for (const k of [...keys].sort()) visit(k);
  return out;
}
