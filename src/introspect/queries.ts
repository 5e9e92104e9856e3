/**
 * Every catalog query the introspector runs: one per object kind, each
 * returning that kind for all schemas in scope at once, so the number of
 * round trips does not grow with the number of tables.
 *
 * $1 is the list of schema names in scope, or NULL for "every user schema"
 * (which leaves out the system schemas and $2, the tool's own schema).
 * Objects that belong to an extension are the extension's business and are
 * left out everywhere.
 */

/** The schemas in scope, as a CTE named scope (the unmanaged scan and inspect --verify use it too). */
export const schemasInScope = `
  scope AS (
    SELECT oid, nspname FROM pg_catalog.pg_namespace
    WHERE CASE WHEN $1::text[] IS NULL
      THEN nspname !~ '^pg_' AND nspname <> 'information_schema' AND nspname <> $2::text
      ELSE nspname = ANY($1::text[]) END
  )`;

export const scope = `${schemasInScope},
  extension_members AS (
    SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e'
  )`;

/**
 * An ACL as JSON rows {to, privilege, grantable}, leaving out the owner's own
 * privileges (implied by ownership); grantee 0 is PUBLIC. NULL stays NULL:
 * it means the kind's built-in default.
 */
function aclRows(acl: string, owner?: string): string {
  return `CASE WHEN ${acl} IS NOT NULL THEN (
    SELECT COALESCE(json_agg(json_build_object(
      'to', CASE WHEN e.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(e.grantee) END,
      'privilege', e.privilege_type, 'grantable', e.is_grantable)), '[]'::json)
    FROM pg_catalog.aclexplode(${acl}) e${owner ? ` WHERE e.grantee <> ${owner}` : ''}) END`;
}

export const schemasQuery = `
WITH ${scope}
SELECT n.nspname AS name, pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment,
  ${aclRows('n.nspacl', 'n.nspowner')} AS acl
FROM pg_catalog.pg_namespace n JOIN scope USING (oid)
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_namespace'::regclass AND m.objid = n.oid)
ORDER BY 1`;

export const extensionsQuery = `
SELECT e.oid, e.extname AS name, n.nspname AS schema, e.extversion AS version,
  pg_catalog.obj_description(e.oid, 'pg_extension') AS comment, a.comment AS default_comment
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
WHERE e.extname <> 'plpgsql'
ORDER BY 1`;

export function collationsQuery(serverVersion: number): string {
  const locale = serverVersion >= 170000 ? 'co.colllocale' : serverVersion >= 150000 ? 'co.colliculocale' : 'NULL::text';
  const rules = serverVersion >= 160000 ? 'co.collicurules' : 'NULL::text';
  return `
WITH ${scope}
SELECT co.oid, n.nspname AS schema, co.collname AS name, co.collprovider AS provider, co.collcollate AS lc_collate,
  co.collctype AS lc_ctype, ${locale} AS locale, ${rules} AS rules, co.collisdeterministic AS deterministic,
  pg_catalog.obj_description(co.oid, 'pg_collation') AS comment
FROM pg_catalog.pg_collation co JOIN scope n ON n.oid = co.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_collation'::regclass AND m.objid = co.oid)
ORDER BY 1, 2`;
}

export const enumsQuery = `
WITH ${scope}
SELECT t.oid, n.nspname AS schema, t.typname AS name, pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
  (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS values,
  ${aclRows('t.typacl', 't.typowner')} AS acl
FROM pg_catalog.pg_type t JOIN scope n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
ORDER BY 1, 2`;

export const domainsQuery = `
WITH ${scope}
SELECT t.oid, n.nspname AS schema, t.typname AS name, pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,
  t.typnotnull AS not_null, pg_catalog.pg_get_expr(t.typdefaultbin, 0, true) AS "default",
  CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation THEN co.collname END AS collation,
  pg_catalog.obj_description(t.oid, 'pg_type') AS comment, ${aclRows('t.typacl', 't.typowner')} AS acl,
  (SELECT json_agg(json_build_object('oid', c.oid, 'name', c.conname, 'expression', pg_catalog.pg_get_expr(c.conbin, 0, true)) ORDER BY c.conname)
     FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c') AS checks
FROM pg_catalog.pg_type t
JOIN scope n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
WHERE t.typtype = 'd'
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
ORDER BY 1, 2`;

