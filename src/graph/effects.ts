import type { Change, ColumnAspect, GrantTargetRef } from '../diff/changes.js';
import { constraintsOf } from '../diff/diff-table.js';
import type { Column, Constraint, Index, RangeType, Table, TextSearchConfiguration } from '../model/types.js';
import { splitQualified } from './references.js';
import { multirangeOf } from '../model/ranges.js';
import { ids, type ObjectId } from './ids.js';
import type { References } from './object-references.js';

/**
 * What one step does to the objects the graph orders by:
 * - creates: exists in its final form once the step has run;
 * - destroys: its old form is gone once the step has run;
 * - needs: must exist (in final form) before the step can run;
 * - releases: the step lets go of it (the old form depended on it), so it
 *   must run before the step that destroys it.
 * A step that changes an object in place both destroys and creates it.
 */
export interface Effects {
  creates: ObjectId[];
  destroys: ObjectId[];
  needs: ObjectId[];
  releases: ObjectId[];
}

/** Only the objects a step creates or destroys: what the references then have to look for. */
export function structuralEffects(change: Change): Pick<Effects, 'creates' | 'destroys'> {
  return effectsOf(change, undefined);
}

export function effectsOf(change: Change, refs: References | undefined): Effects {
  const e: Effects = { creates: [], destroys: [], needs: [], releases: [] };
  const needs = (...x: ObjectId[][]) => { for (const list of x) for (const id of list) e.needs.push(id); };
  const releases = (...x: ObjectId[][]) => { for (const list of x) for (const id of list) e.releases.push(id); };
  const r = refs;
  const c = change;
  const inSchema = (schema: string) => { needs([ids.schema(schema)]); };
  const onTable = (schema: string, table: string) => { needs([ids.relation(schema, table)]); };
  switch (c.kind) {
    case 'create-schema': e.creates.push(ids.schema(c.schema)); break;
    case 'drop-schema': e.destroys.push(ids.schema(c.schema)); break;
    case 'rename-schema': e.destroys.push(ids.schema(c.from)); e.creates.push(ids.schema(c.to)); break;
    case 'set-schema-comment': inSchema(c.schema); break;
    case 'create-extension':
      e.creates.push(ids.extension(c.extension.name));
      if (c.extension.schema) inSchema(c.extension.schema);
      break;
    case 'alter-extension':
      e.creates.push(ids.extension(c.to.name));
      if (c.to.schema) inSchema(c.to.schema);
      break;
    case 'drop-extension':
      e.destroys.push(ids.extension(c.extension.name));
      if (c.extension.schema) releases([ids.schema(c.extension.schema)]);
      break;
    case 'create-enum': inSchema(c.schema); e.creates.push(ids.type(c.schema, c.enum.name)); break;
    case 'add-enum-value': e.creates.push(ids.type(c.schema, c.enum)); break;
    case 'set-enum-comment': needs([ids.type(c.schema, c.enum)]); break;
    case 'drop-enum': releases([ids.schema(c.schema)]); e.destroys.push(ids.type(c.schema, c.enum.name)); break;
    case 'recreate-enum': {
      const type = ids.type(c.schema, c.to.name);
      e.creates.push(type);
      e.destroys.push(type);
      for (const u of c.columns) {
        onTable(u.schema, u.table);
        reshape(e, u.schema, u.table, u.column);
      }
      break;
    }
    case 'clear-enum-values':
      onTable(c.use.schema, c.use.table);
      releases([ids.column(c.use.schema, c.use.table, c.use.column)]);
      break;
    case 'create-domain':
      inSchema(c.schema);
      needs(r?.domain(c.schema, c.domain) ?? []);
      e.creates.push(ids.type(c.schema, c.domain.name));
      break;
    case 'alter-domain':
      // The domain exists before and after: what uses it need not wait (its new checks wait for the columns, see rules).
      needs(r?.domain(c.schema, c.to) ?? [], [ids.type(c.schema, c.to.name)]);
      releases(r?.domain(c.schema, c.from) ?? []);
      break;
    case 'drop-domain':
      releases([ids.schema(c.schema)], r?.domain(c.schema, c.domain) ?? []);
      e.destroys.push(ids.type(c.schema, c.domain.name));
      break;
    case 'create-composite':
      inSchema(c.schema);
      needs(r?.composite(c.schema, c.composite) ?? []);
      e.creates.push(ids.type(c.schema, c.composite.name), ids.relation(c.schema, c.composite.name));
      break;
    case 'alter-composite':
      needs(r?.composite(c.schema, c.to) ?? []);
      releases(r?.composite(c.schema, c.from) ?? []);
      e.creates.push(ids.type(c.schema, c.to.name));
      break;
    case 'drop-composite':
      releases([ids.schema(c.schema)], r?.composite(c.schema, c.composite) ?? []);
      e.destroys.push(ids.type(c.schema, c.composite.name), ids.relation(c.schema, c.composite.name));
      break;
    case 'create-aggregate':
      inSchema(c.schema);
      needs(r?.aggregate(c.schema, c.aggregate) ?? []);
      e.creates.push(ids.routine(c.schema, c.aggregate.name));
      break;
    case 'set-aggregate-comment': needs([ids.routine(c.schema, c.aggregate.name)]); break;
    case 'drop-aggregate':
      releases([ids.schema(c.schema)], r?.aggregate(c.schema, c.aggregate) ?? []);
      e.destroys.push(ids.routine(c.schema, c.aggregate.name));
      break;
    case 'create-ts-dictionary': inSchema(c.schema); e.creates.push(ids.textSearchDictionary(c.schema, c.dictionary.name)); break;
    case 'alter-ts-dictionary': needs([ids.textSearchDictionary(c.schema, c.to.name)]); break;
    case 'drop-ts-dictionary': releases([ids.schema(c.schema)]); e.destroys.push(ids.textSearchDictionary(c.schema, c.dictionary.name)); break;
    case 'create-ts-configuration':
      inSchema(c.schema);
      needs(dictionariesOf(c.configuration));
      e.creates.push(ids.textSearchConfiguration(c.schema, c.configuration.name));
      break;
    case 'alter-ts-configuration':
      needs([ids.textSearchConfiguration(c.schema, c.to.name)], dictionariesOf(c.to));
      releases(dictionariesOf(c.from));
      break;
    case 'drop-ts-configuration':
      releases([ids.schema(c.schema)], dictionariesOf(c.configuration));
      e.destroys.push(ids.textSearchConfiguration(c.schema, c.configuration.name));
      break;
    case 'create-range':
      inSchema(c.schema);
      needs(r?.range(c.schema, c.range) ?? []);
      e.creates.push(...rangeIds(c.schema, c.range));
      break;
    case 'set-range-comment': needs([ids.type(c.schema, c.range.name)]); break;
    case 'drop-range':
      releases([ids.schema(c.schema)], r?.range(c.schema, c.range) ?? []);
      e.destroys.push(...rangeIds(c.schema, c.range));
      break;
    case 'create-collation': inSchema(c.schema); e.creates.push(ids.collation(c.schema, c.collation.name)); break;
    case 'set-collation-comment': needs([ids.collation(c.schema, c.collation.name)]); break;
    case 'drop-collation': releases([ids.schema(c.schema)]); e.destroys.push(ids.collation(c.schema, c.collation.name)); break;
    case 'create-function':
      inSchema(c.schema);
      needs(r?.routine(c.schema, c.routine) ?? []);
      e.creates.push(ids.routine(c.schema, c.routine.name));
      break;
    case 'drop-function':
      releases([ids.schema(c.schema)], r?.routine(c.schema, c.routine) ?? []);
      e.destroys.push(ids.routine(c.schema, c.routine.name));
      break;
    case 'create-view':
      inSchema(c.schema);
      needs(r?.view(c.schema, c.view) ?? []);
      e.creates.push(...relationIds(c.schema, c.view.name), ...c.view.indexes.map((i) => ids.relation(c.schema, i.name)));
      break;
    case 'drop-view':
      releases([ids.schema(c.schema)], r?.view(c.schema, c.view) ?? []);
      e.destroys.push(...relationIds(c.schema, c.view.name), ...c.view.indexes.map((i) => ids.relation(c.schema, i.name)));
      break;
    case 'set-view-comment': needs([ids.relation(c.schema, c.view.name)]); break;
    case 'create-sequence': inSchema(c.schema); e.creates.push(ids.relation(c.schema, c.sequence.name)); break;
    case 'drop-sequence': releases([ids.schema(c.schema)]); e.destroys.push(ids.relation(c.schema, c.sequence.name)); break;
    case 'alter-sequence': {
      needs([ids.relation(c.schema, c.to.name)]);
      const owner = c.to.ownedBy;
      if (owner) needs([ids.relation(c.schema, owner.table), ids.column(c.schema, owner.table, owner.column)]);
      break;
    }
    case 'create-table':
      inSchema(c.schema);
      needs(r?.table(c.schema, c.table) ?? []);
      e.creates.push(...tableIds(c.schema, c.table));
      break;
    case 'drop-table':
      releases([ids.schema(c.schema)], r?.table(c.schema, c.table) ?? []);
      e.destroys.push(...tableIds(c.schema, c.table));
      break;
    case 'rename-table':
      e.destroys.push(...relationIds(c.schema, c.from));
      e.creates.push(...relationIds(c.schema, c.to));
      break;
    case 'set-table-comment': case 'set-row-level-security': case 'set-table-logging':
      onTable(c.schema, c.table);
      break;
    case 'set-table-cluster':
      onTable(c.schema, c.table);
      if (c.index !== undefined) needs([ids.relation(c.schema, c.index)]);
      break;
    case 'add-column':
      onTable(c.schema, c.table);
      needs(r?.column(c.schema, c.column) ?? []);
      reshape(e, c.schema, c.table, c.column.name);
      if (c.column.default !== undefined) e.creates.push(ids.default(c.schema, c.table, c.column.name));
      break;
    case 'drop-column':
      releases(r?.column(c.schema, c.column) ?? []);
      e.destroys.push(ids.column(c.schema, c.table, c.column.name), ids.shape(c.schema, c.table));
      e.creates.push(ids.shape(c.schema, c.table));
      if (c.column.default !== undefined) e.destroys.push(ids.default(c.schema, c.table, c.column.name));
      break;
    case 'rename-column':
      onTable(c.schema, c.table);
      e.destroys.push(ids.column(c.schema, c.table, c.from), ids.shape(c.schema, c.table));
      e.creates.push(ids.column(c.schema, c.table, c.to), ids.shape(c.schema, c.table));
      break;
    case 'alter-column': {
      onTable(c.schema, c.table);
      // Only what the step changes: a default taken off names nothing of the column's type.
      const has = (a: ColumnAspect) => c.aspects.includes(a);
      const parts = (col: Column) => [
        ...(has('type') ? r?.type(c.schema, col.type) ?? [] : []),
        ...(has('collation') ? r?.collation(c.schema, col.collation) ?? [] : []),
        ...(has('default') || has('type') ? r?.expression(c.schema, col.default) ?? [] : []),
        ...(has('generated') ? r?.expression(c.schema, col.generated) ?? [] : []),
      ];
      needs(parts(c.to));
      releases(parts(c.from));
      if (c.aspects.some((a) => a === 'type' || a === 'collation' || a === 'generated')) reshape(e, c.schema, c.table, c.to.name);
      if (c.aspects.includes('default') && c.from.default !== undefined) e.destroys.push(ids.default(c.schema, c.table, c.to.name));
      if (c.aspects.includes('default') && c.to.default !== undefined) e.creates.push(ids.default(c.schema, c.table, c.to.name));
      break;
    }
    case 'add-constraint':
      onTable(c.schema, c.table);
      needs(r?.constraint(c.schema, c.constraint) ?? []);
      e.creates.push(...constraintIds(c.schema, c.table, c.constraint));
      break;
    case 'drop-constraint':
      releases([ids.relation(c.schema, c.table)], r?.constraint(c.schema, c.constraint) ?? []);
      e.destroys.push(...constraintIds(c.schema, c.table, c.constraint));
      break;
    case 'rename-constraint':
      onTable(c.schema, c.table);
      e.destroys.push(ids.constraint(c.schema, c.table, c.from), ids.relation(c.schema, c.from));
      e.creates.push(ids.constraint(c.schema, c.table, c.to), ids.relation(c.schema, c.to));
      break;
    case 'set-constraint-comment': case 'validate-constraint':
      needs([ids.constraint(c.schema, c.table, c.constraint), ids.relation(c.schema, c.table)]);
      break;
    case 'create-index':
      onTable(c.schema, c.table);
      needs(r?.index(c.schema, c.index) ?? []);
      e.creates.push(...indexIds(c.schema, c.table, c.index));
      break;
    case 'drop-index':
      releases([ids.relation(c.schema, c.table)], r?.index(c.schema, c.index) ?? []);
      e.destroys.push(...indexIds(c.schema, c.table, c.index));
      break;
    case 'rename-index':
      onTable(c.schema, c.table);
      e.destroys.push(ids.relation(c.schema, c.from));
      e.creates.push(ids.relation(c.schema, c.to));
      break;
    case 'set-index-comment': needs([ids.relation(c.schema, c.index)]); break;
    case 'create-trigger':
      onTable(c.schema, c.table);
      needs(r?.trigger(c.schema, c.trigger) ?? []);
      e.creates.push(ids.trigger(c.schema, c.table, c.trigger.name));
      break;
    case 'drop-trigger':
      releases([ids.relation(c.schema, c.table)], r?.trigger(c.schema, c.trigger) ?? []);
      e.destroys.push(ids.trigger(c.schema, c.table, c.trigger.name));
      break;
    case 'alter-trigger': needs([ids.trigger(c.schema, c.table, c.to.name)]); break;
    case 'create-rule':
      onTable(c.schema, c.table);
      needs(r?.rule(c.schema, c.rule) ?? []);
      e.creates.push(ids.rule(c.schema, c.table, c.rule.name));
      break;
    case 'alter-rule':
      needs([ids.rule(c.schema, c.table, c.to.name)], r?.rule(c.schema, c.to) ?? []);
      releases(r?.rule(c.schema, c.from) ?? []);
      break;
    case 'drop-rule':
      releases([ids.relation(c.schema, c.table)], r?.rule(c.schema, c.rule) ?? []);
      e.destroys.push(ids.rule(c.schema, c.table, c.rule.name));
      break;
    case 'create-policy':
      onTable(c.schema, c.table);
      needs(r?.policy(c.schema, c.policy) ?? []);
      e.creates.push(ids.policy(c.schema, c.table, c.policy.name));
      break;
    case 'drop-policy':
      releases([ids.relation(c.schema, c.table)], r?.policy(c.schema, c.policy) ?? []);
      e.destroys.push(ids.policy(c.schema, c.table, c.policy.name));
      break;
    case 'set-inheritance':
      needs([ids.relation(c.schema, c.table), ids.shape(c.schema, c.table)], c.add.flatMap((p) => [ids.relation(p.schema, p.table), ids.shape(p.schema, p.table)]));
      releases(c.remove.map((p) => ids.relation(p.schema, p.table)));
      break;
    case 'set-partition':
      needs([ids.relation(c.schema, c.table), ids.shape(c.schema, c.table)], c.to ? [ids.relation(c.to.schema, c.to.table), ids.shape(c.to.schema, c.to.table)] : []);
      if (c.from) releases([ids.relation(c.from.schema, c.from.table)]);
      break;
    case 'grant-privileges': case 'revoke-privileges':
      needs(grantTarget(c.schema, c.target));
      break;
    case 'restore-table':
      needs([ids.relation(c.schema, c.table.name), ids.shape(c.schema, c.table.name)]);
      e.creates.push(ids.rows(c.schema, c.table.name));
      break;
    case 'restore-column':
      needs([ids.relation(c.schema, c.table), ids.shape(c.schema, c.table), ids.rows(c.schema, c.table)], r?.type(c.schema, c.column.type) ?? []);
      e.creates.push(ids.values(c.schema, c.table, c.column.name));
      break;
    default: {
      const unreachable: never = c;
      throw new Error(`no effects for ${JSON.stringify(unreachable)}`);
    }
  }
  return e;
}

