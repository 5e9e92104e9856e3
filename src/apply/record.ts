import type { Database } from '../db/database.js';
import { fingerprint } from '../model/objects.js';
import type { Model } from '../model/types.js';
import type { ExecutablePlan, PlanStep } from '../plan/types.js';
import { claimBackups, insertBackup, insertSnapshot, latestSnapshotSummary, type RenameEvent, type Snapshot } from '../state/store.js';
import { abandonApply } from '../state/journal.js';
import { toolVersion } from '../paths.js';
import { readInScope } from '../workflow/scope.js';

/**
 * The snapshot an apply starts from: the latest one, or (on the first
 * apply) a baseline of the live schema, so that it can be rolled back to.
 */
export async function parentSnapshot(db: Database, plan: ExecutablePlan, live: Model | undefined): Promise<{ id: number; baseline: boolean }> {
  const latest = await latestSnapshotSummary(db);
  if (latest) return { id: latest.id, baseline: false };
  if (!live) throw new Error('no snapshot to start from and no live model to record as the baseline');
  const baseline = await insertSnapshot(db, {
    planId: null, kind: 'baseline', parentId: null, fingerprint: plan.source.fingerprint, scope: plan.scope,
    model: live, renames: [], toolVersion,
  });
  return { id: baseline.id, baseline: true };
}

/**
 * Read what the steps made and record it as the plan's snapshot, in the
 * caller's transaction, with the backups its steps took: inserted here by
 * an atomic apply, claimed here by an online one (each unit recorded its
 * own). A rollback of a partial apply marks that apply abandoned with it.
 */
export async function recordSnapshot(db: Database, plan: ExecutablePlan, parentId: number, onPhase?: (phase: string) => void): Promise<Snapshot> {
  onPhase?.('reading the result');
  const after = await readInScope(db, plan.scope);
  onPhase?.('recording the snapshot');
  const snapshot = await insertSnapshot(db, {
    planId: plan.id, kind: plan.kind, parentId, fingerprint: fingerprint(after), scope: plan.scope,
    model: plan.preventDestroy?.length ? { ...after, preventDestroy: plan.preventDestroy } : after, renames: renamesOf(plan.steps), toolVersion,
  });
  if (plan.execution === 'online') await claimBackups(db, plan.id, snapshot.id);
  else await recordBackups(db, plan, plan.steps, snapshot.id);
  if (plan.abandons !== undefined) await abandonApply(db, plan.abandons);
  return snapshot;
}

/** The backups these steps took, for rollback; `snapshotId` null while the apply is not finished. */
export async function recordBackups(db: Database, plan: ExecutablePlan, steps: readonly PlanStep[], snapshotId: number | null): Promise<void> {
  for (const step of steps) {
    const b = step.backup;
    if (!b) continue;
    await insertBackup(db, {
      relation: b.relation, snapshotId, planId: plan.id, step: step.index, kind: b.kind,
      schema: b.schema, table: b.table, column: b.column ?? null, columns: b.columns, key: b.key ?? null,
    });
  }
}

export function renamesOf(steps: readonly PlanStep[]): RenameEvent[] {
  return steps.flatMap((s): RenameEvent[] => {
    const c = s.change;
    if (c.kind === 'rename-schema') return [{ kind: 'schema', schema: c.to, from: c.from, to: c.to }];
    if (c.kind === 'rename-table') return [{ kind: 'table', schema: c.schema, from: c.from, to: c.to }];
    if (c.kind === 'rename-column') return [{ kind: 'column', schema: c.schema, table: c.table, from: c.from, to: c.to }];
    return [];
  });
}
