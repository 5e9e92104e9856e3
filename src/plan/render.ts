import { detachForm, savedName, type BackupRef, type Change, type EnumColumnUse, type GrantTargetRef, type KeyColumn } from '../diff/changes.js';
import { wantedExtensionComment } from '../model/extension-comment.js';
import type { Column, CompositeType, Domain, Table, View } from '../model/types.js';
import { createRoutine, dropRoutine, routineSignature } from './routines.js';
import { aggregateComment, createAggregate, dropAggregate } from './aggregate-sql.js';
import { alterRule, createRule, dropRule } from './rule-sql.js';
import { alterConfiguration, alterDictionary, createConfiguration, createDictionary, dropConfiguration, dropDictionary } from './text-search-sql.js';
import { qualify, quoteIdent, quoteList, quoteLiteral, truncateIdentifier } from '../sql/quote.js';
import { TOOL_SCHEMA } from '../introspect/introspect.js';
import { columnAttributeStatements, createRange,
  columnDefinition, commentOn, constraintComment, constraintDefinition, constraintUsingIndex, createPolicyStatements, createTriggerStatements, triggerStateStatement, createTableStatements, identityClause, indexDefinition,
  sequenceOptionClauses, clearEnumValues,
} from './sql-fragments.js';

export interface RenderContext {
  serverVersion: number;
}

