/**
 * Names of the things a step can make exist or stop existing, in the
 * namespaces PostgreSQL keeps: relations (tables, views, sequences, indexes,
 * composite types' rows) share one, types another, routines are matched by
 * name (every overload at once). A collision between two names only adds an
 * ordering edge.
 */
export type ObjectId = string;

const SEP = '\u0001';
const make = (kind: string, ...parts: string[]): ObjectId => [kind, ...parts].join(SEP);

export const ids = {
  schema: (schema: string) => make('schema', schema),
  extension: (name: string) => make('extension', name),
  relation: (schema: string, name: string) => make('relation', schema, name),
  /** A table's or view's set of columns in its final form: what views and SQL-standard bodies read. */
  shape: (schema: string, name: string) => make('shape', schema, name),
  type: (schema: string, name: string) => make('type', schema, name),
  routine: (schema: string, name: string) => make('routine', schema, name),
  collation: (schema: string, name: string) => make('collation', schema, name),
  textSearchDictionary: (schema: string, name: string) => make('ts-dictionary', schema, name),
  textSearchConfiguration: (schema: string, name: string) => make('ts-configuration', schema, name),
  column: (schema: string, table: string, column: string) => make('column', schema, table, column),
  constraint: (schema: string, table: string, name: string) => make('constraint', schema, table, name),
  /** A primary key, unique constraint or unique index over exactly these columns: what a foreign key points at. */
  key: (schema: string, table: string, columns: readonly string[]) => make('key', schema, table, ...[...columns].sort()),
  /** A column's default expression (what depends on a routine or sequence it calls). */
  default: (schema: string, table: string, column: string) => make('default', schema, table, column),
  trigger: (schema: string, table: string, name: string) => make('trigger', schema, table, name),
  rule: (schema: string, table: string, name: string) => make('rule', schema, table, name),
  policy: (schema: string, table: string, name: string) => make('policy', schema, table, name),
  /** A table's rows as a rollback restores them. */
  rows: (schema: string, table: string) => make('rows', schema, table),
  /** A column's values as a rollback restores them. */
  values: (schema: string, table: string, column: string) => make('values', schema, table, column),
};

/** The object's own name (the last part), which is what SQL text spells. */
export const bareName = (id: ObjectId): string => id.slice(id.lastIndexOf(SEP) + 1);

/** The namespace of an id: relation, type, routine ... */
export const kindOf = (id: ObjectId): string => id.slice(0, id.indexOf(SEP));
