import { emitYamlPieces, lazyEntries } from './emit.js';
import { extensionCommentChanged } from '../model/extension-comment.js';
import type { Column, Grant, Index, Model, Trigger, Sequence, SequenceOptions, Table } from '../model/types.js';
import { completeSequenceOptions, identityDataType } from '../model/sequence-defaults.js';
import { defaultPrimaryKeyName } from '../model/names.js';
import { schemaReference } from './starter.js';
import { displayIdentifier } from '../normalize/type-names.js';
import { rangeToRaw } from './range-types.js';
import { rulesToRaw } from './rules.js';
import { aggregateToRaw } from './aggregates.js';
import { configurationToRaw, dictionaryToRaw } from './text-search.js';

/**
 * The model as a schema file, leaving out whatever the loader would fill in
 * anyway, so inspected YAML reads like something a person wrote and loads
 * back into the same model.
 */
export function modelToYaml(model: Model, schemaRef = schemaReference()): string {
  const pieces: string[] = [];
  writeModelYaml(model, (piece) => pieces.push(piece), schemaRef);
  return pieces.join('');
}

/**
 * The same text handed to `write` piece by piece: tables are turned into
 * their file form only as they are written, so a 5,000-table inspect holds
 * the model and a few thousand lines, not the model, its file form and the
 * text.
 */