/** The statements that carry out one change, in order. */
export function renderChange(change: Change, ctx: RenderContext): string[] {
  switch (change.kind) {
    case 'create-schema':
      return [`CREATE SCHEMA ${quoteIdent(change.schema)}`, ...(change.comment !== undefined ? [commentOn(`SCHEMA ${quoteIdent(change.schema)}`, change.comment)] : [])];
    case 'drop-schema':
      return [`DROP SCHEMA ${quoteIdent(change.schema)}`];
    case 'rename-schema':
      return [`ALTER SCHEMA ${quoteIdent(change.from)} RENAME TO ${quoteIdent(change.to)}`];
    case 'set-schema-comment':
      return [commentOn(`SCHEMA ${quoteIdent(change.schema)}`, change.comment)];
    case 'create-extension': {
      const e = change.extension;
      return [
        `CREATE EXTENSION ${quoteIdent(e.name)}${e.schema ? ` SCHEMA ${quoteIdent(e.schema)}` : ''}${e.version ? ` VERSION ${quoteLiteral(e.version)}` : ''}`,
        // A file that states no comment keeps the one the extension comes with; one read from a database says what it had.
        ...(e.comment !== undefined || e.defaultComment !== undefined ? [commentOn(`EXTENSION ${quoteIdent(e.name)}`, wantedExtensionComment(undefined, e))] : []),
      ];
    }
    case 'drop-extension':
      return [`DROP EXTENSION ${quoteIdent(change.extension.name)}`];
    case 'alter-extension': {
      const out: string[] = [];
      if (change.to.version !== undefined && change.to.version !== change.from.version) out.push(`ALTER EXTENSION ${quoteIdent(change.to.name)} UPDATE TO ${quoteLiteral(change.to.version)}`);
      if (change.to.schema !== undefined && change.to.schema !== change.from.schema) out.push(`ALTER EXTENSION ${quoteIdent(change.to.name)} SET SCHEMA ${quoteIdent(change.to.schema)}`);
      const comment = wantedExtensionComment(change.from, change.to);
      if ((change.from.comment || undefined) !== comment) out.push(commentOn(`EXTENSION ${quoteIdent(change.to.name)}`, comment));
      return out;
    }
    case 'create-enum': {
      const name = qualify(change.schema, change.enum.name);
      return [
        `CREATE TYPE ${name} AS ENUM (${change.enum.values.map(quoteLiteral).join(', ')})`,
        ...(change.enum.comment !== undefined ? [commentOn(`TYPE ${name}`, change.enum.comment)] : []),
      ];
    }
    case 'drop-enum':
      return [`DROP TYPE ${qualify(change.schema, change.enum.name)}`];
    case 'create-composite': {
      const name = qualify(change.schema, change.composite.name);
      return [
        `CREATE TYPE ${name} AS (${change.composite.attributes.map(attributeDefinition).join(', ')})`,
        ...(change.composite.comment !== undefined ? [commentOn(`TYPE ${name}`, change.composite.comment)] : []),
      ];
    }
    case 'drop-composite':
      return [`DROP TYPE ${qualify(change.schema, change.composite.name)}`];
    case 'alter-composite': {
      const name = qualify(change.schema, change.to.name);
      const before = new Map(change.from.attributes.map((a) => [a.name, a]));
      const after = new Set(change.to.attributes.map((a) => a.name));
      const actions = [
        ...change.from.attributes.filter((a) => !after.has(a.name)).map((a) => `DROP ATTRIBUTE ${quoteIdent(a.name)}`),
        ...change.to.attributes.flatMap((a) => {
          const old = before.get(a.name);
          if (!old) return [`ADD ATTRIBUTE ${attributeDefinition(a)}`];
          return old.type !== a.type || old.collation !== a.collation
            ? [`ALTER ATTRIBUTE ${quoteIdent(a.name)} TYPE ${a.type}${a.collation !== undefined ? ` COLLATE ${quoteIdent(a.collation)}` : ''}`]
            : [];
        }),
      ];
      return [
        ...(actions.length ? [`ALTER TYPE ${name} ${actions.join(', ')}`] : []),
        ...(change.from.comment !== change.to.comment ? [commentOn(`TYPE ${name}`, change.to.comment)] : []),
      ];
    }
    case 'create-collation': {
      const c = change.collation;
      const name = qualify(change.schema, c.name);
      const options = [
        `provider = ${c.provider}`,
        ...(c.locale !== undefined ? [`locale = ${quoteLiteral(c.locale)}`] : []),
        ...(c.lcCollate !== undefined ? [`lc_collate = ${quoteLiteral(c.lcCollate)}`] : []),
        ...(c.lcCtype !== undefined ? [`lc_ctype = ${quoteLiteral(c.lcCtype)}`] : []),
        ...(c.rules !== undefined ? [`rules = ${quoteLiteral(c.rules)}`] : []),
        ...(!c.deterministic ? ['deterministic = false'] : []),
      ];
      return [`CREATE COLLATION ${name} (${options.join(', ')})`, ...(c.comment !== undefined ? [commentOn(`COLLATION ${name}`, c.comment)] : [])];
    }
    case 'create-range': return createRange(change.schema, change.range);
    case 'create-aggregate': return createAggregate(change.schema, change.aggregate);
    case 'create-rule': return createRule(change.schema, change.table, change.rule, false);
    case 'alter-rule': return alterRule(change.schema, change.table, change.from, change.to);
    case 'drop-rule': return dropRule(change.schema, change.table, change.rule);
    case 'drop-aggregate': return dropAggregate(change.schema, change.aggregate);
    case 'set-aggregate-comment': return aggregateComment(change.schema, change.aggregate);
    case 'create-ts-dictionary': return createDictionary(change.schema, change.dictionary);
    case 'alter-ts-dictionary': return alterDictionary(change.schema, change.from, change.to);
    case 'drop-ts-dictionary': return dropDictionary(change.schema, change.dictionary);
    case 'create-ts-configuration': return createConfiguration(change.schema, change.configuration);
    case 'alter-ts-configuration': return alterConfiguration(change.schema, change.from, change.to);
    case 'drop-ts-configuration': return dropConfiguration(change.schema, change.configuration);
    case 'drop-range': return [`DROP TYPE ${qualify(change.schema, change.range.name)}`];
    case 'set-range-comment': return [commentOn(`TYPE ${qualify(change.schema, change.range.name)}`, change.range.comment)];
    case 'drop-collation':
      return [`DROP COLLATION ${qualify(change.schema, change.collation.name)}`];
    case 'set-collation-comment':
      return [commentOn(`COLLATION ${qualify(change.schema, change.collation.name)}`, change.collation.comment)];
    case 'add-enum-value': {
      const anchor = change.before !== undefined ? ` BEFORE ${quoteLiteral(change.before)}` : change.after !== undefined ? ` AFTER ${quoteLiteral(change.after)}` : '';
      return [`ALTER TYPE ${qualify(change.schema, change.enum)} ADD VALUE ${quoteLiteral(change.value)}${anchor}`];
    }
    case 'set-enum-comment':
      return [commentOn(`TYPE ${qualify(change.schema, change.enum)}`, change.comment)];
    case 'recreate-enum':
      return recreateEnum(change.schema, change.to.name, change.to.values, change.columns);
    case 'clear-enum-values':
      return [clearEnumValues(change.use, change.values)];
    case 'create-domain': {
      const d = change.domain;
      const name = qualify(change.schema, d.name);
      return [
        [
          `CREATE DOMAIN ${name} AS ${d.type}`,
          ...(d.collation !== undefined ? [`COLLATE ${quoteIdent(d.collation)}`] : []),
          ...(d.default !== undefined ? [`DEFAULT ${d.default}`] : []),
          ...(d.notNull ? ['NOT NULL'] : []),
          ...d.checks.map((c) => `CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`),
        ].join(' '),
        ...(d.comment !== undefined ? [commentOn(`DOMAIN ${name}`, d.comment)] : []),
      ];
    }
    case 'drop-domain':
      return [`DROP DOMAIN ${qualify(change.schema, change.domain.name)}`];
    case 'alter-domain':
      return alterDomain(change.schema, change.from, change.to);
    case 'create-view':
      return createView(change.schema, change.view);
    case 'create-function':
      return createRoutine(change.schema, change.routine, change.replace === true);
    case 'drop-function':
      return [dropRoutine(change.schema, change.routine)];
    case 'drop-view':
      return [`DROP ${change.view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(change.schema, change.view.name)}`];
    case 'set-view-comment': {
      const { from, view } = change;
      const [before, after] = [from.columnComments ?? {}, view.columnComments ?? {}];
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((c) => before[c] !== after[c]).sort();
      return [
        ...(from.comment !== view.comment ? [commentOn(`${view.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(change.schema, view.name)}`, view.comment)] : []),
        ...viewColumnComments(change.schema, view.name, Object.fromEntries(changed.map((c) => [c, after[c]]))),
      ];
    }
    case 'create-sequence': {
      const s = change.sequence;
      const name = qualify(change.schema, s.name);
      const options = sequenceOptionClauses(s, true);
      return [
        `CREATE ${s.unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${name}${options.length ? ' ' + options.join(' ') : ''}`,
        ...(s.comment !== undefined ? [commentOn(`SEQUENCE ${name}`, s.comment)] : []),
      ];
    }
    case 'drop-sequence':
      return [`DROP SEQUENCE ${qualify(change.schema, change.sequence.name)}`];
    case 'alter-sequence': {
      const name = qualify(change.schema, change.to.name);
      const out: string[] = [];
      const options = ['dataType', 'start', 'increment', 'minValue', 'maxValue', 'cache', 'cycle'] as const;
      if (options.some((o) => change.from[o] !== change.to[o])) {
        const t = change.to;
        out.push(`ALTER SEQUENCE ${name} AS ${t.dataType} INCREMENT BY ${t.increment} MINVALUE ${t.minValue} MAXVALUE ${t.maxValue} START WITH ${t.start} CACHE ${t.cache} ${t.cycle ? 'CYCLE' : 'NO CYCLE'}${change.restart ? ' RESTART' : ''}`);
      }
      if ((change.from.unlogged ?? false) !== (change.to.unlogged ?? false)) out.push(`ALTER SEQUENCE ${name} SET ${change.to.unlogged ? 'UNLOGGED' : 'LOGGED'}`);
      if (JSON.stringify(change.from.ownedBy) !== JSON.stringify(change.to.ownedBy)) {
        const owner = change.to.ownedBy;
        out.push(`ALTER SEQUENCE ${name} OWNED BY ${owner ? `${qualify(change.schema, owner.table)}.${quoteIdent(owner.column)}` : 'NONE'}`);
      }
      if (change.from.comment !== change.to.comment) out.push(commentOn(`SEQUENCE ${name}`, change.to.comment));
      return out;
    }
    case 'create-table':
      return createTableStatements(change.schema, change.table);
    case 'drop-table':
      return [`DROP TABLE ${qualify(change.schema, change.table.name)}`];
    case 'rename-table':
      return [`ALTER TABLE ${qualify(change.schema, change.from)} RENAME TO ${quoteIdent(change.to)}`];
    case 'set-table-comment':
      return [commentOn(`TABLE ${qualify(change.schema, change.table)}`, change.comment)];
    case 'add-column': {
      const table = qualify(change.schema, change.table);
      return [
        `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(change.column, { withNotNull: !change.deferNotNull })}`,
        ...columnAttributeStatements(table, undefined, change.column),
        ...(change.column.comment !== undefined ? [commentOn(`COLUMN ${table}.${quoteIdent(change.column.name)}`, change.column.comment)] : []),
      ];
    }
    case 'drop-column':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} DROP COLUMN ${quoteIdent(change.column.name)}`];
    case 'rename-column':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} RENAME COLUMN ${quoteIdent(change.from)} TO ${quoteIdent(change.to)}`];
    case 'alter-column': {
      const statements = alterColumn(change.schema, change.table, change.from, change.to, change.aspects, ctx, change.restart === true);
      if (!change.restoreFrom) return statements;
      // USING may read other columns of the row but not run a subquery:
      // the backed-up text is put beside each row first.
      const { key, backup, helper } = change.restoreFrom;
      const t = qualify(change.schema, change.table);
      const value = `b.${quoteIdent(savedName(backup, change.to.name))}`;
      // Keeping newer values: only rows that still hold what the lossy change made of the backup.
      const unchanged = backup.keepNewer ? ` AND t.${quoteIdent(change.from.name)} IS NOT DISTINCT FROM ${value}::${change.to.type}::${change.from.type}` : '';
      return [
        `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(helper)} text`,
        `UPDATE ${t} AS t SET ${quoteIdent(helper)} = ${value} FROM ${qualify(TOOL_SCHEMA, backup.relation)} AS b WHERE ${keyMatch(key, backup)}${unchanged}`,
        ...statements,
        `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(helper)}`,
      ];
    }
    case 'add-constraint': {
      const c = change.constraint;
      const notValid = (c.type === 'check' || c.type === 'foreign-key') && c.validated === false ? ' NOT VALID' : '';
      const definition = change.usingIndex && (c.type === 'unique' || c.type === 'primary-key') ? constraintUsingIndex(c) : `${constraintDefinition(c)}${notValid}`;
      return [
        `ALTER TABLE ${qualify(change.schema, change.table)} ADD ${definition}`,
        ...constraintComment(change.schema, change.table, change.constraint),
      ];
    }
    case 'validate-constraint':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} VALIDATE CONSTRAINT ${quoteIdent(change.constraint)}`];
    case 'set-constraint-comment':
      return [commentOn(`CONSTRAINT ${quoteIdent(change.constraint)} ON ${qualify(change.schema, change.table)}`, change.comment)];
    case 'drop-constraint':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} DROP CONSTRAINT ${quoteIdent(change.constraint.name)}`];
    case 'rename-constraint':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} RENAME CONSTRAINT ${quoteIdent(change.from)} TO ${quoteIdent(change.to)}`];
    case 'create-index':
      return [
        indexDefinition(change.schema, change.table, change.index, { concurrently: change.concurrently === true }),
        ...(change.index.comment !== undefined ? [commentOn(`INDEX ${qualify(change.schema, change.index.name)}`, change.index.comment)] : []),
      ];
    case 'drop-index':
      return [`DROP INDEX${change.concurrently ? ' CONCURRENTLY' : ''} ${qualify(change.schema, change.index.name)}`];
    case 'create-policy':
      return createPolicyStatements(change.schema, change.table, change.policy);
    case 'drop-policy':
      return [`DROP POLICY ${quoteIdent(change.policy.name)} ON ${qualify(change.schema, change.table)}`];
    case 'grant-privileges':
    case 'revoke-privileges': {
      const { grant, target } = change;
      const privileges = grant.columns ? grant.privileges.map((p) => `${p} (${quoteList(grant.columns!)})`).join(', ') : grant.privileges.join(', ');
      const grantee = grant.to === 'public' ? 'PUBLIC' : quoteIdent(grant.to);
      const on = grantObject(change.schema, target);
      const statement = change.kind === 'grant-privileges'
        ? `GRANT ${privileges} ON ${on} TO ${grantee}${grant.withGrantOption ? ' WITH GRANT OPTION' : ''}`
        : `REVOKE ${privileges} ON ${on} FROM ${grantee}`;
      return [target.type === 'default-privileges'
        ? `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(target.role)} IN SCHEMA ${quoteIdent(change.schema)} ${statement}`
        : statement];
    }
    case 'set-inheritance': {
      const t = qualify(change.schema, change.table);
      return [
        ...change.remove.map((p) => `ALTER TABLE ${t} NO INHERIT ${qualify(p.schema, p.table)}`),
        ...change.add.map((p) => `ALTER TABLE ${t} INHERIT ${qualify(p.schema, p.table)}`),
      ];
    }
    case 'set-table-cluster':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} ${change.index !== undefined ? `CLUSTER ON ${quoteIdent(change.index)}` : 'SET WITHOUT CLUSTER'}`];
    case 'set-table-logging':
      return [`ALTER TABLE ${qualify(change.schema, change.table)} SET ${change.unlogged ? 'UNLOGGED' : 'LOGGED'}`];
    case 'set-partition': {
      const t = qualify(change.schema, change.table);
      return [
        ...(change.from ? [detachPartition(change.from, t, detachForm(change)!)] : []),
        ...(change.to ? [`ALTER TABLE ${qualify(change.to.schema, change.to.table)} ATTACH PARTITION ${t} ${change.to.bound}`] : []),
      ];
    }
    case 'set-row-level-security': {
      const t = qualify(change.schema, change.table);
      return [`ALTER TABLE ${t} ${change.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`, `ALTER TABLE ${t} ${change.forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`];
    }
    case 'create-trigger':
      return createTriggerStatements(change.schema, change.table, change.trigger);
    case 'drop-trigger':
      return [`DROP TRIGGER ${quoteIdent(change.trigger.name)} ON ${qualify(change.schema, change.table)}`];
    case 'alter-trigger':
      return [
        ...(change.from.enabled !== change.to.enabled ? triggerStateStatement(change.schema, change.table, change.to, true) : []),
        ...(change.from.comment !== change.to.comment ? [commentOn(`TRIGGER ${quoteIdent(change.to.name)} ON ${qualify(change.schema, change.table)}`, change.to.comment)] : []),
      ];
    case 'rename-index':
      return [`ALTER INDEX ${qualify(change.schema, change.from)} RENAME TO ${quoteIdent(change.to)}`];
    case 'set-index-comment':
      return [commentOn(`INDEX ${qualify(change.schema, change.index)}`, change.comment)];
    case 'restore-table':
      return restoreTable(change.schema, change.table, change.backup);
    case 'restore-column': {
      const t = qualify(change.schema, change.table);
      const b = qualify(TOOL_SCHEMA, change.backup.relation);
      const column = quoteIdent(change.column.name);
      // Keeping newer values: a cleared value is NULL until someone writes a new one.
      const unchanged = change.backup.keepNewer ? ` AND t.${column} IS NULL` : '';
      return [`UPDATE ${t} AS t SET ${column} = b.${quoteIdent(savedName(change.backup, change.column.name))}::${change.column.type} FROM ${b} AS b WHERE ${keyMatch(change.key, change.backup)}${unchanged}`];
    }
    default: {
      const unreachable: never = change;
      throw new Error(`no renderer for ${JSON.stringify(unreachable)}`);
    }
  }
}

