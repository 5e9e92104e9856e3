/**
 * Offline spelling of built-in type names the way format_type() prints them.
 *
 * This is only a shortcut: anything not recognised here is left as written and
 * normalised by PostgreSQL itself (see probe.ts). Getting the common names
 * right offline keeps a no-change plan free of server round trips.
 */

const simple: Record<string, string> = {
  int: 'integer', int4: 'integer', integer: 'integer',
  int8: 'bigint', bigint: 'bigint',
  int2: 'smallint', smallint: 'smallint',
  bool: 'boolean', boolean: 'boolean',
  text: 'text', uuid: 'uuid', bytea: 'bytea', date: 'date', json: 'json', jsonb: 'jsonb',
  inet: 'inet', cidr: 'cidr', macaddr: 'macaddr', money: 'money', xml: 'xml', interval: 'interval',
  float8: 'double precision', 'double precision': 'double precision', float: 'double precision',
  float4: 'real', real: 'real',
  numeric: 'numeric', decimal: 'numeric',
  varchar: 'character varying', 'character varying': 'character varying',
  char: 'character(1)', character: 'character(1)', bpchar: 'bpchar',
  timestamptz: 'timestamp with time zone', 'timestamp with time zone': 'timestamp with time zone',
  timestamp: 'timestamp without time zone', 'timestamp without time zone': 'timestamp without time zone',
  timetz: 'time with time zone', 'time with time zone': 'time with time zone',
  time: 'time without time zone', 'time without time zone': 'time without time zone',
  tsvector: 'tsvector', tsquery: 'tsquery', citext: 'citext', oid: 'oid', point: 'point',
};

const withModifier: Record<string, string> = {
  varchar: 'character varying', 'character varying': 'character varying',
  char: 'character', character: 'character',
  numeric: 'numeric', decimal: 'numeric',
  bit: 'bit', varbit: 'bit varying', 'bit varying': 'bit varying',
};

const precisionTypes: Record<string, [string, string]> = {
  timestamptz: ['timestamp', 'with time zone'],
  timestamp: ['timestamp', 'without time zone'],
  timetz: ['time', 'with time zone'],
  time: ['time', 'without time zone'],
};

export interface UserTypeResolver {
  /** The display name of a user type visible from `schema`, or undefined if unknown. */
  (schema: string, name: string): string | undefined;
}

/** Best offline guess at format_type()'s spelling; returns the input when unsure. */
export function canonicalTypeName(written: string, schema: string, resolveUserType: UserTypeResolver): string {
  const trimmed = written.trim().replace(/\s+/g, ' ');
  const array = /^(.*?)((?:\s*\[\s*\d*\s*\])+)$/.exec(trimmed);
  if (array) {
    const dims = (array[2]!.match(/\[/g) ?? []).length;
    return canonicalTypeName(array[1]!, schema, resolveUserType) + '[]'.repeat(dims);
  }
  const lower = trimmed.toLowerCase();
  if (simple[lower]) return simple[lower]!;

  const modifier = /^([a-z ]+?)\s*\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)$/.exec(lower);
  if (modifier && withModifier[modifier[1]!]) {
    const args = modifier[3] === undefined ? modifier[2] : `${modifier[2]},${modifier[3]}`;
    return `${withModifier[modifier[1]!]}(${args})`;
  }
  const precision = /^(timestamptz|timestamp|timetz|time)\s*\(\s*(\d+)\s*\)(?:\s+(with|without) time zone)?$/.exec(lower);
  if (precision) {
    const [base, defaultZone] = precisionTypes[precision[1]!]!;
    const zone = precision[3] ? `${precision[3]} time zone` : defaultZone;
    return `${base}(${precision[2]}) ${zone}`;
  }

  const identifier = /^(?:([a-z_][a-z0-9_$]*)\.)?([a-z_][a-z0-9_$]*)$/.exec(trimmed);
  if (identifier) {
    const resolved = resolveUserType(identifier[1] ?? schema, identifier[2]!);
    if (resolved) return resolved;
  }
  return trimmed;
}

/**
 * An identifier as PostgreSQL prints it (quote_ident): bare when it is a
 * plain lower-case name, double-quoted otherwise. Keywords are not known
 * here; a mismatch only costs a probe.
 */
export function displayIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** How format_type() shows a user type when the session's search_path is `public`. */
export function displayUserType(schema: string, name: string): string {
  return schema === 'public' ? displayIdentifier(name) : `${displayIdentifier(schema)}.${displayIdentifier(name)}`;
}
