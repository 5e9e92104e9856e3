import { fieldNames, fieldsOf, nodeKind, parseSql, type Node } from '../sql/parser.js';

/**
 * What each kind of SQL text in a schema file must be, decided by
 * PostgreSQL's own parser. A fragment is put in a statement made for the
 * purpose (a newline on either side, so a `--` comment cannot swallow the
 * closing text), parsed, and the tree must be exactly one statement of the
 * expected shape with the fragment as one node of the expected kind.
 * Anything else (a second statement, an extra clause, a value that would be
 * evaluated) is refused before the text goes anywhere near a server.
 */
export type SqlShape =
  | 'expression' | 'type' | 'query' | 'exclusion' | 'partition-key' | 'partition-bound'
  | 'collation' | 'operator-class' | 'function-name' | 'routine-arguments' | 'routine-result' | 'routine-body' | 'aggregate-arguments' | 'rule-action'
  | 'plan-statement';

interface ShapeRule {
  /** What the text must be, for messages: "a single SQL expression". */
  what: string;
  /** Whether nothing at all is a valid text (an empty argument list). */
  mayBeEmpty?: boolean;
  template: (text: string) => string;
  /** Why the one statement parsed is not of the expected shape, or undefined when it is. */
  refuse: (statement: Node) => string | undefined;
}

const onlyFields = (fields: Record<string, unknown>, allowed: string[]) => {
  const extra = fieldNames(fields).filter((f) => !allowed.includes(f));
  return extra.length ? `it adds ${extra.join(', ')}` : undefined;
};

/** The one target of `SELECT <x>`, with nothing else in the statement. */
function soleTarget(statement: Node): Node | string {
  const select = fieldsOf(statement, 'SelectStmt');
  if (!select) return 'it is not a single value';
  const extra = onlyFields(select, ['targetList', 'limitOption', 'op']);
  if (extra || select.op !== 'SETOP_NONE') return extra ?? 'it is a set operation';
  const targets = select.targetList as Node[];
  if (targets.length !== 1) return `it holds ${targets.length} values`;
  const target = fieldsOf(targets[0], 'ResTarget')!;
  return target.name !== undefined ? 'it names its value' : (target.val as Node);
}

/** Partition bounds are evaluated when the partition is created: only constants are accepted. */
function isConstant(node: unknown): boolean {
  const kind = nodeKind(node);
  if (!kind) return false;
  const [name, fields] = kind;
  if (name === 'A_Const') return true;
  if (name === 'TypeCast') return fieldsOf(fields.arg, 'A_Const') !== undefined && typeIsPlain(fields.typeName as Record<string, unknown>);
  if (name === 'ColumnRef') {
    const parts = fields.fields as Node[];
    const word = parts.length === 1 ? fieldsOf(parts[0], 'String')?.sval : undefined;
    return word === 'minvalue' || word === 'maxvalue';
  }
  return false;
}

/** A type name whose modifiers are constants (PostgreSQL requires that too), not %TYPE. */
function typeIsPlain(typeName: Record<string, unknown>): boolean {
  return typeName.pct_type === undefined && ((typeName.typmods as Node[] | undefined) ?? []).every((m) => fieldsOf(m, 'A_Const') !== undefined);
}

/** The one CREATE FUNCTION parsed, with only `allowed` fields and `options` options (LANGUAGE, AS). */
function soleFunction(statement: Node, allowed: string[], options: number): Record<string, unknown> | string {
  const create = fieldsOf(statement, 'CreateFunctionStmt');
  if (!create) return 'it is not part of a routine';
  const extra = onlyFields(create, ['funcname', 'options', ...allowed]);
  if (extra) return extra;
  return (create.options as Node[]).length !== options ? 'it adds clauses of its own (use the routine\'s fields)' : create;
}