function createView(schema: string, view: View): string[] {
  const name = qualify(schema, view.name);
  const kind = view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  const options = view.options ? ` WITH (${Object.entries(view.options).map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`).join(', ')})` : '';
  return [
    `CREATE ${kind} ${name}${options} AS\n${view.query}${view.materialized ? (view.withData === false ? '\nWITH NO DATA' : '\nWITH DATA') : ''}`,
    ...view.indexes.map((i) => indexDefinition(schema, view.name, i)),
    ...(view.comment !== undefined ? [commentOn(`${kind} ${name}`, view.comment)] : []),
    ...viewColumnComments(schema, view.name, view.columnComments ?? {}),
  ];
}

function viewColumnComments(schema: string, view: string, comments: Record<string, string | undefined>): string[] {
  return Object.entries(comments).map(([column, comment]) => commentOn(`COLUMN ${qualify(schema, view)}.${quoteIdent(column)}`, comment));
}

function alterDomain(schema: string, from: Domain, to: Domain): string[] {
  const name = qualify(schema, to.name);
  const out: string[] = [];
  const fromChecks = new Map(from.checks.map((c) => [c.name, c.expression]));
  const toChecks = new Map(to.checks.map((c) => [c.name, c.expression]));
  for (const [n, e] of fromChecks) if (toChecks.get(n) !== e) out.push(`ALTER DOMAIN ${name} DROP CONSTRAINT ${quoteIdent(n)}`);
  if (from.default !== to.default) out.push(to.default === undefined ? `ALTER DOMAIN ${name} DROP DEFAULT` : `ALTER DOMAIN ${name} SET DEFAULT ${to.default}`);
  if (from.notNull !== to.notNull) out.push(`ALTER DOMAIN ${name} ${to.notNull ? 'SET' : 'DROP'} NOT NULL`);
  for (const [n, e] of toChecks) if (fromChecks.get(n) !== e) out.push(`ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(n)} CHECK (${e})`);
  if (from.comment !== to.comment) out.push(commentOn(`DOMAIN ${name}`, to.comment));
  return out;
}

function alterColumn(schema: string, tableName: string, from: Column, to: Column, aspects: string[], ctx: RenderContext, restart = false): string[] {
  const table = qualify(schema, tableName);
  const col = quoteIdent(to.name);
  const alter = (action: string) => `ALTER TABLE ${table} ALTER COLUMN ${col} ${action}`;
  const has = (a: string) => aspects.includes(a);
  const out: string[] = [];

  if (has('generated')) {
    if (from.generated !== undefined && to.generated === undefined) out.push(alter('DROP EXPRESSION'));
    else if (from.generated !== undefined && to.generated !== undefined && ctx.serverVersion >= 170000) out.push(alter(`SET EXPRESSION AS (${to.generated})`));
    else {
      // No in-place way: the column is rebuilt from its new definition.
      out.push(`ALTER TABLE ${table} DROP COLUMN ${col}`, `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(to)}`, ...columnAttributeStatements(table, undefined, to));
      if (to.comment !== undefined) out.push(commentOn(`COLUMN ${table}.${col}`, to.comment));
      return out;
    }
  }
  const typeChanges = has('type') || has('collation');
  if (typeChanges && from.default !== undefined) out.push(alter('DROP DEFAULT'));
  else if (has('default') && to.default === undefined) out.push(alter('DROP DEFAULT'));
  if (has('identity') && from.identity && !to.identity) out.push(alter('DROP IDENTITY'));
  if (typeChanges) {
    const collate = to.collation !== undefined ? ` COLLATE ${quoteIdent(to.collation)}` : '';
    out.push(alter(`TYPE ${to.type}${collate}${to.using !== undefined ? ` USING ${to.using}` : ''}`));
  }
  if (has('not-null') && to.notNull) out.push(alter('SET NOT NULL'));
  if (has('identity') && to.identity) {
    if (!from.identity) out.push(alter(`ADD ${identityClause(to)}`));
    else {
      const sets: string[] = [];
      if (from.identity.kind !== to.identity.kind) sets.push(`SET GENERATED ${to.identity.kind === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`);
      const f = from.identity;
      const t = to.identity;
      if (f.dataType !== t.dataType && !typeChanges) sets.push(`SET AS ${t.dataType}`);
      if (f.increment !== t.increment) sets.push(`SET INCREMENT BY ${t.increment}`);
      if (f.minValue !== t.minValue) sets.push(`SET MINVALUE ${t.minValue}`);
      if (f.maxValue !== t.maxValue) sets.push(`SET MAXVALUE ${t.maxValue}`);
      if (f.start !== t.start) sets.push(`SET START WITH ${t.start}`);
      if (f.cache !== t.cache) sets.push(`SET CACHE ${t.cache}`);
      if (f.cycle !== t.cycle) sets.push(t.cycle ? 'SET CYCLE' : 'SET NO CYCLE');
      if (restart) sets.push('RESTART');
      if (sets.length) out.push(alter(sets.join(' ')));
    }
  }
  if (to.default !== undefined && (has('default') || (typeChanges && from.default !== undefined))) out.push(alter(`SET DEFAULT ${to.default}`));
  if (has('not-null') && !to.notNull) out.push(alter('DROP NOT NULL'));
  if (has('statistics') || has('storage') || has('compression') || has('options')) out.push(...columnAttributeStatements(table, from, to, typeChanges));
  if (has('comment')) out.push(commentOn(`COLUMN ${table}.${col}`, to.comment));
  return out;
}

/**
 * A value cannot be removed from an enum in place: build the new type beside
 * the old one, convert every column through text, then drop the old type.
 */
function recreateEnum(schema: string, name: string, values: string[], uses: EnumColumnUse[]): string[] {
  const type = qualify(schema, name);
  const oldName = truncateIdentifier(`${name}__schemaform_old`);
  const out = [
    `ALTER TYPE ${type} RENAME TO ${quoteIdent(oldName)}`,
    `CREATE TYPE ${type} AS ENUM (${values.map(quoteLiteral).join(', ')})`,
  ];
  for (const use of uses) {
    const t = qualify(use.schema, use.table);
    const c = quoteIdent(use.column);
    const arrayDims = use.type.includes('[') ? '[]' : '';
    // Whatever default the column has when this runs (another step of the plan may have set one): it would not convert.
    out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`);
    out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type}${arrayDims} USING ${c}::text${arrayDims}::${type}${arrayDims}`);
    const after = use.defaultAfter === undefined ? use.default : use.defaultAfter ?? undefined;
    if (after !== undefined) {
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${after.replace(/::[^:]+$/, '')}::${type}${arrayDims}`);
    }
  }
  out.push(`DROP TYPE ${qualify(schema, oldName)}`);
  return out;
}

