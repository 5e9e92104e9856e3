import type { Change } from '../diff/changes.js';
import { SchemaformError } from '../errors.js';
import type { Model } from '../model/types.js';
import type { LiveDependent } from './facts.js';
import { effectsOf, structuralEffects, type Effects } from './effects.js';
import { bareName, kindOf, type ObjectId } from './ids.js';
import { References } from './object-references.js';
import { rules, type EdgeRule, type GraphContext } from './rules.js';
import { stableTopologicalSort, type Edge } from './sort.js';

export interface OrderOptions {
  /** The live schema, for rules that need a fact about it (which tables inherit from which). */
  live?: Model;
  /** What in the live database depends on what the changes drop or rewrite. */
  dependents?: readonly LiveDependent[];
  /** How a step reads in an error. */
  describe?: (change: Change) => string;
  /** The rules to order by; all of them unless a test says otherwise. */
  rules?: readonly EdgeRule[];
}

export interface DependencyGraph {
  steps: Change[];
  effects: Effects[];
  edges: Edge[];
}

/**
 * The order to run changes in: a graph whose vertices are the steps and
 * whose edges come from the rules in rules.ts, sorted so that every edge
 * holds and, where the edges leave a choice, the differ's order is kept.
 * A cycle is an error that names its steps, before any plan is written.
 */
export function orderChanges(changes: readonly Change[], options: OrderOptions = {}): Change[] {
  const graph = dependencyGraph(changes, options);
  const sorted = stableTopologicalSort(graph.steps.length, graph.edges);
  if (!sorted.ok) throw cycleError(graph.steps, sorted.cycle, options);
  return sorted.order.map((i) => graph.steps[i]!);
}

export function dependencyGraph(changes: readonly Change[], options: OrderOptions = {}): DependencyGraph {
  const steps = changes.flatMap(breakKnownCycles);
  const structural = steps.map(structuralEffects);
  const refs = new References(namesTouched(structural));
  const effects = steps.map((c) => effectsOf(c, refs));
  const ctx: GraphContext = { steps, effects, ...(options.live && { live: options.live }), dependents: options.dependents ?? [], creators: indexBy(effects, 'creates'), destroyers: indexBy(effects, 'destroys') };
  const edges: Edge[] = [];
  for (const rule of options.rules ?? rules) for (const [before, after] of rule.edges(ctx)) edges.push({ before, after, rule: rule.name });
  return { steps, effects, edges };
}

/**
 * Cycles every plan of a kind would have, broken the same way each time:
 * a sequence owned by a column that uses it in its default is created
 * unowned, and owned once the column exists.
 */
function breakKnownCycles(change: Change): Change[] {
  if (change.kind === 'create-sequence' && change.sequence.ownedBy) {
    const { ownedBy: _owner, ...unowned } = change.sequence;
    return [{ ...change, sequence: unowned }, { kind: 'alter-sequence', schema: change.schema, from: unowned, to: change.sequence }];
  }
  return [change];
}

/** Names of what the plan creates or drops: only texts spelling one of them can give an edge. */
function namesTouched(effects: ReadonlyArray<Pick<Effects, 'creates' | 'destroys'>>): Set<string> {
  const named = new Set(['relation', 'shape', 'type', 'routine', 'collation']);
  const out = new Set<string>();
  for (const e of effects) for (const id of [...e.creates, ...e.destroys]) if (named.has(kindOf(id))) out.add(bareName(id));
  return out;
}

function indexBy(effects: readonly Effects[], field: 'creates' | 'destroys'): Map<ObjectId, number[]> {
  const out = new Map<ObjectId, number[]>();
  effects.forEach((e, i) => {
    for (const id of e[field]) {
      const list = out.get(id);
      if (list) { if (list.at(-1) !== i) list.push(i); } else out.set(id, [i]);
    }
  });
  return out;
}

function cycleError(steps: readonly Change[], cycle: readonly Edge[], options: OrderOptions): SchemaformError {
  const describe = options.describe ?? ((c: Change) => c.kind);
  const because = new Map((options.rules ?? rules).map((r) => [r.name, r.because]));
  return new SchemaformError(`the plan's steps depend on each other in a circle, so no order can run them; no plan was written`, {
    details: cycle.map((e) => `"${describe(steps[e.before]!)}" must run before "${describe(steps[e.after]!)}": ${because.get(e.rule) ?? e.rule} (${e.rule})`),
    hint: 'Split the change across two plans (e.g. create the routine or table first, then what uses it), or break the circle in the file (a default or check that calls a routine reading the same table).',
  });
}
