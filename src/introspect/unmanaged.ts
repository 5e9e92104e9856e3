import type { Database } from '../db/database.js';
import { CatalogObjects } from './catalog-objects.js';
import { introspect, TOOL_SCHEMA, type Lanes, type ServerInfo } from './introspect.js';
import { schemasInScope } from './queries.js';

/**
 * Objects that live in managed schemas but that schemaform does not model.
 * They are never dropped or altered by a plan (statements that would need to
 * touch them fail and roll back instead), and every plan lists them so "no
 * changes" is never mistaken for "nothing else is there".
 *
 * The list is not a list of kinds: it is what the catalog holds in scope
 * minus what the introspector read into the model, so an object of a kind
 * nobody thought of (or one a new PostgreSQL version adds) is listed by
 * construction. `kind` is PostgreSQL's own word for it (pg_identify_object).
 */
export interface UnmanagedObject {
  kind: string;
  schema: string;
  name: string;
}

/** What is in scope: every catalog object, and the attributes of managed objects the model has no field for. */
export interface CatalogScan {
  objects: CatalogObjects;
  attributes: UnmanagedObject[];
}

/**
 * Whether `x` is part of something else: internal to another object (a
 * table's row type, an array type, a key's index, an identity's sequence, a
 * view's _RETURN rule, a range's constructors), a member of an extension, or
 * a partition's clone of its parent's index, key or trigger. Such objects
 * come and go with their owner, so they are never listed on their own.
 */
const partOfSomethingElse = (x: string) => `EXISTS (
  SELECT 1 FROM pg_catalog.pg_depend e
  WHERE e.classid = ${x}.classid AND e.objid = ${x}.objid AND e.objsubid = 0
    AND e.deptype IN ('i', 'e', 'x', 'P') AND NOT (e.refclassid = ${x}.classid AND e.refobjid = ${x}.objid))`;

/**
 * Every object in scope, from pg_depend: what depends on a schema in scope
 * (whatever catalog it lives in), then what depends automatically on those,
 * transitively (a table's constraints, indexes, triggers, rules, policies,
 * statistics, publication memberships). Three things are left out because
 * the model holds them as attributes rather than objects: column defaults,
 * NOT NULL constraints (PostgreSQL 18 records them) and constraints a table
 * inherits (its parent holds them).
 */
const objectsQuery = `
WITH RECURSIVE ${schemasInScope},
in_scope AS (
  SELECT d.classid, d.objid
  FROM pg_catalog.pg_depend d JOIN scope s ON d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = s.oid
  WHERE d.objsubid = 0 AND NOT ${partOfSomethingElse('d')}
  UNION
  SELECT d.classid, d.objid
  FROM in_scope o JOIN pg_catalog.pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.objid AND d.deptype = 'a'
  WHERE d.objsubid = 0 AND NOT ${partOfSomethingElse('d')}
)
SELECT o.classid::regclass::text AS catalog, array_agg(o.objid) AS oids
FROM in_scope o
WHERE o.classid <> 'pg_catalog.pg_attrdef'::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                  WHERE o.classid = 'pg_catalog.pg_constraint'::regclass AND c.oid = o.objid AND (NOT c.conislocal OR c.contype = 'n'))
GROUP BY 1`;

const extensionMember = (catalog: string, oid: string) =>
  `EXISTS (SELECT 1 FROM pg_catalog.pg_depend m WHERE m.deptype = 'e' AND m.classid = '${catalog}'::regclass AND m.objid = ${oid})`;

/**
 * Attributes of objects the model holds that it has no field for yet. These
 * are the one place a list is kept; `schema inspect --verify` compares
 * everything else pg_dump prints, so an attribute missing here fails it.
 */
