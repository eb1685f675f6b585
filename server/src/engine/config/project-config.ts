// The project configuration: .driftless.yaml at the repository root, with editor settings filling in what it leaves
// out. The CLI and the language server both go through effectiveConfig, so they validate identically.
import jsyaml from 'js-yaml';
import { chooseBundledVersion, normalizeKubernetesVersion } from '../schema/kubernetes-version';
import { isRuleId, RULES_DOCUMENTATION_URL, type RuleId, type RuleSetting } from '../rules';
import { isRecord } from '../json';

export const CONFIG_FILE_NAME = '.driftless.yaml';

/**
 * Reads .driftless.yaml. It is Driftless's own file, not a manifest: plain YAML 1.2, so `off` stays the word "off"
 * (kubectl's YAML 1.1 would make it false). Throws on YAML errors; the file's diagnostics report them.
 */
export function parseConfigText(text: string): unknown {
  return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
}

/** What .driftless.yaml (or the editor's driftless.* settings) may say. */
export interface ConfigValues {
  kubernetesVersion?: string;
  crds?: string[];
  exclude?: string[];
  rules?: Record<string, string>;
  /** The `environments` list as written (only .driftless.yaml has one); engine/environments reads it. */
  environments?: unknown[];
  /** `drift.ignore`: differences that are no drift, as written (engine/drift/ignore-rules reads them). */
  driftIgnore?: unknown[];
  /** The `delivery` mapping as written (only .driftless.yaml has one); engine/delivery reads it. */
  delivery?: unknown;
}

export interface ConfigProblem {
  kind: 'not-a-version' | 'version-not-bundled' | 'unknown-rule' | 'bad-rule-setting';
  /** Path into the config document, for locating the problem. */
  path: (string | number)[];
  message: string;
}

const SETTINGS = new Set<RuleSetting>(['off', 'info', 'warning', 'error']);

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** Reads the parsed value of .driftless.yaml (or of the settings), dropping what it cannot use. */
export function readConfigValues(value: unknown): ConfigValues {
  if (!isRecord(value)) return {};
  const result: ConfigValues = {};
  // A number is ignored: unquoted, 1.30 reads as 1.3. The schema asks for a quoted string.
  const version = value.kubernetesVersion;
  if (typeof version === 'string' && version.trim()) result.kubernetesVersion = version.trim();
  const crds = stringList(value.crds);
  if (crds) result.crds = crds;
  const exclude = stringList(value.exclude);
  if (exclude) result.exclude = exclude;
  if (Array.isArray(value.environments)) result.environments = value.environments as unknown[];
  if (isRecord(value.drift) && Array.isArray(value.drift.ignore)) result.driftIgnore = value.drift.ignore as unknown[];
  if (value.delivery !== undefined) result.delivery = value.delivery;
  if (isRecord(value.rules)) {
    result.rules = Object.fromEntries(Object.entries(value.rules).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  return result;
}

export interface EffectiveConfig {
  kubernetesVersion: string;
  /** Where the version came from, for the status bar and `driftless validate` output. */
  versionSource: 'flag' | 'config' | 'settings' | 'default';
  crds: string[];
  exclude: string[];
  rules: Partial<Record<RuleId, RuleSetting>>;
  /** The drift ignore rules as written, where each list comes from (the file's apply with the settings'). */
  driftIgnore: { source: 'file' | 'settings'; rules: unknown[] }[];
  /** Problems with the file's values (unknown rules, unbundled versions), reported on .driftless.yaml. */
  problems: ConfigProblem[];
  /** Problems with the editor's settings, shown to the user as a message (they have no file to point at). */
  settingsProblems: string[];
}

export interface BundledVersions {
  versions: readonly string[];
  newest: string;
}

/**
 * The file wins, key by key; settings fill the gaps; the newest bundled Kubernetes version is the last resort.
 * Rule severities merge per rule, the file's taking precedence. `versionOverride` (a CLI flag, already checked
 * against the bundled versions) beats them all.
 */
export function effectiveConfig(
  file: ConfigValues | undefined,
  settings: ConfigValues | undefined,
  bundled: BundledVersions,
  versionOverride?: string,
): EffectiveConfig {
  const problems: ConfigProblem[] = [];
  const settingsProblems: string[] = [];
  const versionSource = file?.kubernetesVersion ? 'config' : settings?.kubernetesVersion ? 'settings' : 'default';
  const requested = versionSource === 'config' ? file?.kubernetesVersion : settings?.kubernetesVersion;
  let kubernetesVersion = bundled.newest;
  if (requested !== undefined) {
    const normalized = normalizeKubernetesVersion(requested);
    let problem: Pick<ConfigProblem, 'kind' | 'message'> | undefined;
    if (!normalized) {
      problem = {
        kind: 'not-a-version',
        message: `"${requested}" is not a Kubernetes version (write it as "1.31"); validating against ${bundled.newest}.`,
      };
    } else {
      const choice = chooseBundledVersion(normalized, bundled.versions, bundled.newest);
      kubernetesVersion = choice.version;
      if (choice.substitutedFor) {
        const message = `Kubernetes ${normalized} is not bundled (${bundled.versions[0]} to ${bundled.newest} are); validating against ${choice.version}.`;
        problem = { kind: 'version-not-bundled', message };
      }
    }
    if (problem && versionSource === 'config') problems.push({ ...problem, path: ['kubernetesVersion'] });
    else if (problem) settingsProblems.push(`driftless.kubernetesVersion: ${problem.message}`);
  }
  const rules: Partial<Record<RuleId, RuleSetting>> = {};
  for (const [source, values] of [
    ['settings', settings?.rules],
    ['config', file?.rules],
  ] as const) {
    for (const [id, setting] of Object.entries(values ?? {})) {
      const valid = isRuleId(id) && SETTINGS.has(setting as RuleSetting);
      if (valid) {
        rules[id] = setting as RuleSetting;
        continue;
      }
      const message = isRuleId(id)
        ? `"${setting}" is not a rule setting; use off, info, warning or error.`
        : `There is no rule "${id}"; the rule ids are listed at ${RULES_DOCUMENTATION_URL}.`;
      if (source === 'config') problems.push({ kind: isRuleId(id) ? 'bad-rule-setting' : 'unknown-rule', path: ['rules', id], message });
      else settingsProblems.push(`driftless.rules: ${message}`);
    }
  }
  return {
    kubernetesVersion: versionOverride ?? kubernetesVersion,
    versionSource: versionOverride ? 'flag' : versionSource,
    crds: file?.crds ?? settings?.crds ?? [],
    exclude: [...(file?.exclude ?? []), ...(settings?.exclude ?? [])],
    rules,
    driftIgnore: [
      ...(file?.driftIgnore ? [{ source: 'file' as const, rules: file.driftIgnore }] : []),
      ...(settings?.driftIgnore ? [{ source: 'settings' as const, rules: settings.driftIgnore }] : []),
    ],
    problems,
    settingsProblems,
  };
}
