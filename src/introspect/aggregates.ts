import type { Aggregate } from '../model/types.js';
import { withoutDefaultArgumentModes } from '../model/canonical.js';
import { aggregateIn, defaultModify } from '../model/aggregates.js';

/** Aggregates in scope, with every field of pg_aggregate CREATE AGGREGATE can set. */
export const aggregatesQuery = (scope: string) => `
WITH ${scope}
SELECT p.oid, n.nspname AS schema, p.proname AS name, pg_catalog.pg_get_function_arguments(p.oid) AS arguments, a.aggkind AS kind,
  a.aggtransfn::regproc::text AS sfunc, pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
  NULLIF(a.aggfinalfn, 0)::regproc::text AS finalfunc, a.aggfinalextra AS finalfunc_extra, a.aggfinalmodify AS finalfunc_modify,
  NULLIF(a.aggcombinefn, 0)::regproc::text AS combinefunc, NULLIF(a.aggserialfn, 0)::regproc::text AS serialfunc,
  NULLIF(a.aggdeserialfn, 0)::regproc::text AS deserialfunc, a.agginitval AS initcond,
  NULLIF(a.aggmtransfn, 0)::regproc::text AS msfunc, NULLIF(a.aggminvtransfn, 0)::regproc::text AS minvfunc,
  CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype, a.aggmtransspace AS msspace,
  NULLIF(a.aggmfinalfn, 0)::regproc::text AS mfinalfunc, a.aggmfinalextra AS mfinalfunc_extra, a.aggmfinalmodify AS mfinalfunc_modify,
  a.aggminitval AS minitcond,
  CASE WHEN a.aggsortop <> 0 THEN (SELECT CASE WHEN on_.nspname = 'pg_catalog' THEN o.oprname ELSE 'OPERATOR(' || quote_ident(on_.nspname) || '.' || o.oprname || ')' END
    FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace on_ ON on_.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END AS sortop,
  p.proparallel AS parallel, pg_catalog.obj_description(p.oid, 'pg_proc') AS comment
FROM pg_catalog.pg_aggregate a
JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
JOIN scope n ON n.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM extension_members m WHERE m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
ORDER BY 2, 3, 4`;

type Modify = 'r' | 's' | 'w';
export interface AggregateRow {
  oid: number; schema: string; name: string; arguments: string; kind: 'n' | 'o' | 'h';
  sfunc: string; stype: string; sspace: number; finalfunc: string | null; finalfunc_extra: boolean; finalfunc_modify: Modify;
  combinefunc: string | null; serialfunc: string | null; deserialfunc: string | null; initcond: string | null;
  msfunc: string | null; minvfunc: string | null; mstype: string | null; msspace: number; mfinalfunc: string | null;
  mfinalfunc_extra: boolean; mfinalfunc_modify: Modify; minitcond: string | null; sortop: string | null; parallel: 's' | 'r' | 'u';
  comment: string | null;
}

const modifies = { r: 'read_only', s: 'shareable', w: 'read_write' } as const;
const kinds = { n: 'normal', o: 'ordered-set', h: 'hypothetical' } as const;
const parallels = { s: 'safe', r: 'restricted', u: 'unsafe' } as const;

export function toAggregate(r: AggregateRow): Aggregate {
  const kind = kinds[r.kind];
  const modify = (m: Modify, k: Aggregate['kind']) => (modifies[m] === defaultModify(k) ? {} : { finalFunctionModify: modifies[m] });
  return aggregateIn({
    name: r.name, arguments: withoutDefaultArgumentModes(r.arguments), kind,
    stateFunction: r.sfunc, stateType: r.stype, ...(r.sspace > 0 && { stateSpace: r.sspace }),
    ...(r.finalfunc !== null && { finalFunction: r.finalfunc, ...(r.finalfunc_extra && { finalFunctionExtra: true }), ...modify(r.finalfunc_modify, kind) }),
    ...(r.combinefunc !== null && { combineFunction: r.combinefunc }),
    ...(r.serialfunc !== null && { serialFunction: r.serialfunc }),
    ...(r.deserialfunc !== null && { deserialFunction: r.deserialfunc }),
    ...(r.initcond !== null && { initialCondition: r.initcond }),
    ...(r.msfunc !== null && r.minvfunc !== null && r.mstype !== null && {
      moving: {
        stateFunction: r.msfunc, inverseFunction: r.minvfunc, stateType: r.mstype, ...(r.msspace > 0 && { stateSpace: r.msspace }),
        ...(r.mfinalfunc !== null && { finalFunction: r.mfinalfunc, ...(r.mfinalfunc_extra && { finalFunctionExtra: true }), ...modify(r.mfinalfunc_modify, 'normal') }),
        ...(r.minitcond !== null && { initialCondition: r.minitcond }),
      },
    }),
    ...(r.sortop !== null && { sortOperator: r.sortop }),
    parallel: parallels[r.parallel],
    ...(r.comment !== null && { comment: r.comment }),
  });
}
