import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, type ApplyOptions } from '../../src/apply/apply.js';
import type { Database } from '../../src/db/database.js';
import { connectServer } from '../../src/db/server.js';
import type { Plan } from '../../src/plan/types.js';
import { createPlan } from '../../src/workflow/plan.js';
import { loadSchema } from '../../src/yaml/load.js';
import { createTestDatabase } from './databases.js';

export interface TestDb {
  url: string;
  name: string;
  db: Database;
}

/** Run `fn` against a fresh empty database, dropped afterwards. */
export async function withDatabase<T>(fn: (t: TestDb) => Promise<T>): Promise<T> {
  const created = await createTestDatabase();
  const db = await connectServer(created.url);
  try {
    return await fn({ url: created.url, name: created.name, db });
  } finally {
    await db.close();
    await created.drop();
  }
}

export function writeTempYaml(text: string, name = 'schema.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemaform-yaml-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export async function planYaml(db: Database, yaml: string, options: { allowDestructive?: boolean; execution?: Plan['execution'] } = {}): Promise<Plan> {
  const { model } = await loadSchema(writeTempYaml(yaml));
  return createPlan(db, model, options);
}

export async function applyYaml(db: Database, yaml: string, options: ApplyOptions = {}): Promise<Plan> {
  const plan = await planYaml(db, yaml);
  await applyPlan(db, plan, options);
  return plan;
}

export function stepKinds(plan: Plan): string[] {
  return plan.steps.map((s) => s.change.kind);
}