/** The dictionaries a configuration maps to; an unqualified one is in public (or pg_catalog, which no plan touches). */
function dictionariesOf(c: TextSearchConfiguration): ObjectId[] {
  return Object.values(c.mappings).flat().map((name) => {
    const parts = splitQualified(name);
    return parts.length === 2 ? ids.textSearchDictionary(parts[0]!, parts[1]!) : ids.textSearchDictionary('public', parts[0] ?? name);
  });
}

/** A range type and the multirange type that comes with it. */
const rangeIds = (schema: string, r: RangeType) => [ids.type(schema, r.name), ids.type(schema, multirangeOf(r))];

/** A relation's name, its row type and its columns as a whole. */
const relationIds = (schema: string, name: string) => [ids.relation(schema, name), ids.type(schema, name), ids.shape(schema, name)];

/** A column changed in a way that rewrites it: the old one is gone, the new one exists, and the table's shape with it. */
function reshape(e: Effects, schema: string, table: string, column: string) {
  const both = [ids.column(schema, table, column), ids.shape(schema, table)];
  e.destroys.push(...both);
  e.creates.push(...both);
}

function tableIds(schema: string, t: Table): ObjectId[] {
  return [
    ...relationIds(schema, t.name),
    ...t.columns.map((c) => ids.column(schema, t.name, c.name)),
    ...t.columns.flatMap((c) => (c.default !== undefined ? [ids.default(schema, t.name, c.name)] : [])),
    ...constraintsOf({ ...t, foreignKeys: [] }).flatMap((c) => constraintIds(schema, t.name, c)),
  ];
}

/** A constraint, the index behind a key or exclusion, and the key a foreign key may point at. */
function constraintIds(schema: string, table: string, c: Constraint): ObjectId[] {
  const out = [ids.constraint(schema, table, c.name)];
  if (c.type === 'primary-key' || c.type === 'unique' || c.type === 'exclusion') out.push(ids.relation(schema, c.name));
  if (c.type === 'primary-key' || c.type === 'unique') out.push(ids.key(schema, table, c.columns));
  return out;
}

function indexIds(schema: string, table: string, i: Index): ObjectId[] {
  const plain = i.unique && i.where === undefined && i.keys.every((k) => k.column !== undefined);
  return [ids.relation(schema, i.name), ...(plain ? [ids.key(schema, table, i.keys.map((k) => k.column!))] : [])];
}

function grantTarget(schema: string, target: GrantTargetRef): ObjectId[] {
  switch (target.type) {
    case 'schema': case 'default-privileges': return [ids.schema(schema)];
    case 'function': return [ids.routine(schema, target.routine.name)];
    case 'enum': case 'domain': case 'type': return [ids.type(schema, target.name)];
    default: return [ids.relation(schema, target.name)];
  }
}