/** Free-standing composite types (not the row types of tables and views), with their fields in order. */
export const compositesQuery = `
WITH ${scope}
SELECT t.oid, n.nspname AS schema, t.typname AS name, pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
  ${aclRows('t.typacl', 't.typowner')} AS acl,
  (SELECT json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
      'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN co.collname END) ORDER BY a.attnum)
   FROM pg_catalog.pg_attribute a
   JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
   LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes
FROM pg_catalog.pg_type t
JOIN scope n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
WHERE t.typtype = 'c'
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
ORDER BY 1, 2`;

/** Range types; the multirange type (14+) only when not named as PostgreSQL would name it. */
export function rangesQuery(serverVersion: number): string {
  return `
WITH ${scope}
SELECT t.oid, n.nspname AS schema, t.typname AS name, pg_catalog.format_type(r.rngsubtype, NULL) AS subtype,
  CASE WHEN NOT oc.opcdefault THEN
    CASE WHEN ocn.nspname = 'pg_catalog' THEN quote_ident(oc.opcname) ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END END AS subtype_opclass,
  CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN co.collname END AS collation,
  NULLIF(r.rngcanonical, 0)::regproc::text AS canonical, NULLIF(r.rngsubdiff, 0)::regproc::text AS subtype_diff,
  ${serverVersion >= 140000 ? '(SELECT m.typname FROM pg_catalog.pg_type m WHERE m.oid = r.rngmultitypid)' : 'NULL::name'} AS multirange,
  pg_catalog.obj_description(t.oid, 'pg_type') AS comment, ${aclRows('t.typacl', 't.typowner')} AS acl
FROM pg_catalog.pg_range r
JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid
JOIN scope n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc
JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
LEFT JOIN pg_catalog.pg_collation co ON co.oid = r.rngcollation
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
ORDER BY 1, 2`;
}

export const viewsQuery = `
WITH ${scope}
SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized, c.relispopulated AS populated,
  pg_catalog.pg_get_viewdef(c.oid, true) AS query, c.reloptions AS options,
  pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
  (SELECT json_object_agg(a.attname, ds.description ORDER BY a.attname)
     FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
     WHERE a.attrelid = c.oid AND a.attnum > 0) AS column_comments,
  (SELECT json_agg(DISTINCT jsonb_build_array(rn.nspname, r.relname))
     FROM pg_catalog.pg_rewrite rw
     JOIN pg_catalog.pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
     JOIN pg_catalog.pg_class r ON r.oid = d.refobjid AND r.oid <> c.oid
     JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
     WHERE rw.ev_class = c.oid) AS depends_on
FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
ORDER BY 1, 2`;

/**
 * Functions and procedures (aggregates are not managed yet). A SQL-standard
 * body (RETURN …, BEGIN ATOMIC … END) has no source text: it is stored
 * parsed, and read back as PostgreSQL prints it.
 */
export function functionsQuery(serverVersion: number): string {
  const body = serverVersion >= 140000 ? 'CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) ELSE p.prosrc END' : 'p.prosrc';
  return `
WITH ${scope}
SELECT p.oid, n.nspname AS schema, p.proname AS name, p.prokind AS kind,
  pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
  CASE WHEN p.prokind = 'f' THEN pg_catalog.pg_get_function_result(p.oid) END AS returns,
  l.lanname AS language, ${body} AS body, p.probin AS object_file, p.provolatile AS volatility, p.proisstrict AS strict,
  p.prosecdef AS security_definer, p.proparallel AS parallel, p.proleakproof AS leakproof,
  p.procost::text AS cost, p.prorows::text AS rows, p.proconfig AS settings,
  pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
  ${aclRows('p.proacl', 'p.proowner')} AS acl
FROM pg_catalog.pg_proc p
JOIN scope n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
  -- Functions a type made for itself (a range type's constructors) are the type's.
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')
ORDER BY 1, 2, 4`;
}

