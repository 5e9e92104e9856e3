import type { Change } from './changes.js';
import { routineKey } from '../model/canonical.js';
import { hasStandardBody } from '../model/routine-body.js';
import { findRoutine } from '../model/row-columns.js';
import type { Model } from '../model/types.js';
import { mentionsAny } from './mentions.js';

/**
 * A routine with a SQL-standard body is parsed when it is created and
 * depends on the tables and columns it names, as a view does. So one that
 * names a table this plan creates or adds columns to is created after the
 * tables are done; one that names a table whose columns are retyped or
 * dropped, or that is dropped, comes off before that happens and, if the
 * file keeps it, goes back on afterwards.
 */
export function placeStandardBodies(changes: Change[], from: Model, to: Model): Change[] {
  const grown = new Set<string>();
  const reshaped = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'create-table') grown.add(c.table.name);
    else if (c.kind === 'add-column') grown.add(c.table);
    else if (c.kind === 'drop-table') reshaped.add(c.table.name);
    else if (c.kind === 'drop-column' || (c.kind === 'alter-column' && c.aspects.includes('type'))) reshaped.add(c.table);
  }
  if (grown.size === 0 && reshaped.size === 0) return changes;
  const namesGrown = grown.size ? mentionsAny([...grown]) : () => false;
  const namesReshaped = reshaped.size ? mentionsAny([...reshaped]) : () => false;
  const key = (schema: string, r: { name: string; arguments: string }) => `${schema}\u0000${routineKey(r)}`;

  const touched = new Set<string>();
  const out = changes.flatMap((c): Change[] => {
    if (c.kind === 'create-function' && hasStandardBody(c.routine)) {
      touched.add(key(c.schema, c.routine));
      const live = c.replace ? findRoutine(from, c.schema, c.routine) : undefined;
      // CREATE OR REPLACE would leave the old body holding the columns that are about to change.
      if (live && hasStandardBody(live) && namesReshaped(live.body)) {
        return [{ kind: 'drop-function', schema: c.schema, routine: live, rebuild: true, beforeTables: true }, { kind: 'create-function', schema: c.schema, routine: c.routine, afterTables: true }];
      }
      return namesGrown(c.routine.body) || namesReshaped(c.routine.body) ? [{ ...c, afterTables: true }] : [c];
    }
    if (c.kind === 'drop-function' && hasStandardBody(c.routine)) {
      touched.add(key(c.schema, c.routine));
      return namesReshaped(c.routine.body) ? [{ ...c, beforeTables: true }] : [c];
    }
    return [c];
  });
  for (const s of from.schemas) {
    for (const f of s.functions) {
      if (touched.has(key(s.name, f)) || !hasStandardBody(f) || !namesReshaped(f.body)) continue;
      const wanted = findRoutine(to, s.name, f);
      out.push({ kind: 'drop-function', schema: s.name, routine: f, beforeTables: true, ...(wanted && { rebuild: true }) });
      if (wanted) out.push({ kind: 'create-function', schema: s.name, routine: wanted, afterTables: true });
    }
  }
  return out;
}