const attributesQuery = (serverVersion: number) => `
WITH ${schemasInScope}
SELECT kind, schema, name FROM (
  SELECT 'table storage options' AS kind, n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL AND NOT ${extensionMember('pg_class', 'c.oid')}
  UNION ALL
  SELECT 'replica identity ' || CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing' ELSE 'using an index' END, n.nspname, c.relname
  FROM pg_catalog.pg_class c JOIN scope n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND NOT ${extensionMember('pg_class', 'c.oid')}
  UNION ALL
  -- Column attributes of the columns the model does not hold (a partition's, an inherited one's): statistics target, storage, compression.
  SELECT CASE WHEN COALESCE(a.attstattarget::int, -1) >= 0 THEN 'column statistics target'
              WHEN a.attstorage <> t.typstorage THEN 'column storage'
              ELSE 'column compression' END,
         n.nspname, c.relname || '.' || a.attname
  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN scope n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND (c.relispartition OR NOT a.attislocal)
    AND NOT ${extensionMember('pg_class', 'c.oid')}
    AND (COALESCE(a.attstattarget::int, -1) >= 0 OR a.attstorage <> t.typstorage OR ${serverVersion >= 140000 ? "a.attcompression <> ''" : 'false'})
) attributes`;

/**
 * Names for the objects left over, as PostgreSQL identifies them: an object
 * in a schema by its identity without the schema ("f(text,public.money2)",
 * "fam USING btree"); one attached to a relation (a rule, a trigger, a
 * publication membership) by the relation and its own name, with any
 * further names after it in parentheses.
 */
const describeQuery = `
SELECT i.type AS kind,
  CASE WHEN i.schema IS NOT NULL THEN i.schema ELSE a.object_names[1] END AS schema,
  CASE WHEN i.schema IS NULL THEN array_to_string(a.object_names[2:], '.')
         || CASE WHEN cardinality(a.object_args) > 0 THEN ' (' || array_to_string(a.object_args, ', ') || ')' ELSE '' END
       WHEN starts_with(i.identity, quote_ident(i.schema) || '.') THEN substr(shown.identity, length(quote_ident(i.schema)) + 2)
       ELSE shown.identity END AS name
FROM unnest($1::text[], $2::oid[]) AS o(catalog, objid),
  LATERAL pg_catalog.pg_identify_object(o.catalog::regclass, o.objid, 0) i,
  LATERAL pg_catalog.pg_identify_object_as_address(o.catalog::regclass, o.objid, 0) a,
  -- Built-in types in argument lists read as people write them: (text), not (pg_catalog.text).
  LATERAL regexp_replace(i.identity, '([(,])pg_catalog\\.', '\\1', 'g') AS shown(identity)`;

/** Read what is in scope. Runs beside the introspection: it does not need the model. */
export async function scanCatalog(db: Database, server: ServerInfo, schemas?: string[], lanes?: Lanes): Promise<CatalogScan> {
  const params = [schemas ?? null, TOOL_SCHEMA];
  // Beside a catalog read in lanes, the scan shares the columns' lane (see catalogLanes).
  const on = lanes ? await lanes(1) : db;
  const [objectRows, attributes] = await Promise.all([
    on.query<{ catalog: string; oids: number[] }>(objectsQuery, params),
    on.query<UnmanagedObject>(attributesQuery(server.versionNum), params),
  ]);
  const objects = new CatalogObjects();
  for (const r of objectRows) for (const oid of r.oids) objects.add(r.catalog, Number(oid));
  return { objects, attributes };
}

/** The scan's objects the model did not read, named, with the attributes it has no field for. */
export async function unmanagedAmong(db: Database, scan: CatalogScan, read: CatalogObjects): Promise<UnmanagedObject[]> {
  const left = scan.objects.without(read);
  const objects = left.length === 0 ? [] : await db.query<UnmanagedObject>(describeQuery, [left.map((o) => o.catalog), left.map((o) => o.oid)]);
  return [...objects, ...scan.attributes].sort((a, b) => compare(a.kind, b.kind) || compare(a.schema, b.schema) || compare(a.name, b.name));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Scan and introspect together, for a caller that does not introspect anyway. */
export async function listUnmanaged(db: Database, server: ServerInfo, schemas?: string[]): Promise<UnmanagedObject[]> {
  const [scan, { read }] = await Promise.all([scanCatalog(db, server, schemas), introspect(db, { ...(schemas && { schemas }) }, server)]);
  return unmanagedAmong(db, scan, read);
}

/** One object, as plans, drift and adopt print it: "operator public.===(integer,integer)". */
export const unmanagedLabel = (o: UnmanagedObject): string => `${o.kind} ${o.schema}.${o.name}`;

/** "3 views, 1 trigger" */
export function countByKind(objects: UnmanagedObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return counts;
}
