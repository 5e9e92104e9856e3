import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlanRefusedError, SchemaformError } from '../errors.js';
import { jsonChunks, writeTextPieces } from '../json-file.js';
import { validatorFor } from '../validators.js';
import { compactJsonPieces, planIntact } from './checksum.js';
import type { ExecutablePlan, Plan } from './types.js';

/**
 * Indented where people read (envelope, steps), one line per model where
 * they do not: a 5,000-table model pretty-printed is tens of megabytes.
 */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const compact: Record<string, unknown> = { objects: plan.source.objects, source: plan.source.model, desired: plan.desired.model };
  const placeholder = (name: string) => `\u0000${name}\u0000`;
  const envelope = {
    ...plan,
    source: { ...plan.source, objects: placeholder('objects'), model: placeholder('source') },
    desired: { ...plan.desired, model: placeholder('desired') },
  };
  // Steps one at a time (plan → steps → step), each model a table at a time where its placeholder stands.
  await writeTextPieces(path, (function* () {
    for (const piece of jsonChunks(envelope, { space: 2, splitDepth: 2 })) {
      const name = /^"\\u0000(\w+)\\u0000"$/.exec(piece)?.[1];
      if (name) yield* compactJsonPieces(compact[name]);
      else yield piece;
    }
    yield '\n';
  })());
}

/**
 * Read a plan and prove it is the one that was reviewed: it must match the
 * plan format and its checksum must match its content.
 */
export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new SchemaformError(`plan file not found: ${path}`, { hint: 'Run `schema plan` first; it prints the path of the plan it writes.' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PlanRefusedError('invalid', `${path} is not valid JSON: ${(e as Error).message}`, { hint: 'Plan files are written by `schema plan`; make a new one rather than editing it.' });
  }
  if (typeof data === 'object' && data !== null && (data as { formatVersion?: unknown }).formatVersion === 1) {
    throw new PlanRefusedError('invalid', `${path} was written by an earlier schemaform (plan format 1, without execution units); this version applies format 2`, { hint: 'Make a new plan with `schema plan`: it plans the same change again.' });
  }
  const validate = validatorFor('plan');
  if (!validate(data)) {
    const e = validate.errors![0]!;
    throw new PlanRefusedError('invalid', `${path} is not a schemaform plan: ${e.instancePath || 'the document'} ${e.message}`, { hint: 'Make a new plan with `schema plan`.' });
  }
  const plan = data as Plan;
  if (!planIntact(plan)) {
    throw new PlanRefusedError('edited', `${path} was changed after it was planned (checksum mismatch); refusing to apply it`, {
      hint: 'Plans must be applied exactly as reviewed. Change schema.yaml instead and run `schema plan` again.',
    });
  }
  return plan;
}

/** The plan without its models, so that an apply does not carry them. */
export function executablePart(plan: Plan): ExecutablePlan {
  const { model: _source, ...source } = plan.source;
  const { model: _desired, ...desired } = plan.desired;
  return { ...plan, source, desired };
}
