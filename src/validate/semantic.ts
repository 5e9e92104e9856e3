import { allPrivileges, defaultPrivilegeTarget, type GrantTarget } from '../model/grants.js';
import type { Grant, Model, Schema, Table } from '../model/types.js';
import { identifierBytes, MAX_IDENTIFIER_BYTES } from '../sql/quote.js';
import { multirangeOf } from '../model/ranges.js';

export interface ModelProblem {
  /** Path into the YAML document, e.g. ['schemas', 'public', 'tables', 'users', 'indexes', 'x']. */
  path: Array<string | number>;
  message: string;
  /** The problem is with the mapping key the path ends at, not its value. */
  atKey?: boolean;
}

const integerTypes = new Set(['smallint', 'integer', 'bigint']);
const serialTypes = /^(small|big)?serial[248]?$/i;

/**
 * Checks JSON Schema cannot express: references between objects, PostgreSQL's
 * naming rules. Pure; each problem says where it is and what would fix it.
 */
export function checkModel(model: Model): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const tables = new Map<string, Table>();
  for (const s of model.schemas) for (const t of s.tables) tables.set(`${s.name}\u0000${t.name}`, t);
  for (const schema of model.schemas) checkSchema(schema, tables, problems);
  return problems;
}

/** A UTF-16 code unit is at most three UTF-8 bytes: short names need no counting. */
const SURELY_SHORT = Math.floor(MAX_IDENTIFIER_BYTES / 3);

function checkName(name: string, path: string[], problems: ModelProblem[]) {
  if (name.length > SURELY_SHORT && identifierBytes(name) > MAX_IDENTIFIER_BYTES) {
    problems.push({ path, message: `name "${name}" is ${identifierBytes(name)} bytes; PostgreSQL truncates names to ${MAX_IDENTIFIER_BYTES} bytes, so shorten it` });
  }
}

