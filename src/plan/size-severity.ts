import { blocksWrites } from './locks.js';
import type { Hazard, PlanStep } from './types.js';
import { relationOfKey } from '../model/names.js';

/** When a table counts as big: a step that blocks its writes while it reads or rewrites its rows is then a high hazard. */
export interface BigTable {
  rows: number;
  bytes: number;
}

/** 1,000,000 rows or 1 GiB, unless SCHEMAFORM_BIG_TABLE_ROWS / SCHEMAFORM_BIG_TABLE_BYTES say otherwise. */
export function bigTableThresholds(env: NodeJS.ProcessEnv = process.env): BigTable {
  const number = (value: string | undefined, fallback: number) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback);
  return { rows: number(env.SCHEMAFORM_BIG_TABLE_ROWS, 1_000_000), bytes: number(env.SCHEMAFORM_BIG_TABLE_BYTES, 2 ** 30) };
}

/**
 * A map by tableKey as the relations steps' locks name: where two tables
 * print alike ("c"."a.b" and "c.a"."b" both as c.a.b), the larger value, so
 * a lock on either is judged as severely as the bigger one deserves.
 */
export function byRelation(byKey: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of byKey) {
    const relation = relationOfKey(key);
    out.set(relation, Math.max(out.get(relation) ?? value, value));
  }
  return out;
}

/**
 * Severity from the live statistics: a step that holds a lock blocking
 * writes on a big table while it rewrites or reads every row makes its
 * rewrite and scan hazards high, whatever the kind of change. Online forms
 * (a validation, a concurrent build) do not block writes and keep theirs.
 * `rowEstimates` and `sizes` by the relation a lock names (see byRelation).
 */
export function withSizeSeverity(step: Omit<PlanStep, 'unit'>, rowEstimates: ReadonlyMap<string, number>, sizes: ReadonlyMap<string, number>, big: BigTable): Hazard[] {
  const blocked = step.locks.filter((l) => blocksWrites(l.mode) && ((rowEstimates.get(l.relation) ?? 0) >= big.rows || (sizes.get(l.relation) ?? 0) >= big.bytes));
  if (blocked.length === 0) return step.hazards;
  return step.hazards.map((h) => (h.code === 'table-rewrite' || h.code === 'full-scan' ? { ...h, severity: 'high' } : h));
}

/** "1.2 GB": a size the way a hazard sentence gives it. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
