/**
 * `target.push(...items)` passes every item as an argument, and V8 runs out
 * of stack somewhere past ~100,000 of them: a schema of 150,000 tables
 * failed that way. Lists that grow with the size of a schema use this.
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
