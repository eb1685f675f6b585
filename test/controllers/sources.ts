// What the test controllers read from git and how they render it, as Argo CD's repo-server and Flux's
// source-controller and kustomize-controller do: a branch resolved in a bare remote, a revision's tree exported to a
// folder (`git archive`), then `kubectl kustomize` (the real tool) — for Argo CD with its kustomize options laid over
// as `kustomize edit` would, for Flux with its post-build substitution, target namespace and labels.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { isRecord, type Json } from './cluster-api';

function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${command} ${args.slice(0, 3).join(' ')}: ${stderr.trim() || error.message}`)) : resolve(stdout),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The commit a ref names in a bare repository (a branch, a tag, a sha), or undefined. */
export async function resolveRevision(bare: string, ref: string): Promise<string | undefined> {
  try {
    return (await run('git', ['--git-dir', bare, 'rev-parse', '--verify', `${ref}^{commit}`])).trim();
  } catch {
    return undefined;
  }
}

/** A folder holding the tree of `revision` (removed by `done`). */
export async function exportRevision(bare: string, revision: string): Promise<{ folder: string; done(): void }> {
  const folder = mkdtempSync(join(tmpdir(), 'driftless-test-controller-'));
  const archive = join(folder, '.archive.tar');
  await run('git', ['--git-dir', bare, 'archive', '--format=tar', '-o', archive, revision]);
  await run('tar', ['-xf', archive, '-C', folder]);
  rmSync(archive);
  return { folder, done: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The objects of a YAML stream. */
export function objectsOf(yaml: string): Json[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Json => isRecord(value) && typeof value.kind === 'string');
}

/** `kubectl kustomize` of `path`, with extra kustomization fields laid over it through a wrapping kustomization. */
export async function kustomize(kubectl: string, root: string, path: string, overlay: Json = {}): Promise<Json[]> {
  const folder = join(root, path);
  if (!existsSync(folder)) throw new Error(`${path}: no such folder at this revision`);
  const hasKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((name) => existsSync(join(folder, name)));
  if (!hasKustomization) {
    // Flux (and Argo CD for plain folders) apply every manifest below the path.
    const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
    writeFileSync(join(folder, 'kustomization.yaml'), stringify({ resources: files }));
  }
  let target = folder;
  if (Object.keys(overlay).length) {
    target = join(root, '.test-controller-overlay');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'kustomization.yaml'), stringify({ resources: [`../${path.replace(/^\.\//, '')}`], ...overlay }));
  }
  return objectsOf(await run(kubectl, ['kustomize', target]));
}

/** Flux's post-build substitution: `${VAR}` and `${VAR:=default}` replaced, `$${VAR}` kept as `${VAR}`. */
export function substitute(yaml: string, variables: Record<string, string>): string {
  return yaml.replace(
    /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g,
    (whole, escape: string, name: string, fallback: string | undefined) => (escape ? whole.slice(1) : (variables[name] ?? fallback ?? '')),
  );
}

export function toYaml(objects: readonly Json[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}
