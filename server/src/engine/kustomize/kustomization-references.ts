// Every place a kustomization names another file or folder, with where in the document it is named. The one list of
// which kustomization fields hold paths: the index, the missing-path checks and the document links all read it.
import type { JsonPath } from '../yaml/locate';
import { isRecord } from '../json';

export type ReferenceField =
  'resources' | 'bases' | 'components' | 'patches' | 'generator-files' | 'crds' | 'configurations' | 'openapi' | 'replacements' | 'plugins';

export interface KustomizationReference {
  /** Where the entry's value is in the kustomization document. */
  at: JsonPath;
  /** The path as written, trimmed; for generator files without its `key=` prefix. */
  entry: string;
  /** A generator file's `key=`, kept so that an edit of the path can keep it. */
  prefix?: string;
  field: ReferenceField;
}

/**
 * Whether an entry names something outside this repository. kustomize itself tries a local file or folder first and
 * only then a remote; callers check for a local one before asking this.
 */
export function isRemoteEntry(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || // https://, ssh://, oci://, file://
    /^(git@|git::)/i.test(entry) ||
    /[?&](ref|version|timeout|submodules)=/.test(entry) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(entry) // github.com/org/repo/path, example.com/...
  );
}

/**
 * Whether kustomize would fetch an entry it does not find on disk, as its own parser of remote bases reads them
 * (api/internal/git/repospec.go): `http(s)://`, `ssh://` and `file://` (a clone of another repository), with or
 * without `git::`; `user@host:path`; `github.com/...` and `github.com:...`. isRemoteEntry covers more, as a guess.
 */
export function kustomizeFetches(entry: string): boolean {
  const rest = entry.trim().replace(/^git::/i, '');
  return (
    /^(ssh|https?|file):\/\//i.test(rest) || /^[a-zA-Z][a-zA-Z0-9-]*@/.test(rest) || /^github\.com[/:]/i.test(rest) || isRemoteEntry(entry)
  );
}

/** A plugin entry is a path, or inline YAML (text with a newline or a `key: value`). */
export function looksLikePath(entry: string): boolean {
  return !entry.includes('\n') && !/:\s/.test(entry) && entry.trim() !== '';
}

/** A `patchesStrategicMerge` entry is a file path, or an inline patch, which may even be one line of JSON. */
function looksLikePatchFile(entry: string): boolean {
  return looksLikePath(entry) && /\.(ya?ml|json)$/i.test(entry.trim());
}

/** Every path a kustomization (or Component) names, in document order of its fields. */
export function kustomizationReferences(kustomization: unknown): KustomizationReference[] {
  if (!isRecord(kustomization)) return [];
  const references: KustomizationReference[] = [];
  const add = (at: JsonPath, entry: unknown, field: ReferenceField, prefix = '') => {
    if (typeof entry === 'string' && entry.trim() !== '')
      references.push({ at, entry: entry.trim(), field, ...(prefix ? { prefix } : {}) });
  };
  const eachString = (key: string, field: ReferenceField, accept: (entry: string) => boolean = () => true) => {
    const list = kustomization[key];
    if (Array.isArray(list))
      list.forEach((entry, i) => {
        if (typeof entry === 'string' && accept(entry)) add([key, i], entry, field);
      });
  };
  eachString('resources', 'resources');
  eachString('bases', 'bases');
  eachString('components', 'components');
  for (const key of ['patches', 'patchesJson6902']) {
    const list = kustomization[key];
    if (Array.isArray(list)) list.forEach((entry, i) => isRecord(entry) && add([key, i, 'path'], entry.path, 'patches'));
  }
  eachString('patchesStrategicMerge', 'patches', looksLikePatchFile);
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    const list = kustomization[key];
    if (!Array.isArray(list)) continue;
    list.forEach((generator, i) => {
      if (!isRecord(generator)) return;
      for (const sourceKey of ['files', 'envs']) {
        const sources = generator[sourceKey];
        if (!Array.isArray(sources)) continue;
        sources.forEach((source, j) => {
          // `files` entries may be `key=path`: the key names the data entry, the rest is the file.
          if (typeof source !== 'string') return;
          const prefix = sourceKey === 'files' ? (/^[^=]*=/.exec(source)?.[0] ?? '') : '';
          add([key, i, sourceKey, j], source.slice(prefix.length), 'generator-files', prefix);
        });
      }
      add([key, i, 'env'], generator.env, 'generator-files');
    });
  }
  eachString('crds', 'crds');
  eachString('configurations', 'configurations');
  if (isRecord(kustomization.openapi)) add(['openapi', 'path'], kustomization.openapi.path, 'openapi');
  const replacements = kustomization.replacements;
  if (Array.isArray(replacements))
    replacements.forEach((entry, i) => isRecord(entry) && add(['replacements', i, 'path'], entry.path, 'replacements'));
  for (const key of ['generators', 'transformers', 'validators']) eachString(key, 'plugins', looksLikePath);
  return references;
}

/** The fields whose entries kustomize builds as resources (files, or folders holding a kustomization). */
export function isResourceField(field: ReferenceField): boolean {
  return field === 'resources' || field === 'bases';
}