export function writeModelYaml(model: Model, write: (piece: string) => void, schemaRef = schemaReference()): void {
  const doc: Record<string, unknown> = {};
  if (model.extensions.length) {
    doc.extensions = model.extensions.map((e) => {
      // A comment other than the one the extension comes with; "" where that one was removed.
      const comment = extensionCommentChanged(e) ? { comment: e.comment ?? '' } : {};
      return e.schema || e.version || comment.comment !== undefined
        ? { name: e.name, ...(e.schema && { schema: e.schema }), ...(e.version && { version: e.version }), ...comment }
        : e.name;
    });
  }
  doc.schemas = Object.fromEntries(model.schemas.map((s) => [s.name, {
    // public comes with a comment in every new database: one without says so ("").
    ...(s.comment !== undefined ? { comment: s.comment } : s.name === 'public' ? { comment: '' } : {}),
    // None beyond the owner's is left unwritten: the file then leaves the schema's privileges alone.
    // A new database's public grants usage to everyone: one that grants nothing says so ([]).
    ...(s.name === 'public' ? defaultedGrantsToRaw(s.grants) : grantsToRaw(s.grants)),
    ...(s.defaultPrivileges?.length && {
      defaultPrivileges: s.defaultPrivileges.map((d) => ({ ...(d.role !== undefined && { role: d.role }), on: d.on, ...grantsToRaw(d.grants) })),
    }),
    ...(s.composites?.length && {
      composites: Object.fromEntries(s.composites.map((t) => [t.name, {
        attributes: Object.fromEntries(t.attributes.map((a) => [a.name, a.collation !== undefined ? { type: a.type, collation: a.collation } : a.type])),
        ...(t.comment !== undefined && { comment: t.comment }),
        ...defaultedGrantsToRaw(t.grants),
      }])),
    }),
    ...(s.ranges?.length && {
      ranges: Object.fromEntries(s.ranges.map((r) => [r.name, { ...rangeToRaw(r), ...defaultedGrantsToRaw(r.grants) }])),
    }),
    ...(s.aggregates?.length && { aggregates: Object.fromEntries(s.aggregates.map(aggregateToRaw)) }),
    ...(s.textSearchDictionaries?.length && { textSearchDictionaries: Object.fromEntries(s.textSearchDictionaries.map((d) => [d.name, dictionaryToRaw(d)])) }),
    ...(s.textSearchConfigurations?.length && { textSearchConfigurations: Object.fromEntries(s.textSearchConfigurations.map((c) => [c.name, configurationToRaw(c)])) }),
    ...(s.collations?.length && {
      collations: Object.fromEntries(s.collations.map((c) => [c.name, {
        ...(c.provider !== 'libc' && { provider: c.provider }),
        ...(c.locale !== undefined && { locale: c.locale }),
        ...(c.lcCollate !== undefined && { lcCollate: c.lcCollate }),
        ...(c.lcCtype !== undefined && { lcCtype: c.lcCtype }),
        ...(!c.deterministic && { deterministic: false }),
        ...(c.rules !== undefined && { rules: c.rules }),
        ...(c.comment !== undefined && { comment: c.comment }),
      }])),
    }),
    ...(s.enums.length && {
      enums: Object.fromEntries(s.enums.map((e) => [e.name, e.comment !== undefined || e.grants
        ? { values: e.values, ...(e.comment !== undefined && { comment: e.comment }), ...defaultedGrantsToRaw(e.grants) }
        : e.values])),
    }),
    ...(s.domains.length && {
      domains: Object.fromEntries(s.domains.map((d) => [d.name, {
        type: d.type,
        ...(d.notNull && { notNull: true }),
        ...(d.default !== undefined && { default: d.default }),
        ...(d.collation !== undefined && { collation: d.collation }),
        ...(d.checks.length && { checks: Object.fromEntries(d.checks.map((c) => [c.name, { expression: c.expression }])) }),
        ...(d.comment !== undefined && { comment: d.comment }),
        ...defaultedGrantsToRaw(d.grants),
      }])),
    }),
    ...(s.sequences.length && { sequences: Object.fromEntries(s.sequences.map((q) => [q.name, sequenceToRaw(q)])) }),
    ...(s.tables.length && { tables: lazyEntries(s.tables, (t) => t.name, (t) => tableToRaw(s.name, t)) }),
    ...(s.functions.length && {
      functions: Object.fromEntries(s.functions.map((f) => {
        const setReturning = /^(setof|table)\b/i.test(f.returns ?? '');
        return [`${f.name}(${f.arguments})`, {
          ...(f.kind === 'procedure' && { kind: 'procedure' }),
          ...(f.returns !== undefined && f.returns !== 'void' && { returns: f.returns }),
          language: f.language,
          ...(f.volatility !== 'volatile' && { volatility: f.volatility }),
          ...(f.strict && { strict: true }),
          ...(f.securityDefiner && { securityDefiner: true }),
          ...(f.parallel !== 'unsafe' && { parallel: f.parallel }),
          ...(f.leakproof && { leakproof: true }),
          ...(f.cost !== (f.language === 'c' || f.language === 'internal' ? '1' : '100') && { cost: num(f.cost) }),
          ...(f.rows !== (setReturning ? '1000' : '0') && { rows: num(f.rows) }),
          ...(f.settings && { settings: f.settings }),
          ...(f.comment !== undefined && { comment: f.comment }),
          ...defaultedGrantsToRaw(f.grants),
          ...(f.objectFile !== undefined && { objectFile: f.objectFile }),
          body: f.body,
        }];
      })),
    }),
    ...(s.views.length && {
      views: Object.fromEntries(s.views.map((v) => [v.name, {
        query: v.query,
        ...(v.materialized && { materialized: true }),
        ...(v.materialized && v.withData === false && { withData: false }),
        ...(v.options && { options: v.options }),
        ...(v.indexes.length && { indexes: Object.fromEntries(v.indexes.map((i) => [i.name, indexToRaw(i)])) }),
        ...(v.comment !== undefined && { comment: v.comment }),
        ...(v.columnComments && { columnComments: v.columnComments }),
        ...grantsToRaw(v.grants),
        ...triggersToRaw(v.triggers),
        ...rulesToRaw(v.rules),
      }])),
    }),
  }]));
  write(`# yaml-language-server: $schema=${schemaRef}\n`);
  emitYamlPieces(doc, write);
}