function checkSchema(schema: Schema, tables: Map<string, Table>, problems: ModelProblem[]) {
  const base = ['schemas', schema.name];
  checkName(schema.name, base, problems);
  // Tables, sequences, indexes and the indexes behind primary keys and unique
  // constraints all live in pg_class: one namespace per schema.
  const relations = new Map<string, string>();
  const claim = (name: string, what: string, path: string[]) => {
    const previous = relations.get(name);
    if (previous) problems.push({ path, message: `${what} "${name}" has the same name as ${previous} in schema "${schema.name}"; relation names must be unique per schema` });
    else relations.set(name, `${what} "${name}"`);
  };
  checkGrants(schema.grants, 'schema', undefined, `schema "${schema.name}"`, [...base, 'grants'], problems);
  (schema.defaultPrivileges ?? []).forEach((d, i) => {
    checkGrants(d.grants, defaultPrivilegeTarget(d.on), undefined, `${d.on} (default privileges)`, [...base, 'defaultPrivileges', i, 'grants'], problems);
  });
  for (const e of schema.enums) {
    checkName(e.name, [...base, 'enums', e.name], problems);
    checkGrants(e.grants, 'type', undefined, `enum "${e.name}"`, [...base, 'enums', e.name, 'grants'], problems);
  }
  // Enums, domains and every table's row type share pg_type: one namespace per schema.
  const types = new Map<string, string>();
  const claimType = (name: string, what: string, path: string[]) => {
    const previous = types.get(name);
    if (previous) problems.push({ path, message: `${what} "${name}" has the same name as ${previous} in schema "${schema.name}"; type names must be unique per schema (a table is a type too)` });
    else types.set(name, `${what} "${name}"`);
  };
  for (const e of schema.enums) claimType(e.name, 'enum', [...base, 'enums', e.name]);
  for (const t of schema.composites ?? []) {
    checkName(t.name, [...base, 'composites', t.name], problems);
    checkGrants(t.grants, 'type', undefined, `composite type "${t.name}"`, [...base, 'composites', t.name, 'grants'], problems);
    claimType(t.name, 'composite type', [...base, 'composites', t.name]);
  }
  for (const a of schema.aggregates ?? []) {
    const path = [...base, 'aggregates', `${a.name}(${a.arguments})`];
    checkName(a.name, path, problems);
    // An operator cannot hold a comment's start: "<--" would read as "<" and a comment.
    if (a.sortOperator !== undefined && /--|\/\*/.test(a.sortOperator)) problems.push({ path: [...path, 'sortOperator'], message: `sortOperator "${a.sortOperator}" is not an operator (it holds -- or /*)` });
  }
  for (const d of schema.textSearchDictionaries ?? []) checkName(d.name, [...base, 'textSearchDictionaries', d.name], problems);
  for (const c of schema.textSearchConfigurations ?? []) checkName(c.name, [...base, 'textSearchConfigurations', c.name], problems);
  for (const r of schema.ranges ?? []) {
    const path = [...base, 'ranges', r.name];
    checkName(r.name, path, problems);
    checkGrants(r.grants, 'type', undefined, `range type "${r.name}"`, [...path, 'grants'], problems);
    claimType(r.name, 'range type', path);
    claimType(multirangeOf(r), `the multirange type of range type "${r.name}"`, [...path, ...(r.multirange !== undefined ? ['multirange'] : [])]);
  }
  for (const d of schema.domains) {
    checkName(d.name, [...base, 'domains', d.name], problems);
    checkGrants(d.grants, 'type', undefined, `domain "${d.name}"`, [...base, 'domains', d.name, 'grants'], problems);
    claimType(d.name, 'domain', [...base, 'domains', d.name]);
  }
  for (const t of schema.tables) claimType(t.name, 'table', [...base, 'tables', t.name]);
  for (const v of schema.views) {
    const path = [...base, 'views', v.name];
    checkName(v.name, path, problems);
    claim(v.name, v.materialized ? 'materialized view' : 'view', path);
    claimType(v.name, 'view', path);
    if (!v.materialized && v.indexes.length) problems.push({ path: [...path, 'indexes'], message: `view "${v.name}" cannot have indexes; only materialized views can (add materialized: true)` });
    for (const i of v.indexes) claim(i.name, 'index', [...path, 'indexes', i.name]);
    checkGrants(v.grants, 'table', undefined, `view "${v.name}"`, [...path, 'grants'], problems);
  }
  for (const c of schema.collations ?? []) {
    const path = [...base, 'collations', c.name];
    checkName(c.name, path, problems);
    if (c.locale === undefined && (c.provider !== 'libc' || c.lcCollate === undefined || c.lcCtype === undefined)) {
      problems.push({ path, message: `collation "${c.name}" needs a locale${c.provider === 'libc' ? ' (or both lcCollate and lcCtype)' : ''}` });
    }
  }
  for (const f of schema.functions) {
    for (const g of f.grants ?? []) {
      const bad = g.privileges.filter((p) => p !== 'EXECUTE');
      if (bad.length || g.columns) problems.push({ path: [...base, 'functions', `${f.name}(${f.arguments})`, 'grants'], message: `only execute can be granted on ${f.kind} ${f.name}(${f.arguments})${bad.length ? `, not ${bad.join(', ').toLowerCase()}` : ''}` });
    }
    // A C routine is a symbol in a shared library: both are needed, and only there.
    if ((f.objectFile !== undefined) !== (f.language === 'c')) {
      problems.push(f.objectFile !== undefined
        ? { path: [...base, 'functions', `${f.name}(${f.arguments})`, 'objectFile'], message: `objectFile is for language c routines, not ${f.language}` }
        : { path: [...base, 'functions', `${f.name}(${f.arguments})`, 'language'], message: `a language c routine needs objectFile: the shared library holding its link symbol "${f.body}" (e.g. $libdir/name)` });
    }
  }
  for (const seq of schema.sequences) {
    const path = [...base, 'sequences', seq.name];
    checkName(seq.name, path, problems);
    claim(seq.name, 'sequence', path);
    if (seq.ownedBy) {
      const owner = tables.get(`${schema.name}\u0000${seq.ownedBy.table}`);
      if (!owner) problems.push({ path: [...path, 'ownedBy'], message: `ownedBy names table "${seq.ownedBy.table}", which is not in schema "${schema.name}"` });
      else if (!owner.columns.some((c) => c.name === seq.ownedBy!.column)) problems.push({ path: [...path, 'ownedBy'], message: `ownedBy names column "${seq.ownedBy.column}", which table "${owner.name}" does not have` });
    }
    checkGrants(seq.grants, 'sequence', undefined, `sequence "${seq.name}"`, [...path, 'grants'], problems);
  }
  for (const table of schema.tables) {
    const path = [...base, 'tables', table.name];
    checkName(table.name, path, problems);
    claim(table.name, 'table', path);
    if (table.renamedFrom && schema.tables.some((t) => t.name === table.renamedFrom)) {
      problems.push({ path: [...path, 'renamedFrom'], message: `renamedFrom "${table.renamedFrom}" is also declared as a table; remove renamedFrom or the old table` });
    }
    checkTable(table, tables, path, problems);
    if (table.primaryKey) claim(table.primaryKey.name, 'primary key', [...path, 'primaryKey']);
    for (const u of table.uniques) claim(u.name, 'unique constraint', [...path, 'unique', u.name]);
    for (const i of table.indexes) claim(i.name, 'index', [...path, 'indexes', i.name]);
  }
}

