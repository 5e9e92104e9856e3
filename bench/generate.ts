import type { Column, Model, Table } from '../src/model/types.js';

/**
 * A synthetic application schema of `tables` tables shaped like real ones:
 * identity keys, 7-12 columns, enums, foreign keys, checks, uniques, partial
 * and expression indexes, comments, and a view for every tenth table.
 * Deterministic: the same size gives the same SQL.
 */
export function generateSchemaSql(tables: number): string {
  const out: string[] = [];
  for (let e = 0; e < 10; e++) out.push(`CREATE TYPE status_${e} AS ENUM ('new', 'active', 'archived', 'deleted');`);
  for (let i = 0; i < tables; i++) {
    const extra = i % 6; // 7 to 12 columns
    const columns = [
      'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
      'name text NOT NULL',
      'email varchar(255)',
      `status status_${i % 10} NOT NULL DEFAULT 'new'`,
      'amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0)',
      'created_at timestamptz NOT NULL DEFAULT now()',
      'payload jsonb',
      ...Array.from({ length: extra }, (_, k) => `extra_${k} ${['integer', 'text', 'boolean DEFAULT false', 'date', 'uuid'][k % 5]}`),
    ];
    // Odd tables point at the even table before them, so odd tables are never referenced.
    if (i % 2 === 1) columns.push(`parent_id bigint REFERENCES t_${i - 1} (id) ON DELETE CASCADE`);
    out.push(`CREATE TABLE t_${i} (\n  ${columns.join(',\n  ')},\n  CONSTRAINT t_${i}_email_key UNIQUE (email)\n);`);
    out.push(`CREATE INDEX t_${i}_recent_idx ON t_${i} (created_at) WHERE status <> 'deleted';`);
    out.push(`CREATE INDEX t_${i}_lower_name_idx ON t_${i} (lower(name));`);
    out.push(`COMMENT ON TABLE t_${i} IS 'Table number ${i}';`);
    out.push(`COMMENT ON COLUMN t_${i}.name IS 'Display name';`);
    if (i % 10 === 0) out.push(`CREATE VIEW v_${i} AS SELECT id, name FROM t_${i} WHERE status = 'active';`);
  }
  return out.join('\n');
}

/**
 * The desired schema for the "5% change" plan: added, dropped and retyped
 * columns, changed defaults, dropped indexes, dropped and new tables.
 */
export function mutateModel(model: Model): Model {
  const schema = model.schemas.find((s) => s.name === 'public')!;
  // Only the numbered t_N tables change; others (the rich profile's partitioned tables) stay as they are.
  const numbered = (t: Table) => /^t_\d+$/.test(t.name);
  const others = schema.tables.filter((t) => !numbered(t));
  const tables = schema.tables.filter(numbered).sort((a, b) => Number(a.name.slice(2)) - Number(b.name.slice(2)));
  const n = tables.length;
  const every = (k: number) => tables.filter((_, i) => i % k === 0);
  const changed = new Set<Table>();
  const edit = (t: Table, fn: (t: Table) => Table) => {
    const i = tables.indexOf(t);
    tables[i] = fn(tables[i]!);
    changed.add(tables[i]!);
  };
  const stride = 20; // 5%
  for (const t of every(stride)) edit(t, (x) => ({ ...x, columns: [...x.columns, { name: 'added_note', type: 'text', notNull: false }] }));
  for (const t of tables.filter((_, i) => i % stride === 1)) edit(t, (x) => ({ ...x, columns: x.columns.filter((c) => c.name !== 'payload') }));
  for (const t of tables.filter((_, i) => i % stride === 2)) edit(t, (x) => ({ ...x, columns: x.columns.map((c): Column => (c.name === 'email' ? { ...c, type: 'text' } : c)) }));
  for (const t of tables.filter((_, i) => i % stride === 3)) edit(t, (x) => ({ ...x, columns: x.columns.map((c): Column => (c.name === 'amount' ? { ...c, default: '1' } : c)) }));
  for (const t of tables.filter((_, i) => i % stride === 4)) edit(t, (x) => ({ ...x, indexes: x.indexes.filter((ix) => !ix.name.endsWith('_recent_idx')) }));
  const dropped = new Set(tables.filter((_, i) => i % (stride * 2) === 5).map((t) => t.name));
  const kept = tables.filter((t) => !dropped.has(t.name));
  const added: Table[] = Array.from({ length: Math.max(1, Math.round(n / 100)) }, (_, k) => ({
    name: `new_table_${k}`,
    columns: [
      { name: 'id', type: 'bigint', notNull: true, identity: { kind: 'always', dataType: 'bigint', start: '1', increment: '1', minValue: '1', maxValue: '9223372036854775807', cache: '1', cycle: false } },
      { name: 'label', type: 'text', notNull: true },
    ],
    primaryKey: { name: `new_table_${k}_pkey`, columns: ['id'] },
    uniques: [], checks: [], foreignKeys: [], exclusions: [], indexes: [], triggers: [], policies: [],
  }));
  return { ...model, schemas: model.schemas.map((s) => (s === schema ? { ...s, tables: [...others, ...kept, ...added] } : s)) };
}
