// Reads the bundled schemas/ folder from disk: next to dist/ in a build or a package, at the repo root in development.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SchemaData } from '../engine/schema/schema-data';

/** The schemas/ folder nearest above `from` (the running bundle or source file). */
export function findSchemasDirectory(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'index.json'))) return join(dir, 'schemas');
    if (dirname(dir) === dir) throw new Error(`Driftless cannot find its schemas/ folder above ${from}.`);
  }
}

export class SchemaFiles implements SchemaData {
  constructor(private readonly directory: string = findSchemasDirectory()) {}

  readJson(relativePath: string): unknown {
    return JSON.parse(readFileSync(join(this.directory, relativePath), 'utf8'));
  }
}
