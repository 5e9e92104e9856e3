import assert from 'node:assert/strict';
import { SchemaFileError } from '../../src/errors.js';
import { loadSchema } from '../../src/yaml/load.js';
import { writeTempYaml } from '../harness/workflow.js';

async function problemsOf(yaml: string): Promise<string[]> {
  try {
    await loadSchema(writeTempYaml(yaml));
  } catch (e) {
    assert.ok(e instanceof SchemaFileError, `expected a SchemaFileError, got ${e}`);
    return e.problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  assert.fail('expected the file to be rejected');
}

describe('schema file errors point at file:line:col', () => {
  const cases: Array<{ name: string; yaml: string; expect: RegExp }> = [
    { name: 'syntax error', yaml: 'schemas:\n  public:\n    tables: [\n', expect: /^\d+:\d+: / },
    { name: 'unknown key', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int, nulable: true }\n', expect: /^6:27: unknown key "nulable" .*expected one of: type, notNull/ },
    { name: 'wrong type', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: 5 }\n', expect: /^6:22: .*type must be string \(got number 5\)/ },
    { name: 'bad enum value', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n        foreignKeys:\n          f: { columns: [a], references: { table: t, columns: [a] }, onDelete: explode }\n', expect: /^8:\d+: .*onDelete must be one of/ },
    { name: 'unknown column in index', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n        indexes:\n          t_idx: { columns: [b] }\n', expect: /^8:\d+: index "t_idx" uses column "b"/ },
    { name: 'foreign key to a missing table', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n        foreignKeys:\n          f: { columns: [a], references: { table: nope, columns: [id] } }\n', expect: /references table "public.nope"/ },
    { name: 'duplicate relation name', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n        indexes:\n          u: { columns: [a] }\n      u:\n        columns:\n          a: { type: int }\n', expect: /same name as/ },
    { name: 'name over 63 bytes', yaml: `schemas:\n  public:\n    tables:\n      ${'é'.repeat(40)}:\n        columns:\n          a: { type: int }\n`, expect: /80 bytes; PostgreSQL truncates/ },
    { name: 'duplicate key', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n          a: { type: text }\n', expect: /^7:\d+: .*[Uu]nique/ },
    { name: 'serial type', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: bigserial }\n', expect: /identity: by default/ },
    { name: 'unquoted comma in a type', yaml: 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: numeric(10,2) }\n', expect: /must be quoted/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const problems = await problemsOf(c.yaml);
      assert.ok(problems.some((p) => c.expect.test(p)), problems.join('\n'));
    });
  }

  it('reports the file name in the message', async () => {
    const file = writeTempYaml('schemas: { public: { tables: { t: { colums: {} } } } }\n');
    await assert.rejects(loadSchema(file), (e: Error) => e.message.includes('schema.yaml:1:'));
  });

  it('merges a directory and refuses a table declared twice', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'schemaform-dir-'));
    writeFileSync(join(dir, 'a.yaml'), 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          a: { type: int }\n');
    writeFileSync(join(dir, 'b.yaml'), 'schemas:\n  public:\n    tables:\n      u:\n        columns:\n          a: { type: int }\n');
    const { model } = await loadSchema(dir);
    assert.deepEqual(model.schemas[0]!.tables.map((t) => t.name), ['t', 'u']);
    writeFileSync(join(dir, 'c.yaml'), 'schemas:\n  public:\n    tables:\n      t:\n        columns:\n          b: { type: int }\n');
    await assert.rejects(loadSchema(dir), /already declared at .*a\.yaml:4/);
  });
});