export const triggersQuery = `
WITH ${scope}
SELECT t.oid, n.nspname AS schema, c.relname AS table_name, t.tgname AS name, t.tgtype::int AS type,
  (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(t.tgattr::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum) AS update_of,
  quote_ident(fn.nspname) || '.' || quote_ident(f.proname) AS function,
  encode(t.tgargs, 'escape') AS args, t.tgnargs AS nargs,
  pg_catalog.pg_get_triggerdef(t.oid, true) AS definition,
  t.tgoldtable AS old_table, t.tgnewtable AS new_table, t.tgconstraint <> 0 AS is_constraint,
  t.tgdeferrable AS deferrable, t.tginitdeferred AS deferred, t.tgenabled AS enabled,
  pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN scope n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal AND c.relkind IN ('r', 'p', 'v') AND t.tgparentid = 0
ORDER BY 1, 2, 3`;

export const policiesQuery = `
WITH ${scope}
SELECT p.oid, n.nspname AS schema, c.relname AS table_name, p.polname AS name, p.polpermissive AS permissive, p.polcmd AS command,
  (SELECT json_agg(CASE WHEN r = 0 THEN 'public' ELSE (SELECT rolname FROM pg_catalog.pg_roles WHERE oid = r) END ORDER BY 1)
     FROM unnest(p.polroles) AS r) AS roles,
  pg_catalog.pg_get_expr(p.polqual, p.polrelid, true) AS using,
  pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid, true) AS with_check,
  pg_catalog.obj_description(p.oid, 'pg_policy') AS comment
FROM pg_catalog.pg_policy p
JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN scope n ON n.oid = c.relnamespace
ORDER BY 1, 2, 3`;

export const sequencesQuery = `
WITH ${scope}
SELECT c.oid, n.nspname AS schema, c.relname AS name, pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
  s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min_value,
  s.seqmax::text AS max_value, s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence = 'u' AS unlogged,
  pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
  owner.relname AS owned_table, a.attname AS owned_column
FROM pg_catalog.pg_class c
JOIN scope n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class owner ON owner.oid = d.refobjid
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE c.relkind = 'S' AND (d.deptype IS NULL OR d.deptype = 'a')
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
ORDER BY 1, 2`;

/**
 * Tables; a partition's pending detach from PostgreSQL 14
 * (pg_inherits.inhdetachpending). A partition bound holds only constants,
 * so it is deparsed without opening its table (see columnsQuery).
 */
export function tablesQuery(serverVersion: number): string {
  const pending = serverVersion >= 140000 ? 'ih.inhdetachpending' : 'false';
  return `
WITH ${scope}
SELECT c.oid, n.nspname AS schema, c.relname AS name, pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
  c.reltuples::float8 AS row_estimate, c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
  c.relpersistence = 'u' AS unlogged,
  (SELECT i.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisclustered) AS cluster_on,
  CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by,
  pn.nspname AS parent_schema, pc.relname AS parent_table,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, 0, true) END AS partition_bound,
  c.relispartition AND ${pending} AS detach_pending,
  CASE WHEN NOT c.relispartition THEN (
    SELECT json_agg(json_build_object('schema', qn.nspname, 'table', qc.relname) ORDER BY qi.inhseqno)
    FROM pg_catalog.pg_inherits qi JOIN pg_catalog.pg_class qc ON qc.oid = qi.inhparent JOIN pg_catalog.pg_namespace qn ON qn.oid = qc.relnamespace
    WHERE qi.inhrelid = c.oid) END AS inherits
FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_inherits ih ON c.relispartition AND ih.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class pc ON pc.oid = ih.inhparent
LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
ORDER BY 1, 2`;
}

/**
 * Columns; storage is read only where it is not the type's own, compression
 * from PostgreSQL 14. A default is deparsed without its table (relid 0):
 * PostgreSQL refuses column references in a default, so there is nothing to
 * name, and given the table pg_get_expr opens it (a relation cache entry per
 * table in a new backend: ~30% of this query's time at 1,000 tables).
 * A generated column's expression names columns and needs its table.
 */
