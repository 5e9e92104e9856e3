import type { Model } from '../src/model/types.js';
import { mutateModel } from './generate.js';

/** The roles the rich profile grants to: roles belong to the cluster, so the bench creates them once per server. */
export const richRoles = ['bench_reader', 'bench_writer', 'bench_admin'];

export const createRichRolesSql = richRoles
  .map((r) => `DO $$ BEGIN CREATE ROLE ${r} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`)
  .join('\n');

/**
 * A synthetic schema with the profile of real application schemas, which
 * the plain generator lacks: per 100 tables about 30 plpgsql and SQL
 * functions, 90 triggers, 180 foreign keys, 130 checks, 40 RLS policies,
 * 10 views and a materialized view, a range-partitioned table with four
 * partitions, domains and grants to three roles. Deterministic.
 *
 * Only even tables are referenced (by foreign keys, views and SQL function
 * bodies), so mutateModel may drop odd ones.
 */
export function generateRichSchemaSql(tables: number): string {
  const out: string[] = [
    `CREATE DOMAIN email_address AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');`,
    `CREATE DOMAIN positive_amount AS numeric(12,2) NOT NULL DEFAULT 0 CHECK (VALUE >= 0);`,
    `CREATE DOMAIN short_label AS varchar(80) CHECK (char_length(VALUE) > 0);`,
    `CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;`,
    `CREATE OR REPLACE FUNCTION current_tenant() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.tenant', true), '')::bigint $$;`,
  ];
  for (let e = 0; e < 10; e++) out.push(`CREATE TYPE status_${e} AS ENUM ('new', 'active', 'archived', 'deleted');`);
  for (let i = 0; i < tables; i++) out.push(...richTable(i));
  for (let p = 0; p < Math.max(1, Math.floor(tables / 100)); p++) out.push(...partitioned(p));
  out.push(`GRANT USAGE ON SCHEMA public TO ${richRoles.join(', ')};`);
  return out.join('\n');
}

/** The even table at or before n: every foreign key, view and SQL body points at even tables only. */
const even = (n: number) => n - (n % 2);

