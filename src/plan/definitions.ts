import type { ObjectRef } from '../diff/changes.js';
import type { Model } from '../model/types.js';
import { qualify, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { renderChange } from './render.js';
import { constraintDefinition, createPolicyStatements, createTriggerStatements, createTableStatements, indexDefinition, sequenceOptionClauses } from './sql-fragments.js';

/**
 * The full SQL definition of one object as it stands in a model: what a
 * reviewer diffs to see what a change does to it. Undefined if absent.
 */
export function definitionOf(model: Model, ref: ObjectRef): string | undefined {
  if (ref.type === 'extension') {
    const e = model.extensions.find((x) => x.name === ref.name);
    return e && `CREATE EXTENSION ${quoteIdent(e.name)}${e.schema ? ` SCHEMA ${quoteIdent(e.schema)}` : ''}${e.version ? ` VERSION ${quoteLiteral(e.version)}` : ''};\n`;
  }
  const schema = named(model.schemas, (s) => s.name, ref.schema ?? ref.name);
  if (!schema) return undefined;
  switch (ref.type) {
    case 'schema':
      return `CREATE SCHEMA ${quoteIdent(schema.name)};\n`;
    case 'enum': {
      const e = named(schema.enums, (x) => x.name, ref.name);
      return e && `CREATE TYPE ${qualify(schema.name, e.name)} AS ENUM (\n${e.values.map((v) => `  ${quoteLiteral(v)}`).join(',\n')}\n);\n`;
    }
    case 'domain': {
      const d = named(schema.domains, (x) => x.name, ref.name);
      return d && renderChange({ kind: 'create-domain', schema: schema.name, domain: d }, { serverVersion: 0 }).map((q) => q + ';\n').join('');
    }
    case 'function': {
      const f = named(schema.functions, (x) => `${x.name}(${x.arguments})`, ref.name);
      return f && renderChange({ kind: 'create-function', schema: schema.name, routine: f }, { serverVersion: 0 }).map((q) => q + ';\n').join('');
    }
    case 'view': {
      const v = named(schema.views, (x) => x.name, ref.name);
      return v && renderChange({ kind: 'create-view', schema: schema.name, view: v }, { serverVersion: 0 }).map((q) => q + ';\n').join('');
    }
    case 'sequence': {
      const s = named(schema.sequences, (x) => x.name, ref.name);
      return s && `CREATE SEQUENCE ${qualify(schema.name, s.name)} ${sequenceOptionClauses(s, true).join(' ')};\n`;
    }
    case 'table': {
      const t = named(schema.tables, (x) => x.name, ref.name);
      if (!t) return undefined;
      return [
        ...createTableStatements(schema.name, t),
        ...t.foreignKeys.map((fk) => `ALTER TABLE ${qualify(schema.name, t.name)} ADD ${constraintDefinition({ type: 'foreign-key', ...fk })}`),
        ...t.indexes.map((i) => indexDefinition(schema.name, t.name, i)),
        ...(t.triggers ?? []).flatMap((tr) => createTriggerStatements(schema.name, t.name, tr)),
        ...(t.policies ?? []).flatMap((p) => createPolicyStatements(schema.name, t.name, p)),
        ...(t.rowLevelSecurity ? [`ALTER TABLE ${qualify(schema.name, t.name)} ENABLE ROW LEVEL SECURITY`] : []),
        ...(t.forceRowLevelSecurity ? [`ALTER TABLE ${qualify(schema.name, t.name)} FORCE ROW LEVEL SECURITY`] : []),
      ].map((s) => s + ';\n').join('');
    }
  }
}

const indexes = new WeakMap<readonly unknown[], Map<string, unknown>>();

/** The element of a model's list with this name, through an index built once per list: a plan asks for hundreds. */
function named<T>(list: readonly T[] | undefined, nameOf: (item: T) => string, name: string): T | undefined {
  if (!list) return undefined;
  let index = indexes.get(list) as Map<string, T> | undefined;
  if (!index) indexes.set(list, (index = new Map(list.map((item) => [nameOf(item), item]))));
  return index.get(name);
}