// Offline the server version is unknown: accept what the newest server accepts.
const grantable = (target: GrantTarget) => [...allPrivileges(target, Number.MAX_SAFE_INTEGER), 'ALL'];

function checkGrants(grants: Grant[] | undefined, target: GrantTarget, columns: Set<string> | undefined, what: string, path: ModelProblem['path'], problems: ModelProblem[]) {
  for (const g of grants ?? []) {
    const kind: GrantTarget = g.columns ? 'column' : target;
    for (const p of g.privileges) {
      if (!grantable(kind).includes(p)) {
        problems.push({ path, message: `${p.toLowerCase()} cannot be granted on ${g.columns ? 'columns of ' : ''}${what}; use ${grantable(kind).map((x) => x.toLowerCase()).join(', ')}` });
      }
    }
    if (g.columns && target !== 'table') problems.push({ path, message: `${what} has no columns to grant on; remove columns` });
    for (const c of g.columns ?? []) {
      if (columns && !columns.has(c)) problems.push({ path, message: `grant to ${g.to} on ${what} names column "${c}", which it does not have` });
    }
  }
}

function checkTable(table: Table, tables: Map<string, Table>, path: string[], problems: ModelProblem[]) {
  const parent = table.partitionOf && tables.get(`${table.partitionOf.schema}\u0000${table.partitionOf.table}`);
  if (table.partitionOf) {
    const parentName = `${table.partitionOf.schema}.${table.partitionOf.table}`;
    if (!parent) problems.push({ path: [...path, 'partitionOf'], message: `partition "${table.name}" belongs to table "${parentName}", which the schema does not declare` });
    else if (parent.partitionBy === undefined) problems.push({ path: [...path, 'partitionOf'], message: `table "${parentName}" is not partitioned; give it partitionBy` });
    if (table.columns.length) problems.push({ path: [...path, 'columns'], message: `partition "${table.name}" takes its columns from "${parentName}"; remove them here` });
    if (table.primaryKey) problems.push({ path: [...path, 'primaryKey'], message: `partition "${table.name}" takes its primary key from "${parentName}"; remove it here` });
  }
  for (const ref of table.inherits ?? []) {
    if (!tables.has(`${ref.schema}\u0000${ref.table}`)) problems.push({ path: [...path, 'inherits'], message: `table "${table.name}" inherits from "${ref.schema}.${ref.table}", which the schema does not declare` });
  }
  // A partition's indexes and constraints name its parent's columns; an
  // inheriting table's, its parents' and its own.
  const columns = new Set((parent ?? table).columns.map((c) => c.name));
  const inherited = (t: Table, depth: number): void => {
    for (const ref of t.inherits ?? []) {
      const p = tables.get(`${ref.schema}\u0000${ref.table}`);
      if (!p || depth > 32) continue;
      for (const c of p.columns) columns.add(c.name);
      inherited(p, depth + 1);
    }
  };
  inherited(table, 0);
  checkGrants(table.grants, 'table', columns, `table "${table.name}"`, [...path, 'grants'], problems);
  const needColumns = (names: string[], where: string[], what: string) => {
    for (const n of names) {
      if (!columns.has(n)) problems.push({ path: where, message: `${what} uses column "${n}", which table "${table.name}" does not have (columns: ${[...columns].join(', ')})` });
    }
  };
  for (const c of table.columns) {
    const cpath = [...path, 'columns', c.name];
    checkName(c.name, cpath, problems);
    if (serialTypes.test(c.type)) {
      problems.push({ path: [...cpath, 'type'], message: `type "${c.type}" creates a hidden sequence that would show as drift; write type: ${c.type.toLowerCase().startsWith('big') ? 'bigint' : c.type.toLowerCase().startsWith('small') ? 'smallint' : 'integer'} with identity: by default` });
    }
    if (c.identity && !integerTypes.has(c.type)) problems.push({ path: [...cpath, 'identity'], message: `identity needs an integer type (smallint, integer or bigint), not "${c.type}"` });
    if (c.identity && c.default !== undefined) problems.push({ path: [...cpath, 'default'], message: 'a column cannot have both identity and default; remove one' });
    if (c.generated !== undefined && (c.default !== undefined || c.identity)) problems.push({ path: [...cpath, 'generated'], message: 'a generated column cannot also have a default or identity' });
    if (c.renamedFrom && columns.has(c.renamedFrom)) problems.push({ path: [...cpath, 'renamedFrom'], message: `renamedFrom "${c.renamedFrom}" is also declared as a column; remove renamedFrom or the old column` });
  }
  if (table.primaryKey) {
    needColumns(table.primaryKey.columns, [...path, 'primaryKey'], 'primary key');
    needColumns(table.primaryKey.include ?? [], [...path, 'primaryKey', 'include'], 'primary key include');
  }
  for (const u of table.uniques) {
    checkName(u.name, [...path, 'unique', u.name], problems);
    needColumns(u.columns, [...path, 'unique', u.name], `unique constraint "${u.name}"`);
    needColumns(u.include ?? [], [...path, 'unique', u.name, 'include'], `unique constraint "${u.name}" include`);
  }
  for (const c of table.checks) checkName(c.name, [...path, 'checks', c.name], problems);
  const keyed = [...(table.primaryKey ? [table.primaryKey.name] : []), ...table.uniques.map((u) => u.name), ...table.indexes.map((i) => i.name)];
  if (table.clusterOn !== undefined && !keyed.includes(table.clusterOn)) {
    problems.push({ path: [...path, 'clusterOn'], message: `clusterOn "${table.clusterOn}" is not an index, primary key or unique constraint of this table${keyed.length ? ` (it has ${keyed.join(', ')})` : ''}` });
  }
  for (const i of table.indexes) {
    const ipath = [...path, 'indexes', i.name];
    checkName(i.name, ipath, problems);
    needColumns(i.keys.flatMap((k) => (k.column === undefined ? [] : [k.column])), ipath, `index "${i.name}"`);
    needColumns(i.include, [...ipath, 'include'], `index "${i.name}" include`);
  }
  for (const fk of table.foreignKeys) {
    const fpath = [...path, 'foreignKeys', fk.name];
    checkName(fk.name, fpath, problems);
    needColumns(fk.columns, fpath, `foreign key "${fk.name}"`);
    const target = tables.get(`${fk.references.schema}\u0000${fk.references.table}`);
    if (!target) {
      problems.push({ path: [...fpath, 'references'], message: `foreign key "${fk.name}" references table "${fk.references.schema}.${fk.references.table}", which the schema does not declare` });
      continue;
    }
    if (fk.references.columns.length !== fk.columns.length) {
      problems.push({ path: [...fpath, 'references'], message: `foreign key "${fk.name}" has ${fk.columns.length} column(s) but references ${fk.references.columns.length}` });
    }
    const targetColumns = new Set(target.columns.map((c) => c.name));
    for (const n of fk.references.columns) {
      if (!targetColumns.has(n)) problems.push({ path: [...fpath, 'references'], message: `foreign key "${fk.name}" references column "${n}", which table "${target.name}" does not have` });
    }
  }
}
