import type { Database } from '../db/database.js';
import { withoutDefaultArgumentModes } from '../model/canonical.js';
import type { DependencySeed, DependentObject, LiveDependent, ReferencedObject } from '../graph/facts.js';

/**
 * What in the live database depends on the objects a plan drops or
 * rewrites, read from pg_depend: the catalog's own record, including what
 * no text shows (a SQL-standard body reading a column through a row-typed
 * argument, a default's cast to an enum). Only normal dependencies count:
 * those are the ones that make PostgreSQL refuse the drop. The walk is
 * transitive (a view over a view over a rebuilt routine), so the cost grows
 * with what the plan touches, not with the database.
 */
export async function readDependents(db: Database, seeds: readonly DependencySeed[]): Promise<LiveDependent[]> {
  if (seeds.length === 0) return [];
  const column = (k: keyof DependencySeed) => seeds.map((s) => s[k] ?? null);
  const rows = await db.query<DependentRow>(dependentsQuery, [column('kind'), column('schema'), column('name'), column('detail'), column('column')]);
  return rows.flatMap((r) => {
    const referenced = referencedOf(r);
    const dependent = dependentOf(r);
    return referenced && dependent ? [{ ...dependent, on: referenced } as LiveDependent] : [];
  });
}

interface DependentRow {
  dep_type: string;
  dep_names: string[];
  dep_arguments: string | null;
  dep_table: string | null;
  dep_kind: string | null;
  ref_kind: string;
  ref_schema: string;
  ref_name: string;
  ref_column: string | null;
}

function referencedOf(r: DependentRow): ReferencedObject | undefined {
  switch (r.ref_kind) {
    case 'relation': return r.ref_column !== null ? { kind: 'column', schema: r.ref_schema, table: r.ref_name, column: r.ref_column } : { kind: 'relation', schema: r.ref_schema, name: r.ref_name };
    case 'type': case 'routine': case 'collation': return { kind: r.ref_kind, schema: r.ref_schema, name: r.ref_name };
    default: return undefined;
  }
}

/** pg_identify_object_as_address names the dependent; a few kinds need one more fact. */
function dependentOf(r: DependentRow): DependentObject | undefined {
  const [schema, second, third] = r.dep_names;
  // Types are named by one qualified string; anything not listed below is reported as it is.
  const other = (): DependentObject => ({ kind: 'other', schema: r.dep_names.length > 1 ? schema! : '', name: r.dep_names.slice(r.dep_names.length > 1 ? 1 : 0).join('.'), what: r.dep_type });
  if (schema === undefined || second === undefined) return r.dep_names.length ? other() : undefined;
  switch (r.dep_type) {
    case 'rule': return { kind: 'view', schema, name: second };
    case 'function': case 'procedure': return { kind: 'routine', schema, name: second, arguments: withoutDefaultArgumentModes(r.dep_arguments ?? '') };
    case 'default value': return third !== undefined ? { kind: 'default', schema, table: second, column: third } : undefined;
    case 'table constraint': return third !== undefined ? { kind: 'constraint', schema, table: second, name: third } : undefined;
    case 'index': return r.dep_table !== null ? { kind: 'index', schema, table: r.dep_table, name: second } : undefined;
    case 'trigger': return third !== undefined ? { kind: 'trigger', schema, table: second, name: third } : undefined;
    case 'policy': return third !== undefined ? { kind: 'policy', schema, table: second, name: third } : undefined;
    // A view's columns are the view's: it is rebuilt whole.
    case 'view column': case 'materialized view column': return { kind: 'view', schema, name: second };
    case 'table column': case 'composite type column':
      return third !== undefined ? { kind: 'column', schema, table: second, column: third, of: r.dep_kind ?? '' } : undefined;
    default: return other();
  }
}

/*
 * seed: the objects named, as catalog addresses (a type with its array
 * type; a routine by its exact argument list). walk: their normal
 * dependents, and theirs in turn; a view is reached through its rewrite
 * rule, and what depends on the view is looked up on the view itself; what
 * depends on a column (a generated column, a view) on that column.
 */
