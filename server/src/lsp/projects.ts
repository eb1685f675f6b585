// Which Project (repository) a document belongs to, and keeping every project's settings, .driftless.yaml and CRDs
// current as files and settings change.
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigValues } from '../engine/config/project-config';
import { CONFIG_FILE_NAME } from '../engine/config/project-config';
import type { SchemaData } from '../engine/schema/schema-data';
import { findProjectRoot, Project } from '../node/project';
import type { DriftlessSettings } from '../protocol';
import { log } from '../node/log';

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function settingsToConfig(settings: DriftlessSettings | undefined): ConfigValues {
  const values: ConfigValues = {};
  if (!settings || typeof settings !== 'object') return values;
  if (typeof settings.kubernetesVersion === 'string' && settings.kubernetesVersion.trim())
    values.kubernetesVersion = settings.kubernetesVersion.trim();
  if (Array.isArray(settings.crds)) values.crds = settings.crds.filter((v) => typeof v === 'string');
  if (Array.isArray(settings.exclude)) values.exclude = settings.exclude.filter((v) => typeof v === 'string');
  if (settings.rules && typeof settings.rules === 'object') {
    values.rules = Object.fromEntries(Object.entries(settings.rules).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  if (Array.isArray(settings.drift?.ignore)) values.driftIgnore = settings.drift.ignore;
  return values;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Projects {
  private readonly byRoot = new Map<string, Project>();
  private workspaceRoots: string[] = [];

  constructor(private readonly schemaData: SchemaData) {}

  setWorkspaceFolders(roots: string[]): void {
    this.workspaceRoots = [...roots].sort((a, b) => b.length - a.length);
  }

  all(): Project[] {
    return [...this.byRoot.values()];
  }

  /** The projects of the workspace folders (not those of files opened from elsewhere, which trust does not cover). */
  ofWorkspaceFolders(): Project[] {
    return this.workspaceRoots.flatMap((root) => {
      const project = this.byRoot.get(root);
      return project ? [project] : [];
    });
  }

  /** One project per workspace folder, created now so their CRDs can be found before any file is opened. */
  openWorkspaceFolders(settings: ConfigValues | undefined): Project[] {
    return this.workspaceRoots.map((root) => this.forPath(root, settings));
  }

  /** The project of a file: its workspace folder (or the repository it is in when it lies outside all folders). */
  forPath(path: string | undefined, settings: ConfigValues | undefined): Project {
    const inFolder = path
      ? this.workspaceRoots.find((root) => path === root || path.startsWith(root + sep))
      : this.workspaceRoots[this.workspaceRoots.length - 1];
    const root = inFolder ?? (path ? findProjectRoot(dirname(path)) : process.cwd());
    let project = this.byRoot.get(root);
    if (!project) {
      project = new Project(root, this.schemaData, settings);
      this.byRoot.set(root, project);
    }
    return project;
  }

  /**
   * Forgets the project of files opened from outside the workspace folders (its last one closed); the projects of
   * the workspace folders stay.
   */
  dropOutside(project: Project): void {
    if (this.workspaceRoots.includes(project.root)) return;
    if (this.byRoot.get(project.root) === project) this.byRoot.delete(project.root);
  }

  /** Project.scan without blocking the server for long: the work yields between files. True when anything changed. */
  async scan(project: Project, isOpen: (path: string) => boolean): Promise<boolean> {
    const started = performance.now();
    const files = project.indexedFiles();
    let changed = project.forgetFilesOtherThan(files, isOpen);
    for (let i = 0; i < files.length; i++) {
      // An open file is indexed from the editor's text, unsaved edits included: the disk's would undo them.
      if (isOpen(files[i]!)) continue;
      const text = project.files.readText(files[i]!);
      if (text.ok) changed = project.indexFile(files[i]!, text.text) || changed;
      if (i % 50 === 49) await yieldToEventLoop();
    }
    // The first complete index lets checks across files report: everything open is checked again.
    if (!project.indexComplete) changed = true;
    project.indexComplete = true;
    log(
      'info',
      `Indexed ${project.root}: ${files.length} files, ${project.resources.size} resources, ${project.kustomizationFiles().length} ` +
        `kustomizations, ${project.environments().length} environments in ${Math.round(performance.now() - started)} ms`,
    );
    return changed;
  }

  /** The project whose .driftless.yaml this is, if any. */
  configOwner(path: string): Project | undefined {
    return path.endsWith(sep + CONFIG_FILE_NAME) ? this.all().find((p) => p.configPath === path) : undefined;
  }
}
