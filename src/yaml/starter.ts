import { packageRoot } from '../paths.js';
import { join, relative } from 'node:path';

/** A small, valid schema that shows the main features. */
/** Path from the working directory to the JSON Schema, for the editor hint line. */
export function schemaReference(): string {
  const ref = relative(process.cwd(), join(packageRoot, 'schemas', 'schema.json'));
  return ref.startsWith('.') || ref.startsWith('/') ? ref : `./${ref}`;
}

export function starterSchema(): string {
  return `# yaml-language-server: $schema=${schemaReference()}
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
