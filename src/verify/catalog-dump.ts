import type { Database } from '../db/database.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import { schemasInScope } from '../introspect/queries.js';

/**
 * What `inspect --verify` compares where no pg_dump is at hand: one line
 * per object in scope, found as the unmanaged scan finds them (everything
 * pg_depend says lives in those schemas, whatever its kind), named by
 * pg_identify_object and described by PostgreSQL's own printing of it
 * (pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef,
 * pg_get_ruledef, pg_get_viewdef, pg_get_functiondef ...) with the
 * attributes those leave out (column storage and statistics, options,
 * persistence, replica identity, comments, privileges when asked). An
 * object of any kind missing on one side shows; an attribute shows where
 * one of these prints it. pg_dump prints more, so it is used when found.
 */
/**
 * An ACL as sorted grantee:privilege pairs, NULL (the kind's built-in
 * default) spelled out and the owner called "owner": owners are not
 * compared (objects belong to whoever applies), and REVOKE then GRANT can
 * leave the same privileges in another order, or written where they were
 * implied.
 */
const acl = (column: string, kind: string | undefined, owner: string) => `(SELECT COALESCE(string_agg(
    CASE WHEN e.grantee = ${owner} THEN 'owner' WHEN e.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(e.grantee) END
    || ':' || e.privilege_type || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ',' ORDER BY 1), '')
  FROM pg_catalog.aclexplode(${kind ? `COALESCE(${column}, pg_catalog.acldefault((${kind})::"char", ${owner}))` : column}) e)`;