/** Numbers that survive a YAML round trip as numbers are written as numbers. */
function num(text: string): string | number {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function nonDefaultOptions(o: SequenceOptions, dataTypeDefault: string): Record<string, unknown> {
  const d = completeSequenceOptions({ dataType: o.dataType, increment: o.increment });
  return {
    ...(o.dataType !== dataTypeDefault && { type: o.dataType }),
    ...(o.start !== (o.increment.startsWith('-') ? o.maxValue : o.minValue) && { start: num(o.start) }),
    ...(o.increment !== '1' && { increment: num(o.increment) }),
    ...(o.minValue !== d.minValue && { minValue: num(o.minValue) }),
    ...(o.maxValue !== d.maxValue && { maxValue: num(o.maxValue) }),
    ...(o.cache !== '1' && { cache: num(o.cache) }),
    ...(o.cycle && { cycle: true }),
  };
}

function sequenceToRaw(s: Sequence) {
  const raw = { ...nonDefaultOptions(s, 'bigint'), ...(s.unlogged && { unlogged: true }), ...(s.ownedBy && { ownedBy: s.ownedBy }), ...(s.comment !== undefined && { comment: s.comment }), ...grantsToRaw(s.grants) };
  return Object.keys(raw).length ? raw : null;
}

/** Routines and types: [] matters, it is the owner only, not the default. */
function defaultedGrantsToRaw(grants: Grant[] | undefined) {
  return grants && (grants.length ? grantsToRaw(grants) : { grants: [] });
}

function grantsToRaw(grants: Grant[] | undefined) {
  return grants?.length ? {
    grants: grants.map((g) => ({
      to: g.to,
      privileges: g.privileges.map((p) => p.toLowerCase()),
      ...(g.columns && { columns: g.columns }),
      ...(g.withGrantOption && { withGrantOption: true }),
    })),
  } : {};
}

function columnToRaw(c: Column, inPrimaryKey: boolean) {
  const raw: Record<string, unknown> = { type: c.type };
  if (c.notNull && !c.identity && !inPrimaryKey) raw.notNull = true;
  if (c.default !== undefined) raw.default = c.default;
  if (c.identity) {
    const options = nonDefaultOptions(c.identity, identityDataType(c.type));
    raw.identity = Object.keys(options).length ? { kind: c.identity.kind, ...options } : c.identity.kind;
  }
  if (c.generated !== undefined) raw.generated = c.generated;
  if (c.collation !== undefined) raw.collation = c.collation;
  if (c.statistics !== undefined) raw.statistics = c.statistics;
  if (c.storage !== undefined) raw.storage = c.storage;
  if (c.compression !== undefined) raw.compression = c.compression;
  // The catalog keeps them as text; the file writes numbers.
  if (c.options !== undefined) raw.options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, Number(v)]));
  if (c.comment !== undefined) raw.comment = c.comment;
  return raw;
}

function indexToRaw(i: Index) {
  const plain = (k: Index['keys'][number]) => !k.descending && k.opclass === undefined && k.nullsFirst === undefined && k.collation === undefined;
  const plainColumns = i.keys.every((k) => k.column !== undefined && plain(k));
  const plainExpressions = i.keys.every((k) => k.expression !== undefined && plain(k));
  return {
    ...(plainColumns ? { columns: i.keys.map((k) => k.column) }
      : plainExpressions ? { expressions: i.keys.map((k) => k.expression) }
        : {
          keys: i.keys.map((k) => ({
            ...(k.column !== undefined ? { column: k.column } : { expression: k.expression }),
            ...(k.collation !== undefined && { collation: k.collation }),
            ...(k.opclass !== undefined && { opclass: k.opclass }),
            ...(k.descending && { order: 'desc' }),
            ...(k.nullsFirst !== undefined && { nulls: k.nullsFirst ? 'first' : 'last' }),
          })),
        }),
    ...(i.unique && { unique: true }),
    ...(i.method !== 'btree' && { method: i.method }),
    ...(i.include.length && { include: i.include }),
    ...(i.where !== undefined && { where: i.where }),
    ...(i.nullsNotDistinct && { nullsNotDistinct: true }),
    ...(i.with && { with: Object.fromEntries(Object.entries(i.with).map(([k, v]) => [k, num(v)])) }),
    ...(i.comment !== undefined && { comment: i.comment }),
  };
}