export function columnsQuery(serverVersion: number): string {
  const compression = serverVersion >= 140000 ? "NULLIF(a.attcompression, '')::text" : 'NULL::text';
  return `
WITH ${scope}
SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS name,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0, true) END AS "default",
  CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) END AS generated,
  a.attidentity AS identity,
  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END AS collation,
  cd.description AS comment,
  pg_catalog.format_type(s.seqtypid, NULL) AS seq_type, s.seqstart::text AS seq_start,
  s.seqincrement::text AS seq_increment, s.seqmin::text AS seq_min, s.seqmax::text AS seq_max,
  s.seqcache::text AS seq_cache, s.seqcycle AS seq_cycle,
  NULLIF(a.attstattarget, -1)::int AS statistics,
  CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage, t.typstorage::text AS type_storage,
  ${compression} AS compression, a.attoptions AS options
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN scope n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_depend d ON a.attidentity <> '' AND d.refclassid = 'pg_class'::regclass
  AND d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'
LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid
LEFT JOIN pg_catalog.pg_description cd ON cd.objoid = a.attrelid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  -- A column a table only inherits is its parent's.
  AND a.attislocal
  AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
ORDER BY a.attrelid, a.attnum`;
}

/** Primary keys, uniques, checks and foreign keys. NOT NULL rows (PostgreSQL 18+) are columns' business. */
export function constraintsQuery(serverVersion: number): string {
  const nullsNotDistinct = serverVersion >= 150000
    ? `COALESCE((SELECT x.indnullsnotdistinct FROM pg_catalog.pg_index x WHERE x.indexrelid = con.conindid AND con.contype = 'u'), false)`
    : 'false';
  // Key columns and comments are joined for all constraints at once rather
  // than looked up by a subquery per constraint.
  return `
WITH ${scope},
constraints AS (
  SELECT con.*, n.nspname, c.relname
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN scope n ON n.oid = c.relnamespace
  WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p')
    -- Clones of a partitioned parent's constraints belong to the parent.
    AND con.conparentid = 0 AND (con.contype <> 'c' OR con.conislocal)
    AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
),
key_columns AS (
  SELECT con.oid, json_agg(a.attname ORDER BY k.ord) AS columns
  FROM constraints con
  CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
  GROUP BY con.oid
),
-- A key's INCLUDE columns are its index's columns after the key ones.
included_columns AS (
  SELECT con.oid, json_agg(a.attname ORDER BY k.ord) AS columns
  FROM constraints con
  JOIN pg_catalog.pg_index x ON x.indexrelid = con.conindid
  CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
  WHERE con.contype IN ('p', 'u') AND k.ord > x.indnkeyatts
  GROUP BY con.oid
),
referenced_columns AS (
  SELECT con.oid, json_agg(a.attname ORDER BY k.ord) AS columns
  FROM constraints con
  CROSS JOIN LATERAL unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
  WHERE con.contype = 'f'
  GROUP BY con.oid
)
SELECT con.oid, con.nspname AS schema, con.relname AS table_name, con.conname AS name, con.contype AS type,
  kc.columns, ic.columns AS include, fn.nspname AS ref_schema, fc.relname AS ref_table, rc.columns AS ref_columns,
  con.confupdtype AS on_update, con.confdeltype AS on_delete, con.confmatchtype AS match,
  con.condeferrable AS deferrable, con.condeferred AS deferred, con.connoinherit AS no_inherit, con.convalidated AS validated,
  CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid, true)
       WHEN con.contype = 'x' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END AS expression,
  ${nullsNotDistinct} AS nulls_not_distinct,
  d.description AS comment
FROM constraints con
LEFT JOIN key_columns kc ON kc.oid = con.oid
LEFT JOIN included_columns ic ON ic.oid = con.oid
LEFT JOIN referenced_columns rc ON rc.oid = con.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_catalog.pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
ORDER BY 1, 2, 3`;
}

