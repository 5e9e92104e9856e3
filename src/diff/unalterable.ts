import type { Change } from './changes.js';
import { deepEqual as same } from '../model/canonical.js';

/**
 * Objects PostgreSQL cannot alter beyond their comment: created, dropped,
 * or dropped and created again (`rebuild`) when any other field differs.
 */
export function diffUnalterable<T extends { name: string; comment?: string; grants?: unknown }>(
  from: T[], to: T[], make: { create: (o: T) => Change; drop: (o: T, rebuild: boolean) => Change; comment: (o: T) => Change },
  key: (o: T) => string = (o) => o.name,
): Change[] {
  const changes: Change[] = [];
  const before = new Map(from.map((o) => [key(o), o]));
  const definition = (o: T) => ({ ...o, comment: undefined, grants: undefined });
  for (const o of to) {
    const previous = before.get(key(o));
    if (!previous) changes.push(make.create(o));
    else if (!same(definition(previous), definition(o))) changes.push(make.drop(previous, true), make.create(o));
    else if (previous.comment !== o.comment) changes.push(make.comment(o));
  }
  const after = new Set(to.map(key));
  for (const o of from) if (!after.has(key(o))) changes.push(make.drop(o, false));
  return changes;
}
