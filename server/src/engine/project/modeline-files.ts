// The local schema files `# yaml-language-server: $schema=...` modelines name, read for validation: confined to the
// repository of the file that names them, read again only when their stamp changes.
import jsyaml from 'js-yaml';
import type { ModelineSchema, ModelineSchemaReader } from '../schema/modeline-schemas';
import { isUnderFolder } from '../workspace/workspace-files';
import type { ProjectFiles } from './project-files';

export class ModelineSchemaFiles implements ModelineSchemaReader {
  private readonly schemas = new Map<string, { key: string; schema: Record<string, unknown> }>();

  constructor(
    private readonly files: ProjectFiles,
    /** The project's repository root: the boundary of a file that is in no git repository of its own. */
    private readonly repositoryRoot: () => string,
  ) {}

  /** Validation asks on every run; the file is read again only when it changed. */
  loadModelineSchema(fromPath: string, reference: string): ModelineSchema {
    const files = this.files;
    const folder = files.dirname(fromPath);
    const path = files.resolve(folder, reference.startsWith('file:') ? files.pathOfFileUrl(reference) : reference);
    // Confined to the repository of the file that names it (a file opened from elsewhere has its own), else to the
    // project holding it, else to the file's own folder.
    const root = this.repositoryRoot();
    const boundary = files.gitRepositoryOf(folder)?.root ?? (isUnderFolder(fromPath, root, (p) => files.dirname(p)) ? root : folder);
    if (!files.isConfined(path, boundary)) return { error: `${reference} is outside the repository, which Driftless does not read` };
    const stamp = files.stamp(path);
    const key = `${path}@${stamp}`;
    const known = this.schemas.get(path);
    if (stamp !== undefined && known?.key === key) return known;
    const text = files.readText(path);
    if (!text.ok || stamp === undefined)
      return { error: !text.ok && !text.missing ? `${reference} cannot be read` : `${reference} does not exist` };
    let schema: unknown;
    try {
      schema = jsyaml.load(text.text);
    } catch {
      return { error: `${reference} cannot be read` };
    }
    if (typeof schema !== 'object' || schema === null) return { error: `${reference} is not a JSON schema` };
    const loaded = { key, schema: schema as Record<string, unknown> };
    this.schemas.set(path, loaded);
    return loaded;
  }
}
