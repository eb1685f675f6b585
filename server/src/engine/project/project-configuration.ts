// A project's configuration as it stands: its .driftless.yaml (or the editor's unsaved text of it) with the editor's
// settings and the CLI's --kubernetes-version laid over the bundled defaults, and the exclude globs it sets.
import {
  CONFIG_FILE_NAME,
  effectiveConfig,
  parseConfigText,
  readConfigValues,
  type BundledVersions,
  type ConfigValues,
  type EffectiveConfig,
} from '../config/project-config';
import type { ProjectFiles } from './project-files';

export class ProjectConfiguration {
  /** The file's values as written (`{}` when it does not parse: its own diagnostics say why); undefined without one. */
  fileValues: ConfigValues | undefined;
  config: EffectiveConfig;
  private settings: ConfigValues | undefined;
  private configText: string | undefined;
  private isExcludedPath: (path: string) => boolean = () => false;

  constructor(
    private readonly root: string,
    private readonly files: ProjectFiles,
    private readonly bundled: () => BundledVersions,
    settings: ConfigValues | undefined,
    /** A Kubernetes version that beats every configuration (the CLI's --kubernetes-version). */
    private readonly versionOverride: string | undefined,
  ) {
    this.settings = settings;
    this.config = this.compute();
  }

  get path(): string {
    return this.files.resolve(this.root, CONFIG_FILE_NAME);
  }

  /** Re-reads .driftless.yaml (or takes its unsaved text) and the editor settings; true when anything changed. */
  reload(settings: ConfigValues | undefined = this.settings, configText?: string): boolean {
    const before = JSON.stringify(this.config);
    this.settings = settings;
    this.configText = configText;
    this.config = this.compute();
    return JSON.stringify(this.config) !== before;
  }

  isExcluded(path: string): boolean {
    return this.isExcludedPath(path);
  }

  private compute(): EffectiveConfig {
    let text = this.configText;
    if (text === undefined) {
      const file = this.files.readText(this.path);
      text = file.ok ? file.text : undefined;
    }
    this.fileValues = undefined;
    if (text !== undefined) {
      try {
        this.fileValues = readConfigValues(parseConfigText(text));
      } catch {
        this.fileValues = {}; // The file's own diagnostics say what is wrong with it.
      }
    }
    const config = effectiveConfig(this.fileValues, this.settings, this.bundled(), this.versionOverride);
    this.isExcludedPath = this.files.excludeMatcher(this.root, config.exclude);
    return config;
  }
}
