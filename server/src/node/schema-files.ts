// Reads the bundled schemas/ folder from disk: next to dist/ in a build or a package, at the repo root in development.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RecordFile, SchemaData } from '../engine/schema/schema-data';

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

  readRecords(relativePath: string): RecordFile {
    return new RecordBytes(readFileSync(join(this.directory, relativePath)));
  }
}

/** `<key>\t<text>` lines kept as bytes: an index of where each line is, and UTF-8 decoding of a line on request. */
class RecordBytes implements RecordFile {
  private readonly where = new Map<string, [number, number]>();

  constructor(private readonly bytes: Buffer) {
    for (let start = 0; start < bytes.length;) {
      let end = bytes.indexOf(10, start);
      if (end === -1) end = bytes.length;
      const tab = bytes.indexOf(9, start);
      if (tab !== -1 && tab < end) this.where.set(bytes.toString('latin1', start, tab), [tab + 1, end]);
      start = end + 1;
    }
  }

  get(key: string): string | undefined {
    const span = this.where.get(key);
    return span ? this.bytes.toString('utf8', span[0], span[1]) : undefined;
  }
}
