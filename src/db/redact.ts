/**
 * Connection strings carry passwords in three places: the URL's userinfo
 * (`postgres://u:secret@h/db`), its query (`?password=secret`, also
 * `sslpassword`), and libpq's key=value form (`host=h password='se cret'`).
 * Whatever schemaform prints about a connection goes through here.
 */
const SECRET_KEYS = /^(password|sslpassword)$/i;
const KEY_VALUE_SECRET = /\b((?:ssl)?password)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi;

/** The connection as people may see it: every password replaced by ****. */
export function redactConnection(target: string): string {
  const url = asUrl(target);
  if (!url) return target.replace(KEY_VALUE_SECRET, '$1=****');
  if (url.password) url.password = '****';
  for (const key of [...url.searchParams.keys()]) if (SECRET_KEYS.test(key)) url.searchParams.set(key, '****');
  return url.toString().replaceAll('%2A%2A%2A%2A', '****');
}

/** The passwords in a connection string, as written and decoded, to scrub from any message that might repeat them. */
export function connectionSecrets(target: string): string[] {
  const url = asUrl(target);
  const found: string[] = [];
  if (url) {
    if (url.password) found.push(url.password, safeDecode(url.password));
    for (const [key, value] of url.searchParams) if (SECRET_KEYS.test(key) && value) found.push(value, encodeURIComponent(value));
  } else {
    for (const m of target.matchAll(KEY_VALUE_SECRET)) {
      const value = m[2]!;
      found.push(value, value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
    }
  }
  // A one-character password would blank out every occurrence of that character: scrub longer ones only.
  return [...new Set(found)].filter((s) => s.length >= 2);
}

/** `text` with every occurrence of each secret replaced by ****. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.replaceAll(secret, '****');
  return out;
}

/**
 * The connection string without its password, and the password, for a
 * program (pg_dump) that takes the one on its command line, where other
 * users may read it, and the other in its environment (PGPASSWORD).
 */
export function withoutPassword(target: string): { target: string; password?: string } {
  const url = asUrl(target);
  if (!url) {
    const m = /\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(target);
    if (!m) return { target };
    const value = m[1]!;
    return { target: target.replace(m[0], '').trim(), password: value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value };
  }
  const password = url.password ? safeDecode(url.password) : url.searchParams.get('password') ?? undefined;
  url.password = '';
  url.searchParams.delete('password');
  return password === undefined ? { target } : { target: url.toString(), password };
}

function asUrl(target: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return undefined;
  try {
    return new URL(target);
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
