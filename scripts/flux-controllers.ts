// Flux's real source-controller and kustomize-controller, built from the Go module proxy for the deploy test that runs
// them (test/cluster/deploy-flux-controllers.test.ts): each from its own module under test/flux-controllers/ (a `tool`
// requirement plus the controller's `replace` directives, which `go install pkg@version` refuses), into
// .cache/flux-controllers/<version>/<name> when missing. See docs/deploy.md, "The test controllers".
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { goEnv, goProblem } from './test-cluster';

const REPO_ROOT = resolve(__dirname, '..');
const MODULES = join(REPO_ROOT, 'test', 'flux-controllers');
const CACHE = join(REPO_ROOT, '.cache', 'flux-controllers');
/** Measured with the modules downloaded but little compiled: 5.5 and 2.8 minutes on 2 shared cores; downloads come on top. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

export type FluxControllerName = 'source-controller' | 'kustomize-controller';

export interface FluxControllerBinaries {
  sourceController: string;
  kustomizeController: string;
}

/** The controller's version: the one its module's go.mod requires (one source of truth). */
export function fluxControllerVersion(name: FluxControllerName): string {
  const goMod = readFileSync(join(MODULES, name, 'go.mod'), 'utf8');
  const match = new RegExp(`^\\s*github\\.com/fluxcd/${name} (v\\d+\\.\\d+\\.\\d+)\\b`, 'm').exec(goMod);
  if (!match?.[1]) throw new Error(`test/flux-controllers/${name}/go.mod requires no github.com/fluxcd/${name} version`);
  return match[1];
}

/** Builds one controller unless its binary is there; its path, or why it could not be built. */
async function buildController(name: FluxControllerName, progress: (message: string) => void): Promise<string> {
  const version = fluxControllerVersion(name);
  const binary = join(CACHE, version, name);
  if (existsSync(binary)) return binary;
  const problem = goProblem(`Flux's ${name} is built from Go modules: Go 1.26`);
  if (problem) throw new Error(problem);
  mkdirSync(join(CACHE, version), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  const started = Date.now();
  progress(`building Flux's ${name} ${version} from the Go module proxy (minutes the first time; later runs reuse the binary)`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolveBuild) => {
    // go.sum as committed (goEnv's -mod=readonly): a module version the proxy refuses fails here, with its words.
    const build = spawn('nice', ['-n', '19', 'go', 'build', '-o', partial, '-ldflags', '-s -w', `github.com/fluxcd/${name}`], {
      cwd: join(MODULES, name),
      env: goEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      output.push(`timed out after ${BUILD_TIMEOUT_MS / 60_000} minutes`);
      build.kill('SIGKILL');
    }, BUILD_TIMEOUT_MS);
    build.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    build.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    build.on('error', (error) => output.push(error.message));
    build.on('close', (exit) => {
      clearTimeout(timer);
      resolveBuild(exit);
    });
  });
  if (code !== 0) {
    rmSync(partial, { force: true });
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line && !line.startsWith('go: downloading'));
    throw new Error(`go build of Flux's ${name} ${version} failed (exit ${code ?? 'killed'}): ${lines.slice(-8).join('\n').trim()}`);
  }
  renameSync(partial, binary);
  progress(`built ${relative(REPO_ROOT, binary)} in ${Math.round((Date.now() - started) / 1000)}s`);
  return binary;
}

/** Both controllers' binaries, built when missing; `{ problem }` says why they cannot be (no Go, a refused module). */
export async function buildFluxControllers(
  progress: (message: string) => void = () => {},
): Promise<FluxControllerBinaries | { problem: string }> {
  try {
    // One after the other: two Go builds at once on a small machine are slower than in turn.
    const sourceController = await buildController('source-controller', progress);
    const kustomizeController = await buildController('kustomize-controller', progress);
    return { sourceController, kustomizeController };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

if (require.main === module) {
  buildFluxControllers((message) => console.log(message)).then(
    (result) => {
      if ('problem' in result) {
        console.error(result.problem);
        process.exitCode = 2;
      } else console.log(`${result.sourceController}\n${result.kustomizeController}`);
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 2;
    },
  );
}
