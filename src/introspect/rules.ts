import type { Rule } from '../model/types.js';
import { ruleParts } from '../sql/rule-parts.js';

/** Rules on tables and views in scope, other than views' own _RETURN rules. */
export const rulesQuery = (scope: string) => `
WITH ${scope}
SELECT r.oid, n.nspname AS schema, c.relname AS table_name, r.rulename AS name, r.ev_type AS event, r.is_instead AS instead,
  r.ev_enabled AS enabled, pg_catalog.pg_get_ruledef(r.oid, true) AS definition,
  pg_catalog.obj_description(r.oid, 'pg_rewrite') AS comment
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN scope n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
ORDER BY 2, 3, 4`;

export interface RuleRow {
  oid: number; schema: string; table_name: string; name: string; event: '1' | '2' | '3' | '4'; instead: boolean;
  enabled: 'O' | 'D' | 'R' | 'A'; definition: string; comment: string | null;
}

const events = { 2: 'update', 3: 'insert', 4: 'delete' } as const;
const enabledStates = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' } as const;

/** Needs the SQL parser loaded (the commands are cut out of the printed definition). */
export function toRule(r: RuleRow): Rule {
  return {
    name: r.name, event: events[Number(r.event) as 2 | 3 | 4] ?? 'insert', instead: r.instead,
    ...ruleParts(r.definition),
    enabled: enabledStates[r.enabled],
    ...(r.comment !== null && { comment: r.comment }),
  };
}
