// Files read for what other files are checked against (a chart's values.schema.json and values.yaml, the files of
// Flux and Argo CD objects), parsed once per change: the same parsed object comes back while the file's stamp (size
// and mtime on disk) stays the same, so what is compiled from it (a schema validator) is reused.
import type { ProjectFiles } from './project-files';

interface Entry<T> {
  stamp: string;
  value: T | undefined;
}

export class ParsedFileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly files: ProjectFiles,
    private readonly parse: (text: string) => T,
  ) {}

  /** The file's parsed content; undefined when it does not exist, cannot be read or does not parse. */
  get(path: string): T | undefined {
    const stamp = this.files.stamp(path);
    if (stamp === undefined) {
      this.entries.delete(path);
      return undefined;
    }
    const cached = this.entries.get(path);
    if (cached?.stamp === stamp) return cached.value;
    const text = this.files.readText(path);
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
