import type { Aggregate, Column, CompositeType, RangeType, Rule, Constraint, Domain, Index, Policy, Routine, Table, Trigger, View } from '../model/types.js';
import { hasStandardBody } from '../model/routine-body.js';
import { splitRelationText } from '../model/names.js';
import { ids, type ObjectId } from './ids.js';
import { mayName, referencesIn, splitQualified, type QualifiedName, type ReferenceShape } from './references.js';

/**
 * What a model object needs to exist before it can be created (or, for the
 * live object, what it holds on to until it is dropped), as object ids.
 * Structure gives most of it (a column's type, a trigger's function, a
 * partition's parent); SQL texts are read with PostgreSQL's parser, and only
 * when they could name something the plan creates or drops at all.
 *
 * Unqualified names resolve as the plan runs them: the object's own schema,
 * then public. Both candidates are returned; only one the plan touches can
 * give an edge.
 */
export class References {
  constructor(private readonly touchedNames: ReadonlySet<string>) {}

  private read(schema: string, shape: ReferenceShape, text: string | undefined): ObjectId[] {
    if (text === undefined || !mayName(text, this.touchedNames)) return [];
    const refs = referencesIn(shape, text);
    return [
      ...refs.functions.flatMap((n) => this.resolve(schema, n, ids.routine)),
      ...refs.relations.flatMap((n) => [...this.resolve(schema, n, ids.relation), ...this.resolve(schema, n, ids.shape)]),
      ...refs.types.flatMap((n) => this.resolve(schema, n, ids.type)),
      ...refs.collations.flatMap((n) => this.resolve(schema, n, ids.collation)),
      ...refs.textSearchConfigurations.flatMap((n) => this.resolve(schema, n, ids.textSearchConfiguration)),
    ];
  }

  private resolve(schema: string, name: QualifiedName, make: (schema: string, name: string) => ObjectId): ObjectId[] {
    const last = name.at(-1);
    if (last === undefined || !this.touchedNames.has(last)) return [];
    if (name.length >= 2) return name[name.length - 2] === 'pg_catalog' ? [] : [make(name[name.length - 2]!, last)];
    return schema === 'public' ? [make('public', last)] : [make(schema, last), make('public', last)];
  }

  expression = (schema: string, text: string | undefined) => this.read(schema, 'expression', text);
  type = (schema: string, text: string) => this.read(schema, 'type', text);

  collation(schema: string, name: string | undefined): ObjectId[] {
    return name === undefined ? [] : this.resolve(schema, splitQualified(name), ids.collation);
  }

  column(schema: string, c: Pick<Column, 'type' | 'collation' | 'default' | 'generated'>): ObjectId[] {
    return [...this.type(schema, c.type), ...this.collation(schema, c.collation), ...this.expression(schema, c.default), ...this.expression(schema, c.generated)];
  }

  routine(schema: string, r: Routine): ObjectId[] {
    return [
      ...this.read(schema, 'routine-arguments', r.arguments),
      ...(r.returns !== undefined ? this.read(schema, 'routine-result', r.returns) : []),
      // Other bodies are not parsed at creation (plans run with check_function_bodies off), and the catalog records nothing for them.
      ...(hasStandardBody(r) ? this.read(schema, 'routine-body', r.body) : []),
    ];
  }

  view(schema: string, v: View): ObjectId[] {
    return [
      ...this.read(schema, 'query', v.query),
      // The live side knows what the view reads from pg_depend.
      ...(v.dependsOn ?? []).flatMap((d) => {
        const [s, n] = splitRelationText(d);
        return [ids.relation(s, n), ids.shape(s, n)];
      }),
      ...v.indexes.flatMap((i) => this.index(schema, i)),
    ];
  }

  index(schema: string, i: Index): ObjectId[] {
    return [...i.keys.flatMap((k) => [...this.expression(schema, k.expression), ...this.collation(schema, k.collation)]), ...this.expression(schema, i.where)];
  }

  trigger(schema: string, t: Trigger): ObjectId[] {
    return [...this.read(schema, 'function-name', t.function), ...this.expression(schema, t.when)];
  }

  rule(schema: string, r: Rule): ObjectId[] {
    return [...this.expression(schema, r.where), ...r.actions.flatMap((a) => this.read(schema, 'rule-action', a))];
  }

  policy(schema: string, p: Policy): ObjectId[] {
    return [...this.expression(schema, p.using), ...this.expression(schema, p.withCheck)];
  }

  constraint(schema: string, c: Constraint): ObjectId[] {
    if (c.type === 'check') return this.expression(schema, c.expression);
    if (c.type === 'exclusion') return this.read(schema, 'exclusion', c.definition);
    if (c.type === 'foreign-key') return [ids.relation(c.references.schema, c.references.table), ids.key(c.references.schema, c.references.table, c.references.columns)];
    return [];
  }

  /** What CREATE TABLE needs: column types and expressions, inline constraints, parents. */
  table(schema: string, t: Table): ObjectId[] {
    const parents = [...(t.partitionOf ? [t.partitionOf] : []), ...(t.inherits ?? [])];
    return [
      ...t.columns.flatMap((c) => this.column(schema, c)),
      ...t.checks.flatMap((c) => this.expression(schema, c.expression)),
      ...t.exclusions.flatMap((x) => this.read(schema, 'exclusion', x.definition)),
      ...parents.flatMap((p) => [ids.relation(p.schema, p.table), ...(t.inherits?.includes(p as { schema: string; table: string }) ? [ids.shape(p.schema, p.table)] : [])]),
    ];
  }

  domain(schema: string, d: Domain): ObjectId[] {
    return [...this.type(schema, d.type), ...this.collation(schema, d.collation), ...this.expression(schema, d.default), ...d.checks.flatMap((c) => this.expression(schema, c.expression))];
  }

  composite(schema: string, t: CompositeType): ObjectId[] {
    return t.attributes.flatMap((a) => [...this.type(schema, a.type), ...this.collation(schema, a.collation)]);
  }

  /** Its argument and state types and its support functions. */
  aggregate(schema: string, a: Aggregate): ObjectId[] {
    const functions = [a.stateFunction, a.finalFunction, a.combineFunction, a.serialFunction, a.deserialFunction,
      a.moving?.stateFunction, a.moving?.inverseFunction, a.moving?.finalFunction];
    return [
      ...this.read(schema, 'routine-arguments', a.arguments.replace(/\bORDER BY\b/i, ',')),
      ...this.type(schema, a.stateType), ...(a.moving ? this.type(schema, a.moving.stateType) : []),
      ...functions.flatMap((f) => this.read(schema, 'function-name', f)),
    ];
  }

  range(schema: string, r: RangeType): ObjectId[] {
    return [
      ...this.type(schema, r.subtype), ...this.collation(schema, r.collation),
      ...this.read(schema, 'function-name', r.canonical), ...this.read(schema, 'function-name', r.subtypeDiff),
    ];
  }
}

