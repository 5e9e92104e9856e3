import { fieldsOf, nodeKind, parseSql, type Node } from '../sql/parser.js';
import { shapeTemplate, type SqlShape } from '../validate/sql-shapes.js';
import { quoteIdent } from '../sql/quote.js';

/**
 * The objects a piece of SQL text names, read from PostgreSQL's own parse
 * tree: functions called, relations read, types cast to or declared,
 * collations. Names are as PostgreSQL folds them (unquoted ones in
 * lower case) and unresolved: the caller knows the search path.
 *
 * This stands in for pg_depend where there is no catalog yet (the objects
 * a plan is about to create). Overloads are not resolved, so a name stands
 * for every routine of that name: an extra ordering edge, never a missing one.
 */
export interface References {
  functions: QualifiedName[];
  relations: QualifiedName[];
  types: QualifiedName[];
  collations: QualifiedName[];
  /** Named by a string cast to regconfig: to_tsvector('english'::regconfig, body). */
  textSearchConfigurations: QualifiedName[];
}

/** One or two parts: [name] or [schema, name]. */
export type QualifiedName = string[];

export type ReferenceShape = Extract<SqlShape, 'expression' | 'type' | 'query' | 'exclusion' | 'routine-arguments' | 'routine-result' | 'routine-body' | 'function-name' | 'rule-action'>;

export const noReferences = (): References => ({ functions: [], relations: [], types: [], collations: [], textSearchConfigurations: [] });

const cache = new Map<string, References>();

/**
 * What `text` (of `shape`) names. Text the parser refuses names nothing
 * here: validation reports it, and the plan's probe or apply fails on it.
 */
export function referencesIn(shape: ReferenceShape, text: string): References {
  const key = `${shape}\u0000${text}`;
  const known = cache.get(key);
  if (known) return known;
  const parsed = parseSql(shapeTemplate(shape, text));
  const refs = noReferences();
  if (parsed.ok && parsed.statements[0]) collect(rootOf(shape, parsed.statements[0].stmt), refs);
  cache.set(key, refs);
  return refs;
}

/** The part of the template's statement that is the text (not the template's own names). */
function rootOf(shape: ReferenceShape, statement: Node): unknown {
  if (shape === 'query') return fieldsOf(statement, 'ViewStmt')?.query;
  if (shape === 'rule-action') return fieldsOf(statement, 'RuleStmt')?.actions;
  if (shape === 'exclusion') return fieldsOf(statement, 'AlterTableStmt')?.cmds;
  if (shape === 'function-name') {
    const trigger = fieldsOf(statement, 'CreateTrigStmt');
    return trigger && { FuncCall: { funcname: trigger.funcname } };
  }
  if (shape === 'routine-arguments' || shape === 'routine-result' || shape === 'routine-body') {
    const create = fieldsOf(statement, 'CreateFunctionStmt');
    return create && [create.parameters, create.returnType, create.sql_body];
  }
  return statement;
}

const names = (list: unknown): QualifiedName => ((list as Node[] | undefined) ?? []).flatMap((n) => {
  const sval = fieldsOf(n, 'String')?.sval;
  return typeof sval === 'string' ? [sval] : [];
});

/** Fields that can only hold one kind of node (typeName, argType, relation ...) hold it unwrapped. */
function unwrappedKind(fields: Node): string {
  if (Array.isArray(fields.names) && 'typemod' in fields) return 'TypeName';
  if (typeof fields.relname === 'string' && 'relpersistence' in fields) return 'RangeVar';
  return '';
}

function collect(node: unknown, refs: References): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, refs);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const [name, fields] = nodeKind(node) ?? [unwrappedKind(node as Node), node as Record<string, unknown>];
  switch (name) {
    case 'FuncCall': refs.functions.push(names(fields.funcname)); break;
    case 'RangeVar':
      refs.relations.push([...(typeof fields.schemaname === 'string' ? [fields.schemaname] : []), String(fields.relname)]);
      break;
    case 'TypeName': refs.types.push(names(fields.names)); break;
    case 'CollateClause': refs.collations.push(names(fields.collname)); break;
    case 'TypeCast': {
      // nextval('s'::regclass): the relation is named by a string.
      const type = names((fields.typeName as { names?: unknown } | undefined)?.names).at(-1);
      const literal = (fieldsOf(fields.arg, 'A_Const')?.sval as { sval?: string } | undefined)?.sval;
      if (type === 'regclass' && literal !== undefined) refs.relations.push(splitQualified(literal));
      if (type === 'regconfig' && literal !== undefined) refs.textSearchConfigurations.push(splitQualified(literal));
      break;
    }
  }
  for (const value of Object.values(fields)) if (value !== null && typeof value === 'object') collect(value, refs);
}

/** A name as the file writes it in SQL (`public.my_dict`, `"My Dict"`), split and each part quoted again. */
export const requoted = (name: string): string => splitQualified(name).map(quoteIdent).join('.');

/** `schema.name`, `"My Schema"."My Name"` or `name`, as PostgreSQL reads a regclass literal. */
export function splitQualified(text: string): QualifiedName {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*(\.|$)/gy;
  for (let m = pattern.exec(text); m && m[0] !== ''; m = pattern.exec(text)) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
    if (m[3] === '') break;
  }
  return parts.slice(-2);
}

/**
 * Whether `text` could name any of `names` at all, from its words alone:
 * most texts name nothing the plan creates or drops, and need no parse.
 */
export function mayName(text: string, wanted: ReadonlySet<string>): boolean {
  if (wanted.size === 0) return false;
  for (const m of text.matchAll(/"((?:[^"]|"")*)"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/g)) {
    const word = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[0].toLowerCase();
    if (wanted.has(word)) return true;
  }
  return false;
}