function tableToRaw(schema: string, t: Table) {
  const pkColumns = new Set(t.primaryKey?.columns ?? []);
  return {
    ...(t.comment !== undefined && { comment: t.comment }),
    ...(t.partitionOf
      ? {
        partitionOf: {
          table: t.partitionOf.table,
          ...(t.partitionOf.schema !== schema && { schema: t.partitionOf.schema }),
          bound: t.partitionOf.bound.replace(/^FOR VALUES /, ''),
        },
      }
      : { columns: Object.fromEntries(t.columns.map((c) => [c.name, columnToRaw(c, pkColumns.has(c.name))])) }),
    ...(t.unlogged && { unlogged: true }),
    ...(t.clusterOn !== undefined && { clusterOn: t.clusterOn }),
    ...(t.inherits && { inherits: t.inherits.map((p) => parentToRaw(p, schema)) }),
    ...(t.partitionBy !== undefined && { partitionBy: t.partitionBy }),
    ...grantsToRaw(t.grants),
    ...(t.primaryKey && {
      primaryKey: t.primaryKey.name === defaultPrimaryKeyName(t.name) && t.primaryKey.comment === undefined && !t.primaryKey.deferrable && !t.primaryKey.include
        ? t.primaryKey.columns
        : {
          name: t.primaryKey.name, columns: t.primaryKey.columns,
          ...(t.primaryKey.include && { include: t.primaryKey.include }),
          ...(t.primaryKey.deferrable && { deferrable: true }),
          ...(t.primaryKey.initiallyDeferred && { initiallyDeferred: true }),
          ...(t.primaryKey.comment !== undefined && { comment: t.primaryKey.comment }),
        },
    }),
    ...(t.uniques.length && {
      unique: Object.fromEntries(t.uniques.map((u) => [u.name, {
        columns: u.columns,
        ...(u.include && { include: u.include }),
        ...(u.nullsNotDistinct && { nullsNotDistinct: true }),
        ...(u.deferrable && { deferrable: true }),
        ...(u.initiallyDeferred && { initiallyDeferred: true }),
        ...(u.comment !== undefined && { comment: u.comment }),
      }])),
    }),
    ...(t.checks.length && {
      checks: Object.fromEntries(t.checks.map((c) => [c.name, {
        expression: c.expression, ...(c.noInherit && { noInherit: true }), ...(c.validated === false && { validated: false }), ...(c.comment !== undefined && { comment: c.comment }),
      }])),
    }),
    ...(t.foreignKeys.length && {
      foreignKeys: Object.fromEntries(t.foreignKeys.map((f) => [f.name, {
        columns: f.columns,
        references: { ...(f.references.schema !== schema && { schema: f.references.schema }), table: f.references.table, columns: f.references.columns },
        ...(f.onDelete !== 'no action' && { onDelete: f.onDelete }),
        ...(f.onUpdate !== 'no action' && { onUpdate: f.onUpdate }),
        ...(f.match !== 'simple' && { match: f.match }),
        ...(f.deferrable && { deferrable: true }),
        ...(f.initiallyDeferred && { initiallyDeferred: true }),
        ...(f.validated === false && { validated: false }),
        ...(f.comment !== undefined && { comment: f.comment }),
      }])),
    }),
    ...((t.exclusions ?? []).length && {
      exclusions: Object.fromEntries(t.exclusions.map((x) => [x.name, { definition: x.definition, ...(x.comment !== undefined && { comment: x.comment }) }])),
    }),
    ...(t.indexes.length && { indexes: Object.fromEntries(t.indexes.map((i) => [i.name, indexToRaw(i)])) }),
    ...(t.rowLevelSecurity && { rowLevelSecurity: true }),
    ...(t.forceRowLevelSecurity && { forceRowLevelSecurity: true }),
    ...((t.policies ?? []).length && {
      policies: Object.fromEntries(t.policies.map((p) => [p.name, {
        ...(!p.permissive && { permissive: false }),
        ...(p.command !== 'all' && { command: p.command }),
        ...(!(p.roles.length === 1 && p.roles[0] === 'public') && { roles: p.roles.map(displayIdentifier) }),
        ...(p.using !== undefined && { using: p.using }),
        ...(p.withCheck !== undefined && { withCheck: p.withCheck }),
        ...(p.comment !== undefined && { comment: p.comment }),
      }])),
    }),
    ...triggersToRaw(t.triggers),
    ...rulesToRaw(t.rules),
  };
}

function triggersToRaw(triggers: Trigger[] | undefined) {
  return triggers?.length ? { triggers: Object.fromEntries(triggers.map((tr) => [tr.name, {
    timing: tr.timing,
    events: tr.events,
    ...(tr.updateOf && { updateOf: tr.updateOf }),
    level: tr.level,
    function: tr.function,
    ...(tr.arguments.length && { arguments: tr.arguments }),
    ...(tr.when !== undefined && { when: tr.when }),
    ...(tr.oldTable !== undefined && { oldTable: tr.oldTable }),
    ...(tr.newTable !== undefined && { newTable: tr.newTable }),
    ...(tr.constraint && { constraint: true }),
    ...(tr.deferrable && { deferrable: true }),
    ...(tr.initiallyDeferred && { initiallyDeferred: true }),
    ...(tr.enabled !== 'origin' && { enabled: tr.enabled }),
    ...(tr.comment !== undefined && { comment: tr.comment }),
  }])) } : {};
}

/**
 * A parent as `inherits` lists it: table, or schema.table, read at the first
 * dot; a name with a dot of its own is written { table, schema } so that it
 * reads back as itself.
 */
function parentToRaw(p: { schema: string; table: string }, schema: string): string | { table: string; schema?: string } {
  if (p.schema.includes('.') || p.table.includes('.')) return { table: p.table, ...(p.schema !== schema && { schema: p.schema }) };
  return p.schema === schema ? p.table : `${p.schema}.${p.table}`;
}
