// The bundled schema files (schemas/ in the extension), read through an interface so the engine does no I/O itself.

export interface SchemaData {
  /** Reads and parses a JSON file under schemas/, e.g. `kubernetes/v1.31.json`. */
  readJson(relativePath: string): unknown;
  /**
   * Opens a file of records, one per line as `<key>\t<text>`, without decoding it all: only the records asked for
   * are read (kubernetes/definitions.jsonl holds thousands; a session needs a few hundred).
   */
  readRecords(relativePath: string): RecordFile;
}

export interface RecordFile {
  get(key: string): string | undefined;
}

export interface SchemaIndex {
  kubernetesVersions: string[];
  defaultKubernetesVersion: string;
  crds: { source: string; group: string; kind: string; versions: string[] }[];
  crdSources: string[];
  enumsRecovered: { version: string; fromDescriptions: number; correctedByHand: number; fromApiServerCode: number };
}

/** Loads each file once, on first use. */
export class CachedSchemaData implements SchemaData {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly source: SchemaData) {}

  readJson(relativePath: string): unknown {
    if (!this.cache.has(relativePath)) this.cache.set(relativePath, this.source.readJson(relativePath));
    return this.cache.get(relativePath);
  }

  readRecords(relativePath: string): RecordFile {
    const key = `records:${relativePath}`;
    if (!this.cache.has(key)) this.cache.set(key, this.source.readRecords(relativePath));
    return this.cache.get(key) as RecordFile;
  }

  index(): SchemaIndex {
    return this.readJson('index.json') as SchemaIndex;
  }
}