const rules: Record<SqlShape, ShapeRule> = {
  expression: {
    what: 'a single SQL expression',
    template: (t) => `SELECT (\n${t}\n)`,
    refuse: (s) => {
      const value = soleTarget(s);
      return typeof value === 'string' ? value : undefined;
    },
  },
  type: {
    what: 'a type name',
    template: (t) => `SELECT CAST(NULL AS\n${t}\n)`,
    refuse: (s) => {
      const value = soleTarget(s);
      if (typeof value === 'string') return value;
      const cast = fieldsOf(value, 'TypeCast');
      if (!cast || fieldsOf(cast.arg, 'A_Const')?.isnull !== true) return 'it is not a type name';
      return typeIsPlain(cast.typeName as Record<string, unknown>) ? undefined : 'its modifiers are not constants';
    },
  },
  query: {
    what: 'a single query (SELECT, VALUES or a set operation of them)',
    template: (t) => `CREATE VIEW v AS\n${t}\n`,
    refuse: (s) => {
      const view = fieldsOf(s, 'ViewStmt');
      if (!view) return 'it is not a query';
      if (view.withCheckOption !== 'NO_CHECK_OPTION') return 'it adds a CHECK OPTION (use the view\'s options)';
      const select = fieldsOf(view.query, 'SelectStmt');
      if (!select) return 'it is not a query';
      return select.intoClause !== undefined ? 'it selects INTO a table' : onlyFields(view, ['view', 'query', 'withCheckOption']);
    },
  },
  exclusion: {
    what: 'one EXCLUDE constraint',
    template: (t) => `ALTER TABLE t ADD\n${t}\n`,
    refuse: (s) => {
      const alter = fieldsOf(s, 'AlterTableStmt');
      const cmds = (alter?.cmds as Node[] | undefined) ?? [];
      const cmd = cmds.length === 1 ? fieldsOf(cmds[0], 'AlterTableCmd') : undefined;
      const constraint = cmd?.subtype === 'AT_AddConstraint' ? fieldsOf(cmd.def, 'Constraint') : undefined;
      if (!constraint || constraint.contype !== 'CONSTR_EXCLUSION') return 'it is not one EXCLUDE constraint';
      return constraint.conname !== undefined ? 'it names the constraint (the key in the file is its name)' : undefined;
    },
  },
  'partition-key': {
    what: 'a partition key, such as range (created_at)',
    template: (t) => `CREATE TABLE t () PARTITION BY\n${t}\n`,
    refuse: (s) => {
      const create = fieldsOf(s, 'CreateStmt');
      return !create?.partspec ? 'it is not a partition key' : onlyFields(create, ['relation', 'partspec', 'oncommit']);
    },
  },
  'partition-bound': {
    what: 'a partition bound of constants (FROM (...) TO (...), IN (...), WITH (MODULUS m, REMAINDER r) or DEFAULT)',
    template: (t) => `CREATE TABLE t PARTITION OF p\n${t}\n`,
    refuse: (s) => {
      const create = fieldsOf(s, 'CreateStmt');
      const bound = create?.partbound as Record<string, unknown> | undefined;
      if (!create || !bound) return 'it is not a partition bound';
      const datums = ['lowerdatums', 'upperdatums', 'listdatums'].flatMap((k) => (bound[k] as Node[] | undefined) ?? []);
      if (!datums.every(isConstant)) return 'it computes a value, and PostgreSQL evaluates bounds when it creates the partition: use literals, MINVALUE or MAXVALUE';
      return onlyFields(create, ['relation', 'inhRelations', 'partbound', 'oncommit']);
    },
  },
  collation: {
    what: 'a collation name',
    template: (t) => `SELECT NULL COLLATE\n${t}\n`,
    refuse: (s) => {
      const value = soleTarget(s);
      if (typeof value === 'string') return value;
      const collate = fieldsOf(value, 'CollateClause');
      return collate && fieldsOf(collate.arg, 'A_Const')?.isnull === true ? undefined : 'it is not a collation name';
    },
  },
  'operator-class': {
    what: 'an operator class, such as gist_trgm_ops(siglen = 32)',
    template: (t) => `CREATE INDEX i ON t (c\n${t}\n)`,
    refuse: (s) => {
      const index = fieldsOf(s, 'IndexStmt');
      const params = (index?.indexParams as Node[] | undefined) ?? [];
      const elem = params.length === 1 ? fieldsOf(params[0], 'IndexElem') : undefined;
      if (!index || !elem?.opclass) return 'it is not an operator class';
      if (elem.ordering !== 'SORTBY_DEFAULT' || elem.nulls_ordering !== 'SORTBY_NULLS_DEFAULT' || elem.collation !== undefined) {
        return 'it adds an order or a collation (use the key\'s order, nulls and collation)';
      }
      return onlyFields(index, ['idxname', 'relation', 'accessMethod', 'indexParams']);
    },
  },
  'function-name': {
    what: 'a function name, optionally schema-qualified',
    template: (t) => `CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION\n${t}\n()`,
    refuse: (s) => {
      const trigger = fieldsOf(s, 'CreateTrigStmt');
      if (!trigger || (trigger.funcname as Node[]).length > 2) return 'it is not a function name';
      return trigger.args !== undefined ? 'it passes arguments (use the trigger\'s arguments)' : undefined;
    },
  },
  'routine-arguments': {
    what: 'an argument list, such as (a integer, b text DEFAULT \'x\')',
    mayBeEmpty: true,
    template: (t) => `CREATE FUNCTION f(\n${t}\n) LANGUAGE sql AS ''`,
    refuse: (s) => {
      const create = soleFunction(s, ['parameters'], 2);
      return typeof create === 'string' ? create : undefined;
    },
  },
  'aggregate-arguments': {
    what: 'an aggregate\'s argument list, such as integer, or double precision ORDER BY double precision',
    mayBeEmpty: true,
    template: (t) => `CREATE AGGREGATE a(\n${t}\n) (SFUNC = f, STYPE = integer)`,
    refuse: (s) => {
      const define = fieldsOf(s, 'DefineStmt');
      if (!define || define.kind !== 'OBJECT_AGGREGATE') return 'it is not an aggregate\'s argument list';
      const extra = onlyFields(define, ['kind', 'defnames', 'args', 'definition']);
      if (extra) return extra;
      return (define.definition as Node[]).length !== 2 ? 'it adds options of its own (use the aggregate\'s fields)' : undefined;
    },
  },
  'rule-action': {
    what: 'one command of a rule (INSERT, UPDATE, DELETE, SELECT or NOTIFY), without a semicolon',
    template: (t) => `CREATE RULE r AS ON INSERT TO t DO INSTEAD (\n${t}\n)`,
    refuse: (s) => {
      const rule = fieldsOf(s, 'RuleStmt');
      if (!rule) return 'it is not a rule\'s command';
      const actions = (rule.actions as Node[] | undefined) ?? [];
      if (actions.length !== 1) return actions.length ? `it holds ${actions.length} commands (give each its own entry)` : 'it is empty (leave actions out for DO NOTHING)';
      return onlyFields(rule, ['relation', 'rulename', 'event', 'instead', 'actions']);
    },
  },
  'routine-result': {
    what: 'a result type, such as integer, SETOF text or TABLE (a integer)',
    template: (t) => `CREATE FUNCTION f() RETURNS\n${t}\n LANGUAGE sql AS ''`,
    refuse: (s) => {
      const create = soleFunction(s, ['returnType', 'parameters'], 2);
      if (typeof create === 'string') return create;
      const columns = ((create.parameters as Node[] | undefined) ?? []).every((p) => fieldsOf(p, 'FunctionParameter')?.mode === 'FUNC_PARAM_TABLE');
      return create.returnType !== undefined && columns ? undefined : 'it is not a result type';
    },
  },
  'routine-body': {
    what: 'a SQL-standard body (RETURN expression, or BEGIN ATOMIC ... END)',
    template: (t) => `CREATE FUNCTION f() RETURNS integer LANGUAGE sql\n${t}\n`,
    refuse: (s) => {
      const create = soleFunction(s, ['returnType', 'sql_body'], 1);
      return typeof create === 'string' ? create : create.sql_body === undefined ? 'it is not a SQL-standard body' : undefined;
    },
  },
  // What apply runs: plan files can be edited (and their checksum recomputed), so each statement is checked too.
  'plan-statement': {
    what: 'one statement that leaves the transaction alone',
    template: (t) => t,
    refuse: (s) => (nodeKind(s)?.[0] === 'TransactionStmt' ? 'it controls the transaction (BEGIN, COMMIT, ROLLBACK, SAVEPOINT ...)' : undefined),
  },
};

