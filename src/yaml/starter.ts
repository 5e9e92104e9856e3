import { packageRoot } from '../paths.js';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Path to the JSON Schema for the editor hint line of a file written at
 * `file`: the YAML language server resolves it from the file's directory.
 * Without a file (YAML printed to stdout), from the working directory.
 */
export function schemaReference(file?: string): string {
  const from = file === undefined ? process.cwd() : dirname(resolve(file));
  const ref = relative(from, join(packageRoot, 'schemas', 'schema.json')).split(sep).join('/');
  return ref.startsWith('.') || ref.startsWith('/') ? ref : `./${ref}`;
}

/** A small, valid schema that shows the main features, to be written at `file`. */
export function starterSchema(file?: string): string {
  return `# yaml-language-server: $schema=${schemaReference(file)}
# The PostgreSQL schema this application wants. \`schema plan\` compares it with
# the database and writes the steps to get there; \`schema apply\` runs them.
schemas:
  public:
    enums:
      account_status: [active, suspended]
    tables:
      accounts:
        comment: People who can sign in
        columns:
          id:         { type: bigint, identity: always }
          email:      { type: text, notNull: true }
          status:     { type: account_status, notNull: true, default: "'active'" }
          created_at: { type: timestamptz, notNull: true, default: now() }
        primaryKey: [id]
        unique:
          accounts_email_key: { columns: [email] }
        checks:
          accounts_email_not_blank: { expression: "email <> ''" }
`;
}