function richTable(i: number): string[] {
  const t = `t_${i}`;
  const columns = [
    'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    'tenant_id bigint NOT NULL',
    'name text NOT NULL',
    'email email_address',
    'label short_label',
    `status status_${i % 10} NOT NULL DEFAULT 'new'`,
    'amount positive_amount',
    'created_at timestamptz NOT NULL DEFAULT now()',
    'updated_at timestamptz NOT NULL DEFAULT now()',
    'payload jsonb',
    ...Array.from({ length: i % 4 }, (_, k) => `extra_${k} ${['integer', 'text', 'boolean DEFAULT false', 'date'][k]}`),
  ];
  const out: string[] = [];
  // About 1.8 foreign keys per table, all to even tables before this one.
  if (i >= 1) columns.push(`parent_id bigint REFERENCES t_${even(i - 1)} (id) ON DELETE CASCADE`);
  if (i >= 2 && i % 5 !== 0) columns.push(`owner_id bigint REFERENCES t_${even(Math.floor(i / 2))} (id) ON DELETE SET NULL`);
  // About 1.3 table checks per table (beside the domains' own).
  const checks = ['CONSTRAINT ' + t + '_dates_check CHECK (updated_at >= created_at)'];
  if (i % 10 < 3) checks.push(`CONSTRAINT ${t}_name_check CHECK (char_length(name) <= 200 AND name <> '')`);
  out.push(`CREATE TABLE ${t} (\n  ${[...columns, ...checks].join(',\n  ')}\n);`);
  if (i >= 1) out.push(`CREATE INDEX ${t}_parent_idx ON ${t} (parent_id);`);
  out.push(`CREATE INDEX ${t}_tenant_recent_idx ON ${t} (tenant_id, created_at DESC) WHERE status <> 'deleted';`);
  out.push(`COMMENT ON TABLE ${t} IS 'Table number ${i}';`);
  // Triggers: 80% keep updated_at, 10% are audited by their own plpgsql function.
  if (i % 10 < 8) out.push(`CREATE TRIGGER ${t}_touch BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION touch_updated_at();`);
  out.push(...routines(i));
  // Row-level security on 20% of the tables, two policies each.
  if (i % 5 === 0) {
    out.push(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`);
    out.push(`CREATE POLICY ${t}_tenant ON ${t} USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());`);
    out.push(`CREATE POLICY ${t}_admin ON ${t} FOR ALL TO bench_admin USING (true);`);
  }
  if (i % 10 === 0) {
    out.push(i === 0
      ? `CREATE VIEW v_0 AS SELECT id, name FROM t_0 WHERE status = 'active';`
      : `CREATE VIEW v_${i} AS SELECT c.id, c.name, p.name AS parent_name FROM ${t} c LEFT JOIN t_${even(i - 1)} p ON p.id = c.parent_id WHERE c.status = 'active';`);
    out.push(`GRANT SELECT ON v_${i} TO bench_reader;`);
  }
  if (i % 100 === 0) out.push(`CREATE MATERIALIZED VIEW mv_${i} AS SELECT tenant_id, status, count(*) AS n, sum(amount) AS total FROM ${t} GROUP BY tenant_id, status;`);
  out.push(`GRANT SELECT ON ${t} TO bench_reader;`);
  if (i % 2 === 0) out.push(`GRANT SELECT, INSERT, UPDATE ON ${t} TO bench_writer;`);
  return out;
}

/** About 30 routines per 100 tables: an audit trigger function (with its trigger), a plpgsql and a SQL function. */
function routines(i: number): string[] {
  const t = `t_${i}`;
  const out: string[] = [];
  if (i % 10 === 1) {
    out.push(`CREATE FUNCTION audit_${i}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE NOTICE 'deleted % from ${t}', OLD.id;
    RETURN OLD;
  END IF;
  RAISE NOTICE '% on ${t}: %', TG_OP, NEW.id;
  RETURN NEW;
END
$$;`);
    out.push(`CREATE TRIGGER ${t}_audit AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION audit_${i}();`);
    out.push(`REVOKE ALL ON FUNCTION audit_${i}() FROM PUBLIC;`);
  }
  if (i % 10 === 2) {
    out.push(`CREATE FUNCTION ${t}_total(p_tenant bigint) RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT coalesce(sum(amount), 0) FROM ${t} WHERE tenant_id = p_tenant $$;`);
    out.push(`GRANT EXECUTE ON FUNCTION ${t}_total(bigint) TO bench_reader;`);
  }
  if (i % 10 === 4) {
    out.push(`CREATE FUNCTION ${t}_archive(p_before timestamptz, p_limit integer DEFAULT 1000) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  UPDATE ${t} SET status = 'archived' WHERE id IN (SELECT id FROM ${t} WHERE created_at < p_before AND status = 'active' LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;`);
  }
  return out;
}

function partitioned(p: number): string[] {
  const t = `events_${p}`;
  const out = [
    `CREATE TABLE ${t} (
  id bigint NOT NULL,
  tenant_id bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  kind short_label NOT NULL,
  data jsonb,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);`,
    `CREATE INDEX ${t}_tenant_idx ON ${t} (tenant_id, occurred_at);`,
  ];
  for (let q = 0; q < 4; q++) {
    const from = `2026-${String(q * 3 + 1).padStart(2, '0')}-01`;
    const to = q === 3 ? '2027-01-01' : `2026-${String(q * 3 + 4).padStart(2, '0')}-01`;
    out.push(`CREATE TABLE ${t}_q${q + 1} PARTITION OF ${t} FOR VALUES FROM ('${from}') TO ('${to}');`);
  }
  out.push(`GRANT SELECT ON ${t} TO bench_reader;`);
  return out;
}

/**
 * The rich profile's "5% change": the plain generator's table changes on the
 * t_N tables, and a changed body for one routine in twenty.
 */
export function mutateRichModel(model: Model): Model {
  const changed = mutateModel(model);
  return {
    ...changed,
    schemas: changed.schemas.map((s) => (s.name !== 'public' ? s : {
      ...s,
      functions: s.functions.map((r, k) => (k % 20 === 0 && r.language === 'plpgsql' && r.body.includes('RETURN')
        ? { ...r, body: r.body.replace(/\nEND\n?$/, '\n  -- changed\nEND\n') } : r)),
    })),
  };
}