/** The statement a text of this shape is parsed inside (the text on lines of its own). */
export const shapeTemplate = (shape: SqlShape, text: string): string => rules[shape].template(text);

/** Why `text` is not a `shape`, in PostgreSQL's words where it has them; undefined when it is. */
export function sqlShapeProblem(shape: SqlShape, text: string): string | undefined {
  let seen = verdicts.get(shape);
  if (!seen) verdicts.set(shape, (seen = new Map()));
  if (seen.has(text)) return seen.get(text);
  const verdict = judge(rules[shape], text);
  seen.set(text, verdict);
  return verdict;
}

/** Files repeat the same types and defaults thousands of times: each text is parsed once per shape. */
const verdicts = new Map<SqlShape, Map<string, string | undefined>>();

function judge(rule: ShapeRule, text: string): string | undefined {
  const not = `not ${rule.what}`;
  if (text.trim() === '' && !rule.mayBeEmpty) return `${not}: it is empty`;
  const sql = rule.template(text);
  const parsed = parseSql(sql);
  if (!parsed.ok) return `${not} (PostgreSQL's parser: ${parsed.message})`;
  const [first, ...rest] = parsed.statements;
  if (!first || rest.length) return `${not}: it holds ${parsed.statements.length} statements`;
  const end = first.stmt_len ? (first.stmt_location ?? 0) + first.stmt_len : sql.length;
  if (sql.slice(end).trim() !== '') return `${not}: something follows it (remove the semicolon)`;
  const why = rule.refuse(first.stmt);
  return why === undefined ? undefined : `${not}: ${why}`;
}
