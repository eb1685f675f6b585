// Which file a failed render is about, read from kustomize's or helm's own message: the template and line helm names
// (`(chart/templates/x.yaml:9)`, `template: chart/templates/x.yaml:16:10:`), the values file it failed to parse, the
// resource or patch kustomize could not read (a missing one: the kustomization that names it). Else the render's root.

export interface FailureHost {
  /** Whether a file exists. */
  isFile(path: string): boolean;
  /** `relative` resolved against `folder`. */
  resolve(folder: string, relative: string): string;
  /** The kustomization files of the repository that name `path` (a resource, patch or component). */
  kustomizationsNaming(path: string): string[];
  /** The 0-based line of a kustomization file where it names `path`, when it can be told. */
  lineNaming(kustomization: string, path: string): number | undefined;
  /** The kustomization file in a folder, if any. */
  kustomizationIn(folder: string): string | undefined;
}

export interface FailurePlace {
  file: string;
  /** 0-based line, when the message gives one. */
  line?: number;
}

/** What a render failed on: where its tool was started (a kustomization folder or a chart folder). */
export interface FailedRender {
  kind: 'kustomize' | 'helm';
  /** The kustomization folder or the chart folder. */
  folder: string;
  /** The file to blame when the message names none: the kustomization, or the chart's Chart.yaml. */
  rootFile: string;
  /** Folders that relative names in the message may start from (the kustomizations of the build). */
  folders: string[];
}

const TEMPLATE_AT = /([\w.-]+(?:\/[\w.-]+)*\/templates\/[\w./-]+?):(\d+)(?::\d+)?\b/;
const TEMPLATE_NAMED = /\b(?:on|in) ([\w.-]+(?:\/[\w.-]+)*\/templates\/[\w./-]+\.\w+)/;
const ABSOLUTE = /(?:^|[\s'"(`])(\/[^\s'"`():]+)/g;
const QUOTED_OR_NAMED = /(?:from '([^']+)'|in File: (\S+)|path\(([^)]+)\))/g;
const YAML_LINE = /yaml: line (\d+)/;

export function failurePlace(message: string, render: FailedRender, host: FailureHost): FailurePlace {
  const yamlLine = YAML_LINE.exec(message);
  const lineOf = (match: RegExpExecArray | null) => (match ? Number(match[1]) - 1 : undefined);
  if (render.kind === 'helm') {
    const at = TEMPLATE_AT.exec(message);
    if (at) {
      const file = host.resolve(render.folder, at[1]!.split('/').slice(1).join('/'));
      if (host.isFile(file)) return { file, line: Number(at[2]) - 1 };
    }
    const named = TEMPLATE_NAMED.exec(message);
    if (named) {
      // The line of a YAML error counts in the rendered output, not in the template: the template is named, no line.
      const file = host.resolve(render.folder, named[1]!.split('/').slice(1).join('/'));
      if (host.isFile(file)) return { file };
    }
  }
  // kustomize nests its causes, outermost first: the last path named is the one that failed (a folder it names as
  // well as a file in it, `lstat .../resources`, stands for that file).
  const absolute = [...message.matchAll(ABSOLUTE)].map((match) => match[1]!.replace(/[.,;]+$/, ''));
  const deepest = absolute.filter((path) => !absolute.some((other) => other.startsWith(`${path}/`)));
  for (const path of deepest.reverse()) {
    if (host.isFile(path)) return { file: path, ...(yamlLine ? { line: lineOf(yamlLine)! } : {}) };
    // A base kustomize could not read: its own kustomization is what is wrong.
    const kustomization = /invalid Kustomization/i.test(message) ? host.kustomizationIn(path) : undefined;
    if (kustomization) return { file: kustomization };
    const named = namedBy(path, host);
    if (named) return named;
  }
  for (const match of [...message.matchAll(QUOTED_OR_NAMED)].reverse()) {
    const relative = (match[1] ?? match[2] ?? match[3])!.trim();
    for (const folder of [render.folder, ...render.folders]) {
      const path = host.resolve(folder, relative);
      if (host.isFile(path)) return { file: path, ...(yamlLine ? { line: lineOf(yamlLine)! } : {}) };
      const named = namedBy(path, host);
      if (named) return named;
    }
  }
  return { file: render.rootFile };
}

/** A file the tool could not read: the kustomization that names it, on the line that does. */
function namedBy(path: string, host: FailureHost): FailurePlace | undefined {
  const file = host.kustomizationsNaming(path)[0];
  if (!file) return undefined;
  const line = host.lineNaming(file, path);
  return line === undefined ? { file } : { file, line };
}

const NETWORK_FAILURE =
  /dial tcp|no such host|network is unreachable|i\/o timeout|TLS handshake|Could not resolve host|unable to access|connection refused|Get "https?:/i;
const URL_IN_MESSAGE = /(?:https?:\/\/|git@|ssh:\/\/|oci:\/\/)[^\s'"`)]+/;

/** The remote address a render failed to reach (a remote base, a chart repository), when that is why it failed. */
export function unreachableRemote(message: string): string | undefined {
  if (!NETWORK_FAILURE.test(message)) return undefined;
  return URL_IN_MESSAGE.exec(message)?.[0] ?? 'a remote address';
}

/**
 * A tool's message with the repository's absolute paths made relative to it (`/home/me/repo/deploy/x.yaml` →
 * `deploy/x.yaml`): a message read in a pull request or a view names files as the repository does. `roots` are the
 * folders that stand for the repository's root (its path, its real path, a base worktree's).
 */
export function repositoryRelative(message: string, roots: readonly string[]): string {
  let text = message;
  // Longest first: a worktree inside the repository's folder is replaced before the repository's own path.
  for (const root of [...new Set(roots)].filter((r) => r.length > 1).sort((a, b) => b.length - a.length)) {
    const trimmed = root.replace(/\/+$/, '');
    text = text.split(`${trimmed}/`).join('').split(trimmed).join('.');
  }
  return text;
}

/** The tool's own words in one line: its first line, without the `error:` every kustomize message starts with. */
export function firstLineOf(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.replace(/^(?:error|Error):\s*/, '');
}
