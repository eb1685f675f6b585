// Builds the peer tools the benchmark compares against (kubeconform, kubectl-validate) and a standalone kustomize from
// the Go module proxy, with `go install` into .cache/bench-tools/<name>@<version>/ (module and build caches under
// .cache/go): nothing prebuilt is committed, and a second run reuses the binaries. Where Go is missing, says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CACHE = resolve(__dirname, '../../.cache');
/** A build of kubectl-validate from a cold module cache takes several minutes on two cores. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

export interface GoTool {
  /** The binary's name, as `go install` writes it. */
  name: string;
  /** The package path `go install` builds. */
  packagePath: string;
  version: string;
}

export const KUBECONFORM: GoTool = { name: 'kubeconform', packagePath: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.8.0' };
export const KUBECTL_VALIDATE: GoTool = { name: 'kubectl-validate', packagePath: 'sigs.k8s.io/kubectl-validate', version: 'v0.0.4' };
/** The version kubectl 1.32 embeds, so that a standalone kustomize and `kubectl kustomize` differ only in how they start. */
export const KUSTOMIZE: GoTool = { name: 'kustomize', packagePath: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.5.0' };

export type BuiltTool = { path: string; label: string } | { missing: string };

function goVersion(): string | undefined {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/** `go version`, or undefined when Go is not installed here. */
export const installedGo = (() => {
  let cached: string | null | undefined;
  return (): string | undefined => {
    if (cached === undefined) cached = goVersion() ?? null;
    return cached ?? undefined;
  };
})();

/** The tool's binary, built first if this version is not in the cache yet. */
export function buildGoTool(tool: GoTool, log: (line: string) => void): BuiltTool {
  const label = `${tool.name} ${tool.version}`;
  const bin = join(CACHE, 'bench-tools', `${tool.name}@${tool.version}`, 'bin');
  const path = join(bin, tool.name);
  if (existsSync(path)) return { path, label };
  if (!installedGo()) return { missing: `${label} not measured: Go is not installed (go install builds it from the Go module proxy)` };
  mkdirSync(bin, { recursive: true });
  log(`  building ${label} with go install (first run only)...`);
  const built = spawnSync('go', ['install', `${tool.packagePath}@${tool.version}`], {
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GOBIN: bin,
      GOMODCACHE: join(CACHE, 'go', 'mod'),
      GOCACHE: join(CACHE, 'go', 'build'),
      // The proxy the machine is configured with (the default one otherwise); never a toolchain download.
      ...(process.env.GOPROXY ? { GOPROXY: process.env.GOPROXY } : {}),
      GOTOOLCHAIN: 'local',
      GOFLAGS: '-buildvcs=false',
    },
  });
  if (built.status !== 0 || !existsSync(path)) {
    const why = built.error?.message ?? built.stderr.trim().split('\n').slice(-3).join(' ');
    return { missing: `${label} not measured: go install failed (${why})` };
  }
  return { path, label };
}
