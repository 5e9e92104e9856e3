import type { TextSearchConfiguration, TextSearchDictionary } from '../model/types.js';
import { configurationIn, dictionaryIn, parseDictionaryOptions } from '../model/text-search.js';

/**
 * Text search dictionaries and configurations. Names of templates, parsers
 * and dictionaries are spelled as with search_path = public: unqualified
 * when they live in pg_catalog or public.
 */
const visible = (nsp: string, name: string) =>
  `CASE WHEN ${nsp} IN ('pg_catalog', 'public') THEN quote_ident(${name}) ELSE quote_ident(${nsp}) || '.' || quote_ident(${name}) END`;

export const dictionariesQuery = (scope: string) => `
WITH ${scope}
SELECT d.oid, n.nspname AS schema, d.dictname AS name, ${visible('tn.nspname', 't.tmplname')} AS template,
  d.dictinitoption AS options, pg_catalog.obj_description(d.oid, 'pg_ts_dict') AS comment
FROM pg_catalog.pg_ts_dict d
JOIN scope n ON n.oid = d.dictnamespace
JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_ts_dict'::regclass AND m.objid = d.oid)
ORDER BY 2, 3`;

/** Each mapping's token type by the parser's alias for it, its dictionaries in the order they are tried. */
export const configurationsQuery = (scope: string) => `
WITH ${scope}
SELECT c.oid, n.nspname AS schema, c.cfgname AS name, ${visible('pn.nspname', 'p.prsname')} AS parser,
  (SELECT json_object_agg(tt.alias, m.dictionaries ORDER BY tt.alias)
     FROM (SELECT maptokentype, json_agg(mapdict::regdictionary::text ORDER BY mapseqno) AS dictionaries
             FROM pg_catalog.pg_ts_config_map WHERE mapcfg = c.oid GROUP BY maptokentype) m
     JOIN pg_catalog.ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype) AS mappings,
  pg_catalog.obj_description(c.oid, 'pg_ts_config') AS comment
FROM pg_catalog.pg_ts_config c
JOIN scope n ON n.oid = c.cfgnamespace
JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_ts_config'::regclass AND m.objid = c.oid)
ORDER BY 2, 3`;

export interface DictionaryRow { oid: number; schema: string; name: string; template: string; options: string | null; comment: string | null }
export interface ConfigurationRow { oid: number; schema: string; name: string; parser: string; mappings: Record<string, string[]> | null; comment: string | null }

export const toDictionary = (r: DictionaryRow): TextSearchDictionary => dictionaryIn({
  name: r.name, template: r.template, options: parseDictionaryOptions(r.options), ...(r.comment !== null && { comment: r.comment }),
});

export const toConfiguration = (r: ConfigurationRow): TextSearchConfiguration => configurationIn({
  name: r.name, parser: r.parser, mappings: r.mappings ?? {}, ...(r.comment !== null && { comment: r.comment }),
});