const dependentsQuery = `
WITH RECURSIVE input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS s(kind, schema, name, detail, col)
), seed(classid, objid, objsubid) AS (
  SELECT 'pg_catalog.pg_class'::regclass, c.oid, COALESCE(a.attnum, 0)::int
    FROM input s JOIN pg_catalog.pg_namespace n ON n.nspname = s.schema
    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.name
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = s.col AND NOT a.attisdropped
   WHERE s.kind = 'relation' AND (s.col IS NULL OR a.attnum IS NOT NULL)
  UNION ALL
  SELECT 'pg_catalog.pg_type'::regclass, x.oid, 0
    FROM input s JOIN pg_catalog.pg_namespace n ON n.nspname = s.schema
    JOIN pg_catalog.pg_type t ON t.typnamespace = n.oid AND t.typname = s.name
    CROSS JOIN LATERAL (VALUES (t.oid), (NULLIF(t.typarray, 0))) AS x(oid)
   WHERE s.kind = 'type' AND x.oid IS NOT NULL
  UNION ALL
  SELECT 'pg_catalog.pg_proc'::regclass, p.oid, 0
    FROM input s JOIN pg_catalog.pg_namespace n ON n.nspname = s.schema
    JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = s.name
   WHERE s.kind = 'routine' AND (s.detail IS NULL OR pg_catalog.regexp_replace(pg_catalog.pg_get_function_arguments(p.oid), '(^|,\\s*)IN\\s+', '\\1', 'g') = s.detail)
  UNION ALL
  SELECT 'pg_catalog.pg_collation'::regclass, co.oid, 0
    FROM input s JOIN pg_catalog.pg_namespace n ON n.nspname = s.schema
    JOIN pg_catalog.pg_collation co ON co.collnamespace = n.oid AND co.collname = s.name
   WHERE s.kind = 'collation'
), walk(classid, objid, objsubid, refclassid, refobjid, refobjsubid, depth) AS (
  SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid, 1
    FROM seed s JOIN pg_catalog.pg_depend d
      ON d.refclassid = s.classid AND d.refobjid = s.objid AND (s.objsubid = 0 OR d.refobjsubid = s.objsubid)
   WHERE d.deptype = 'n'
  UNION
  SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid, w.depth + 1
    FROM walk w
    CROSS JOIN LATERAL (SELECT CASE WHEN w.classid = 'pg_catalog.pg_rewrite'::regclass THEN 'pg_catalog.pg_class'::regclass ELSE w.classid END AS classid,
                               CASE WHEN w.classid = 'pg_catalog.pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_catalog.pg_rewrite WHERE oid = w.objid) ELSE w.objid END AS objid) o
    JOIN pg_catalog.pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.objid AND (w.objsubid = 0 OR d.refobjsubid = w.objsubid)
   WHERE d.deptype = 'n' AND w.depth < 32
     AND w.classid IN ('pg_catalog.pg_rewrite'::regclass, 'pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_class'::regclass, 'pg_catalog.pg_type'::regclass)
)
SELECT DISTINCT ad.type AS dep_type, ad.object_names AS dep_names,
  CASE WHEN w.classid = 'pg_catalog.pg_proc'::regclass THEN pg_catalog.pg_get_function_arguments(w.objid) END AS dep_arguments,
  (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indrelid
    WHERE w.classid = 'pg_catalog.pg_class'::regclass AND i.indexrelid = w.objid) AS dep_table,
  (SELECT dc.relkind::text FROM pg_catalog.pg_class dc WHERE w.classid = 'pg_catalog.pg_class'::regclass AND dc.oid = w.objid) AS dep_kind,
  r.kind AS ref_kind, r.schema AS ref_schema, r.name AS ref_name, r.col AS ref_column
FROM walk w
CROSS JOIN LATERAL pg_catalog.pg_identify_object_as_address(w.classid, w.objid, w.objsubid) ad
CROSS JOIN LATERAL (
  SELECT 'relation' AS kind, rn.nspname AS schema, rc.relname AS name, ra.attname AS col
    FROM pg_catalog.pg_class rc JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
    LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = rc.oid AND ra.attnum = w.refobjsubid AND w.refobjsubid > 0
   WHERE w.refclassid = 'pg_catalog.pg_class'::regclass AND rc.oid = w.refobjid
  UNION ALL
  SELECT 'type', tn.nspname, et.typname, NULL
    FROM pg_catalog.pg_type rt
    JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN rt.typcategory = 'A' AND rt.typelem <> 0 THEN rt.typelem ELSE rt.oid END
    JOIN pg_catalog.pg_namespace tn ON tn.oid = et.typnamespace
   WHERE w.refclassid = 'pg_catalog.pg_type'::regclass AND rt.oid = w.refobjid
  UNION ALL
  SELECT 'routine', pn.nspname, p.proname, NULL
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
   WHERE w.refclassid = 'pg_catalog.pg_proc'::regclass AND p.oid = w.refobjid
  UNION ALL
  SELECT 'collation', cn.nspname, co.collname, NULL
    FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
   WHERE w.refclassid = 'pg_catalog.pg_collation'::regclass AND co.oid = w.refobjid
) r
WHERE ad.type <> 'rule' OR (SELECT rulename FROM pg_catalog.pg_rewrite WHERE oid = w.objid) = '_RETURN'`;