/** Indexes that do not back a primary key, unique or exclusion constraint. */
export function indexesQuery(serverVersion: number): string {
  const nullsNotDistinct = serverVersion >= 150000 ? 'x.indnullsnotdistinct' : 'false';
  // Keys are aggregated for all indexes in one pass (hash joins over the
  // catalogs) rather than by a subquery per index, which rescans
  // pg_collation once per index.
  return `
WITH ${scope},
indexes AS (
  SELECT x.*, n.nspname, c.relname AS table_name, i.relname AS index_name, i.relam, i.reloptions
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
  JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm')
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                    WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x'))
    -- A partition's share of an index on its partitioned parent is the parent's.
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = x.indexrelid)
    AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
),
index_keys AS (
  SELECT x.indexrelid, json_agg(json_build_object(
      'column', CASE WHEN k.attnum <> 0 THEN a.attname END,
      'expression', CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::int, true) END,
      'option', (x.indoption::int2[])[k.ord - 1],
      'opclass', CASE WHEN NOT oc.opcdefault THEN
        CASE WHEN ocn.nspname = 'pg_catalog' THEN quote_ident(oc.opcname) ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END END,
      'collation', CASE WHEN k.ord <= x.indnkeyatts AND co.oid IS NOT NULL AND co.oid <> COALESCE(NULLIF(a.attcollation, 0), 100)
        THEN CASE WHEN con.nspname = 'pg_catalog' THEN quote_ident(co.collname) ELSE quote_ident(con.nspname) || '.' || quote_ident(co.collname) END END,
      'included', k.ord > x.indnkeyatts) ORDER BY k.ord) AS keys
  FROM indexes x
  CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
  LEFT JOIN pg_catalog.pg_opclass oc ON k.ord <= x.indnkeyatts AND oc.oid = (x.indclass::oid[])[k.ord - 1]
  LEFT JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = NULLIF((x.indcollation::oid[])[k.ord - 1], 0)
  LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
  GROUP BY x.indexrelid
)
SELECT x.indexrelid AS oid, x.nspname AS schema, x.table_name, x.index_name AS name, x.indisunique AS "unique",
  am.amname AS method, pg_catalog.pg_get_expr(x.indpred, x.indrelid, true) AS "where",
  ${nullsNotDistinct} AS nulls_not_distinct, d.description AS comment,
  x.reloptions AS with_options, NOT x.indisvalid AS invalid, k.keys
FROM indexes x
JOIN pg_catalog.pg_am am ON am.oid = x.relam
JOIN index_keys k ON k.indexrelid = x.indexrelid
LEFT JOIN pg_catalog.pg_description d ON d.objoid = x.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
ORDER BY 1, 2, 3`;
}

/**
 * Privileges on tables, views, materialized views and sequences, and on their
 * columns, one row per role and privilege. The owner's own privileges are
 * implied by ownership and left out; grantee 0 is PUBLIC.
 */
export const grantsQuery = `
WITH ${scope},
relations AS (
  SELECT c.oid, n.nspname, c.relname, c.relowner, c.relacl
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
),
acl AS (
  SELECT r.nspname, r.relname, NULL::name AS column_name, r.relowner, e.grantee, e.privilege_type, e.is_grantable
  FROM relations r, pg_catalog.aclexplode(r.relacl) e
  WHERE r.relacl IS NOT NULL
  UNION ALL
  SELECT r.nspname, r.relname, a.attname, r.relowner, e.grantee, e.privilege_type, e.is_grantable
  FROM relations r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL,
  pg_catalog.aclexplode(a.attacl) e
)
SELECT nspname AS schema, relname AS name, column_name,
  CASE WHEN grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(grantee) END AS grantee,
  privilege_type AS privilege, is_grantable AS grantable
FROM acl
WHERE grantee <> relowner
ORDER BY 1, 2, 3, 4, 5`;

/**
 * ALTER DEFAULT PRIVILEGES ... IN SCHEMA entries. A schema's entry only adds
 * to the built-in defaults, so its ACL is exactly what it grants.
 */
export const defaultPrivilegesQuery = `
WITH ${scope}
SELECT d.oid, n.nspname AS schema, pg_catalog.pg_get_userbyid(d.defaclrole) AS role,
  CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' END AS "on",
  ${aclRows('d.defaclacl')} AS acl
FROM pg_catalog.pg_default_acl d JOIN scope n ON n.oid = d.defaclnamespace
WHERE d.defaclobjtype IN ('r', 'S', 'f', 'T')
ORDER BY 1, 2, 3`;

export const serverQuery = `
SELECT current_setting('server_version_num')::int AS version_num, current_user AS "current_role",
  current_database() AS database,
  (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) AS system_identifier`;
