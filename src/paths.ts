import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

/** The installed package's root, whether running from dist/ or elsewhere. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readPackageJson(): { name: string; version: string } {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
}

export function jsonSchemaPath(name: 'schema.json' | 'plan.schema.json' | 'project.schema.json'): string {
  return join(packageRoot, 'schemas', name);
}

export const toolVersion: string = readPackageJson().version;