const catalogQuery = `
WITH RECURSIVE ${schemasInScope},
in_scope AS (
  SELECT d.classid, d.objid FROM pg_catalog.pg_depend d JOIN scope s ON d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = s.oid
  WHERE d.objsubid = 0 AND d.deptype <> 'e'
  UNION
  SELECT d.classid, d.objid FROM in_scope o JOIN pg_catalog.pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.objid AND d.deptype IN ('a', 'i')
  WHERE d.objsubid = 0
),
objects AS (
  SELECT DISTINCT o.classid, o.objid FROM in_scope o
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype IN ('e', 'x'))
)
SELECT line FROM (
  SELECT i.type || ' ' || i.identity || COALESCE(': ' || CASE o.classid
    WHEN 'pg_catalog.pg_class'::regclass THEN (
      SELECT concat_ws(' | ', c.relkind, c.relpersistence, c.relreplident, c.relrowsecurity, c.relforcerowsecurity, c.reloptions::text,
        CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END,
        CASE WHEN c.relkind IN ('i', 'I') THEN pg_catalog.pg_get_indexdef(c.oid) || (SELECT CASE WHEN x.indisclustered THEN ' CLUSTERED' ELSE '' END FROM pg_catalog.pg_index x WHERE x.indexrelid = c.oid) END,
        CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
        CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
        (SELECT string_agg(concat_ws(' ', q.seqtypid::regtype, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle), '')
           FROM pg_catalog.pg_sequence q WHERE q.seqrelid = c.oid),
        (SELECT string_agg(ih.inhparent::regclass::text, ', ' ORDER BY ih.inhseqno) FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = c.oid AND NOT c.relispartition),
        (SELECT string_agg(concat_ws(' ', quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod),
            CASE WHEN a.attnotnull THEN 'NOT NULL' END, a.attidentity, a.attgenerated, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
            CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
            CASE WHEN a.attstorage <> t.typstorage THEN 'storage ' || a.attstorage::text END,
            CASE WHEN COALESCE(a.attstattarget::int, -1) >= 0 THEN 'statistics ' || a.attstattarget::text END,
            a.attoptions::text, pg_catalog.col_description(c.oid, a.attnum), CASE WHEN $3 THEN ${acl('a.attacl', undefined, 'c.relowner')} END), ', ' ORDER BY a.attname)
           FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
           LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind NOT IN ('i', 'I')),
        CASE WHEN $3 THEN ${acl('c.relacl', `CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END`, 'c.relowner')} END)
      FROM pg_catalog.pg_class c WHERE c.oid = o.objid)
    WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT pg_catalog.pg_get_constraintdef(o.objid) || CASE WHEN co.convalidated THEN '' ELSE ' NOT VALID' END FROM pg_catalog.pg_constraint co WHERE co.oid = o.objid)
    WHEN 'pg_catalog.pg_trigger'::regclass THEN (SELECT pg_catalog.pg_get_triggerdef(o.objid) || ' ' || tg.tgenabled::text FROM pg_catalog.pg_trigger tg WHERE tg.oid = o.objid)
    WHEN 'pg_catalog.pg_rewrite'::regclass THEN (SELECT pg_catalog.pg_get_ruledef(o.objid) || ' ' || r.ev_enabled::text FROM pg_catalog.pg_rewrite r WHERE r.oid = o.objid)
    WHEN 'pg_catalog.pg_policy'::regclass THEN (SELECT concat_ws(' | ', p.polcmd, p.polpermissive, p.polroles::regrole[]::text, pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)) FROM pg_catalog.pg_policy p WHERE p.oid = o.objid)
    WHEN 'pg_catalog.pg_proc'::regclass THEN (SELECT CASE WHEN p.prokind = 'a' THEN (SELECT row(a.*)::text FROM (SELECT aggkind, aggnumdirectargs, aggtransfn::text, aggfinalfn::text, aggcombinefn::text, aggserialfn::text, aggdeserialfn::text,
          aggmtransfn::text, aggminvtransfn::text, aggmfinalfn::text, aggfinalextra, aggmfinalextra, aggfinalmodify, aggmfinalmodify, aggsortop::regoperator::text, aggtranstype::regtype::text, aggtransspace,
          aggmtranstype::regtype::text, aggmtransspace, agginitval, aggminitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = p.oid) a) || ' ' || p.proparallel::text
        ELSE pg_catalog.pg_get_functiondef(p.oid) END || CASE WHEN $3 THEN ' ' || ${acl('p.proacl', `'f'`, 'p.proowner')} ELSE '' END FROM pg_catalog.pg_proc p WHERE p.oid = o.objid)
    WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT concat_ws(' | ', t.typtype, CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END, t.typnotnull, t.typdefault,
        (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid),
        (SELECT concat_ws(' ', rg.rngsubtype::regtype, oc.opcname, NULLIF(rg.rngcollation, 0)::regcollation, rg.rngcanonical, rg.rngsubdiff, rg.rngmultitypid::regtype)
           FROM pg_catalog.pg_range rg JOIN pg_catalog.pg_opclass oc ON oc.oid = rg.rngsubopc WHERE rg.rngtypid = t.oid),
        (SELECT string_agg(quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
           FROM pg_catalog.pg_attribute a WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
        CASE WHEN $3 THEN ${acl('t.typacl', `'T'`, 't.typowner')} END) FROM pg_catalog.pg_type t WHERE t.oid = o.objid)
    WHEN 'pg_catalog.pg_collation'::regclass THEN (SELECT concat_ws(' | ', co.collprovider, co.collcollate, co.collctype, co.collisdeterministic) FROM pg_catalog.pg_collation co WHERE co.oid = o.objid)
    WHEN 'pg_catalog.pg_ts_dict'::regclass THEN (SELECT tt.tmplname || ' ' || COALESCE(d.dictinitoption, '') FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_ts_template tt ON tt.oid = d.dicttemplate WHERE d.oid = o.objid)
    WHEN 'pg_catalog.pg_ts_config'::regclass THEN (SELECT pr.prsname || ' ' || COALESCE((SELECT string_agg(m.maptokentype::text || '=' || m.mapdict::regdictionary::text, ', ' ORDER BY m.maptokentype, m.mapseqno)
        FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg = cf.oid), '') FROM pg_catalog.pg_ts_config cf JOIN pg_catalog.pg_ts_parser pr ON pr.oid = cf.cfgparser WHERE cf.oid = o.objid)
    END, '') || COALESCE(' -- ' || pg_catalog.obj_description(o.objid, o.classid::regclass::text), '') AS line
  FROM objects o, LATERAL pg_catalog.pg_identify_object(o.classid, o.objid, 0) i
  -- A column's default is printed with its table; TOAST tables and the triggers behind foreign keys are named by OID.
  WHERE o.classid <> 'pg_catalog.pg_attrdef'::regclass AND i.schema IS DISTINCT FROM 'pg_toast'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg WHERE o.classid = 'pg_catalog.pg_trigger'::regclass AND tg.oid = o.objid AND tg.tgisinternal)
  UNION ALL
  SELECT 'schema ' || quote_ident(n.nspname) || COALESCE(' -- ' || pg_catalog.obj_description(n.oid, 'pg_namespace'), '') || CASE WHEN $3 THEN ' ' || ${acl('n.nspacl', `'n'`, 'n.nspowner')} ELSE '' END
  FROM pg_catalog.pg_namespace n JOIN scope USING (oid)
  UNION ALL
  SELECT 'extension ' || e.extname || ' ' || e.extversion || ' in ' || e.extnamespace::regnamespace || COALESCE(' -- ' || pg_catalog.obj_description(e.oid, 'pg_extension'), '')
  FROM pg_catalog.pg_extension e WHERE e.extname <> 'plpgsql'
) lines
ORDER BY 1`;

/** The catalog's account of the schemas in scope, one line per object, sorted. */
export async function catalogDump(db: Database, options: { privileges?: boolean; schemas?: readonly string[] } = {}): Promise<string[]> {
  const rows = await db.query<{ line: string }>(catalogQuery, [options.schemas ?? null, TOOL_SCHEMA, options.privileges ?? false]);
  return rows.map((r) => r.line);
}
