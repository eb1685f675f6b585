// Decides what a YAML file is, so each is judged as what it is: Kubernetes manifests, a kustomization, a Helm chart's
// Chart.yaml or template, the Driftless configuration, or YAML that Driftless leaves alone.
import type { KustomizeShape } from '../kustomize/build-shaping';
import { CONFIG_FILE_NAME } from '../config/project-config';

export type FileKind =
  /** Kubernetes resources, one per document; documents without apiVersion/kind are someone else's YAML. */
  | 'manifests'
  | 'kustomization'
  | 'helm-chart'
  | 'helm-chart-lock'
  /** A Go template under a chart's templates/: not YAML until rendered. */
  | 'helm-template'
  | 'driftless-config';

export interface FileFacts {
  /** The file's path; only its last segments matter here. POSIX or Windows separators. */
  path: string;
  /** Whether a Chart.yaml sits in the parent of the `templates/` folder holding this file (the host checks). */
  inHelmChartTemplates?: boolean;
  /** Whether a kustomization names this file as a patch: its resources are partial by design. */
  kustomizePatch?: boolean;
  /** Whether kustomize sets the namespace of this file's resources (a Namespace here may carry a placeholder name). */
  namespaceSetByKustomize?: boolean;
  /**
   * For a file that reaches the cluster only through kustomize builds: what each build does to its objects (an empty
   * shape: a build that emits them as written). Its objects are judged as the builds emit them.
   */
  kustomizeShapes?: readonly KustomizeShape[];
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** True when the path has a `templates` folder somewhere above the file. */
export function hasTemplatesFolder(path: string): boolean {
  return path.split(/[\\/]/).slice(0, -1).includes('templates');
}

export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_NAMES.has(baseName(path));
}

export function classifyFile(facts: FileFacts): FileKind {
  const name = baseName(facts.path);
  if (name === CONFIG_FILE_NAME) return 'driftless-config';
  if (KUSTOMIZATION_NAMES.has(name)) return 'kustomization';
  if (name === 'Chart.yaml') return 'helm-chart';
  if (name === 'Chart.lock') return 'helm-chart-lock';
  if (facts.inHelmChartTemplates) return 'helm-template';
  return 'manifests';
}

/** Kustomize's own files are told apart from Flux's `Kustomization` objects by apiVersion. */
export function isKustomizeConfig(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const apiVersion = (value as Record<string, unknown>).apiVersion;
  return apiVersion === undefined || (typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/'));
}

const MODELINE = /^#\s*yaml-language-server\s*:\s*\$schema\s*=\s*(\S+)/m;

/** The schema a `# yaml-language-server: $schema=...` comment selects for a document, as written. */
export function modelineSchema(documentText: string): string | undefined {
  if (!documentText.includes('yaml-language-server')) return undefined;
  for (const line of documentText.split('\n')) {
    const match = MODELINE.exec(line.trim());
    if (match) return match[1];
  }
  return undefined;
}
