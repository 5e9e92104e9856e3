import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { locateRefusals } from '../../src/yaml/locate-refusals.js';
import { writeTempYaml } from '../harness/workflow.js';

const file = `schemas:
  app:
    tables:
      t:
        columns:
          a: { type: integer, default: "lower(b)" }
          b: { type: text }
        checks:
          t_check: { expression: "a > 0 AND b <> 'x'" }
    functions:
      "f(n integer)": { returns: integer, language: sql, body: "SELECT n" }
      "f(s text)": { returns: txet, language: sql, body: "SELECT s" }
    views:
      v:
        query: "SELECT \\"a\\" FROM t"
`;

describe('pointing a refused statement at the file', () => {
  const path = writeTempYaml(file);
  const locate = (refusal: Parameters<typeof locateRefusals>[1][number]) => locateRefusals([path], [refusal], dirname(path)).then(([p]) => `${p!.line}:${p!.column}: ${p!.message}`);

  it('points at the character PostgreSQL names, inside the value that holds it', async () => {
    const statement = 'ALTER TABLE "app"."t" ADD CONSTRAINT "t_check" CHECK (a > 0 AND b <> \'x\')';
    assert.equal(await locate({ object: { type: 'table', schema: 'app', name: 't' }, statement, message: 'boom', position: statement.indexOf('b <>') + 1 }), '9:45: boom (table app.t)');
  });

  it('picks the shortest text that covers it: the default, not a longer text around it', async () => {
    const statement = 'CREATE TABLE "app"."t" ("a" integer DEFAULT lower(b), "b" text)';
    assert.equal(await locate({ object: { type: 'table', schema: 'app', name: 't' }, step: { index: 1, description: 'create table app.t' }, statement, message: 'no', position: statement.indexOf('lower') + 1 }), '6:41: no (step 1 (create table app.t))');
  });

  it('finds the overload by name among routines the file keys by signature', async () => {
    const statement = 'CREATE FUNCTION "app"."f"(s text) RETURNS txet LANGUAGE sql AS $$SELECT s$$';
    assert.equal(await locate({ object: { type: 'function', schema: 'app', name: 'f(s text)' }, statement, message: 'type "txet" does not exist', position: statement.indexOf('txet') + 1 }), '12:31: type "txet" does not exist (function app.f(s text))');
  });

  it('points at the value\'s start when the file spells it with escapes', async () => {
    const statement = 'CREATE VIEW "app"."v" AS SELECT "a" FROM t';
    assert.equal(await locate({ object: { type: 'view', schema: 'app', name: 'v' }, statement, message: 'm', position: statement.indexOf('t', 35) + 1 }), '15:16: m (view app.v)');
  });

  it('without a position, points at the one part the statement names, else the object', async () => {
    const object = { type: 'table' as const, schema: 'app', name: 't' };
    assert.equal(await locate({ object, statement: 'ALTER TABLE "app"."t" ADD COLUMN "b" text', message: 'm' }), '7:14: m (table app.t)');
    assert.equal(await locate({ object, statement: 'CREATE TABLE "app"."t" ("a" integer, "b" text)', message: 'm' }), '5:9: m (table app.t)');
  });
});
