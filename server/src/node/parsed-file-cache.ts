// Files read for what other files are checked against (a chart's values.schema.json and values.yaml), parsed once per
// change on disk: the same parsed object comes back while the file's size and mtime stay the same, so what is
// compiled from it (a schema validator) is reused.
import { statSync } from 'node:fs';
import { readTextFile } from './read-text-file';

interface Entry<T> {
  stamp: string;
  value: T | undefined;
}

export class ParsedFileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly parse: (text: string) => T) {}

  /** The file's parsed content; undefined when it does not exist, cannot be read or does not parse. */
  get(path: string): T | undefined {
    let stamp: string;
    try {
      const stats = statSync(path);
      stamp = `${stats.size}:${stats.mtimeMs}`;
    } catch {
      this.entries.delete(path);
      return undefined;
    }
    const cached = this.entries.get(path);
    if (cached?.stamp === stamp) return cached.value;
    const text = readTextFile(path);
    let value: T | undefined;
    try {
      value = text.ok ? this.parse(text.text) : undefined;
    } catch {
      value = undefined;
    }
    this.entries.set(path, { stamp, value });
    return value;
  }
}
