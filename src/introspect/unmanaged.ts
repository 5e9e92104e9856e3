import type { Database } from '../db/database.js';
import { TOOL_SCHEMA, type ServerInfo } from './introspect.js';

/**
 * Objects that live in managed schemas but that schemaform does not model
 * yet. They are never dropped or altered by a plan (statements that would
 * need to touch them fail and roll back instead), and every plan lists them
 * so "no changes" is never mistaken for "nothing else is there".
 */
export interface UnmanagedObject {
  kind: string;
  schema: string;
  name: string;
}

const queryFor = (serverVersion: number) => `
WITH scope AS (
  SELECT oid, nspname FROM pg_catalog.pg_namespace
  WHERE CASE WHEN $1::text[] IS NULL
    THEN nspname !~ '^pg_' AND nspname <> 'information_schema' AND nspname <> $2::text
    ELSE nspname = ANY($1::text[]) END
),
members AS (SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e')
SELECT kind, schema, name FROM (
  SELECT 'foreign table' AS kind, n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind = 'f'
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
  UNION ALL
  SELECT 'table storage options', n.nspname, c.relname
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
  UNION ALL
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
         n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p JOIN scope n ON n.oid = p.pronamespace
  WHERE p.prokind IN ('a', 'w')
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
  UNION ALL
  SELECT 'range type', n.nspname, t.typname
  FROM pg_catalog.pg_type t JOIN scope n ON n.oid = t.typnamespace
  WHERE t.typtype = 'r'
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
  UNION ALL
  SELECT 'trigger on a foreign table', n.nspname, c.relname || '.' || tg.tgname
  FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN scope n ON n.oid = c.relnamespace
  WHERE NOT tg.tgisinternal AND c.relkind NOT IN ('r', 'p', 'v')
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
  UNION ALL
  SELECT 'rule', n.nspname, c.relname || '.' || r.rulename
  FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN scope n ON n.oid = c.relnamespace
  -- A rule on an extension's table or view (PostGIS has some) is the extension's.
  WHERE r.rulename <> '_RETURN'
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
  UNION ALL
  -- Privileges on enums, domains and composite types are managed; on range types not yet.
  SELECT 'privileges', n.nspname, t.typname
  FROM pg_catalog.pg_type t JOIN scope n ON n.oid = t.typnamespace
  WHERE t.typacl IS NOT NULL AND t.typtype NOT IN ('e', 'd', 'c')
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
  UNION ALL
  SELECT 'operator', n.nspname, o.oprname
  FROM pg_catalog.pg_operator o JOIN scope n ON n.oid = o.oprnamespace
  WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_operator'::regclass AND m.objid = o.oid)
  UNION ALL
  SELECT 'extended statistics', n.nspname, st.stxname
  FROM pg_catalog.pg_statistic_ext st JOIN scope n ON n.oid = st.stxnamespace
  WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_statistic_ext'::regclass AND m.objid = st.oid)
  UNION ALL
  SELECT 'replica identity ' || CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing' ELSE 'using an index' END, n.nspname, c.relname
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd'
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
  UNION ALL
  -- Column attributes of the columns the model does not hold (a partition's, an inherited one's): statistics target, storage, compression.
  SELECT CASE WHEN COALESCE(a.attstattarget::int, -1) >= 0 THEN 'column statistics target'
              WHEN a.attstorage <> t.typstorage THEN 'column storage'
              ELSE 'column compression' END,
         n.nspname, c.relname || '.' || a.attname
  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN scope n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND (c.relispartition OR NOT a.attislocal)
    AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
    AND (COALESCE(a.attstattarget::int, -1) >= 0 OR a.attstorage <> t.typstorage OR ${serverVersion >= 140000 ? "a.attcompression <> ''" : 'false'})
  UNION ALL
  SELECT 'text search configuration', n.nspname, cfg.cfgname
  FROM pg_catalog.pg_ts_config cfg JOIN scope n ON n.oid = cfg.cfgnamespace
  WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid = 'pg_ts_config'::regclass AND m.objid = cfg.oid)
) objects
ORDER BY kind, schema, name`;

/** `server` decides the kinds that only some versions have (column compression: 14+). */
export async function listUnmanaged(db: Database, server: ServerInfo, schemas?: string[]): Promise<UnmanagedObject[]> {
  return db.query<UnmanagedObject>(queryFor(server.versionNum), [schemas ?? null, TOOL_SCHEMA]);
}

/** "3 views, 1 trigger" */
export function countByKind(objects: UnmanagedObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return counts;
}