/** Rows restored from a backup match the table's rows by key, each key column under its name in the backup. */
function keyMatch(key: KeyColumn[], backup: BackupRef): string {
  return key.map((k) => `t.${quoteIdent(k.name)} = b.${quoteIdent(savedName(backup, k.name))}::${k.type}`).join(' AND ');
}

function restoreTable(schema: string, table: Table, backup: BackupRef): string[] {
  const target = qualify(schema, table.name);
  const columns = table.columns.filter((c) => c.generated === undefined && backup.columns.includes(savedName(backup, c.name)));
  const b = qualify(TOOL_SCHEMA, backup.relation);
  const out = [
    `INSERT INTO ${target} (${quoteList(columns.map((c) => c.name))}) OVERRIDING SYSTEM VALUE SELECT ${columns.map((c) => `b.${quoteIdent(savedName(backup, c.name))}::${c.type}`).join(', ')} FROM ${b} AS b`,
  ];
  // Identity sequences restart past the restored keys, or the next insert collides.
  for (const c of table.columns.filter((c) => c.identity)) {
    const col = quoteIdent(c.name);
    out.push(
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(${quoteLiteral(target)}, ${quoteLiteral(c.name)}), ` +
        `COALESCE((SELECT max(${col}) FROM ${target}), ${c.identity!.start}), (SELECT max(${col}) FROM ${target}) IS NOT NULL)`,
    );
  }
  return out;
}

function attributeDefinition(a: CompositeType['attributes'][number]): string {
  return `${quoteIdent(a.name)} ${a.type}${a.collation !== undefined ? ` COLLATE ${quoteIdent(a.collation)}` : ''}`;
}

/** What GRANT and REVOKE name after ON. */
function grantObject(schema: string, target: GrantTargetRef): string {
  switch (target.type) {
    case 'function': return `${target.routine.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${routineSignature(schema, target.routine)}`;
    case 'sequence': return `SEQUENCE ${qualify(schema, target.name)}`;
    case 'table': case 'view': return `TABLE ${qualify(schema, target.name)}`;
    case 'domain': return `DOMAIN ${qualify(schema, target.name)}`;
    case 'enum': case 'type': return `TYPE ${qualify(schema, target.name)}`;
    case 'schema': return `SCHEMA ${quoteIdent(schema)}`;
    case 'default-privileges': return target.on.toUpperCase();
  }
}

/**
 * DETACH PARTITION: plain (ACCESS EXCLUSIVE on the parent), CONCURRENTLY
 * (PostgreSQL 14+, outside a transaction: reads and writes to the parent go
 * on), or FINALIZE, which completes a concurrent detach that was interrupted.
 */
export function detachPartition(parent: { schema: string; table: string }, partition: string, how: 'plain' | 'concurrently' | 'finalize'): string {
  return `ALTER TABLE ${qualify(parent.schema, parent.table)} DETACH PARTITION ${partition}${how === 'plain' ? '' : how === 'concurrently' ? ' CONCURRENTLY' : ' FINALIZE'}`;
}
