import type { Change } from './changes.js';
import { deepEqual as same } from '../model/canonical.js';

/**
 * How one kind of object changes between two lists of it, matched by key
 * (its name unless said otherwise): created, dropped, altered in place, or
 * dropped and created again (`rebuild`) where PostgreSQL cannot alter it.
 */
export interface KeyedChanges<T> {
  create: (o: T) => Change;
  drop: (o: T, rebuild: boolean) => Change;
  /** Whether going from `previous` to `next` needs the object dropped and created again. */
  rebuilds: (previous: T, next: T) => boolean;
  /** The change that takes `previous` to `next` in place, if anything differs. */
  alter: (previous: T, next: T) => Change | undefined;
  key?: (o: T) => string;
}

export function diffByKey<T extends { name: string }>(from: readonly T[], to: readonly T[], how: KeyedChanges<T>): Change[] {
  const key = how.key ?? ((o: T) => o.name);
  const changes: Change[] = [];
  const before = new Map(from.map((o) => [key(o), o]));
  for (const o of to) {
    const previous = before.get(key(o));
    if (!previous) changes.push(how.create(o));
    else if (how.rebuilds(previous, o)) changes.push(how.drop(previous, true), how.create(o));
    else {
      const alter = how.alter(previous, o);
      if (alter) changes.push(alter);
    }
  }
  const after = new Set(to.map(key));
  for (const o of from) if (!after.has(key(o))) changes.push(how.drop(o, false));
  return changes;
}

/**
 * Objects PostgreSQL cannot alter beyond their comment: created, dropped,
 * or dropped and created again when any other field differs (privileges
 * are compared with every object's, in diff-grants.ts).
 */
export function diffUnalterable<T extends { name: string; comment?: string; grants?: unknown }>(
  from: readonly T[], to: readonly T[], make: { create: (o: T) => Change; drop: (o: T, rebuild: boolean) => Change; comment: (o: T) => Change },
  key?: (o: T) => string,
): Change[] {
  const definition = (o: T) => ({ ...o, comment: undefined, grants: undefined });
  return diffByKey(from, to, {
    create: make.create, drop: make.drop, ...(key && { key }),
    rebuilds: (previous, next) => !same(definition(previous), definition(next)),
    alter: (previous, next) => (previous.comment !== next.comment ? make.comment(next) : undefined),
  });
}
