import { Flags } from '@oclif/core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonFile } from '../json-file.js';

/** --state-dir, for every command that records a snapshot. */
export const stateDirFlag = Flags.string({ summary: 'Where to write the snapshot file.', default: 'state' });

/** The snapshot an apply recorded, also as a file for the repository: state/0007-<plan id>.json. Returns its path. */
export async function writeSnapshotFile(dir: string, snapshot: { id: number }, planId: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${String(snapshot.id).padStart(4, '0')}-${planId}.json`);
  await writeJsonFile(file, snapshot);
  return file;
}
