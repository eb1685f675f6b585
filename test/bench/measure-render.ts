// Measures the rendered previews of the built server over LSP, with the real kubectl and helm: the time to the Changes
// view (driftless/changes renders every environment from the working tree and from the base branch) after a one-line
// edit, on a generated repository of environments sharing a base and on the largest corpus repository; and what
// driftless/render costs cold, again with nothing changed (its cache) and after a one-line edit. Where Go is here, the
// Changes view also with a standalone kustomize, and the renders themselves at the process level (measure-render-tools).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import type { EnvironmentDiffs } from '../../server/src/node/render/environment-diff';
import { ChangesRequest, EnvironmentsRequest, RenderRequest, type DriftlessSettings } from '../../server/src/protocol';
import { kubernetesTools, type KubernetesTools } from '../../scripts/kubernetes-tools';
import { DriftlessServer } from './driftless-server';
import {
  BASE_DEPLOYMENT_FILE,
  editBaseMemoryLimit,
  editOverlayReplicas,
  ENVIRONMENT_COUNT,
  environmentName,
  overlayPatchFile,
  writeEnvironmentsRepository,
} from './generate-environments';
import { commitAll } from './git-repository';
import { buildGoTool, KUSTOMIZE } from './go-tools';
import { measureRenderTools, type KustomizeTool, type RenderToolsFigures } from './measure-render-tools';
import type { LspClient } from './lsp-client';
import { waitUntilQuiet } from './process-activity';

export interface RenderRepetitions {
  /** Edits timed to the driftless/changes response, per repository and setting. */
  changes: number;
  /** Environments each rendered cold, again unchanged, and after an edit (at most ENVIRONMENT_COUNT). */
  render: number;
}

export interface ChangesFigures {
  repository: string;
  /** When on (the default), the server also renders every environment in the background after each edit. */
  validateRenderedOutput: boolean;
  /** What renders kustomizations: `kubectl kustomize`, or a standalone kustomize given as driftless.kustomizePath. */
  kustomizeTool: string;
  editedFile: string;
  environments: number;
  rendered: number;
  /** Environments whose source is another repository: not rendered, not an error. */
  skipped: number;
  failures: { environment: string; error: string }[];
  /** The first driftless/changes, before any edit: it finds no changes. */
  beforeEditMs: number;
  /** A one-line edit written to disk and announced (didChangeWatchedFiles) to the driftless/changes response. */
  afterEditMs: number[];
  /** What the last response after an edit found. */
  changedEnvironments: string[];
  changedObjects: number;
  /** What was not as expected (changes before any edit, none after one): the figures may not mean what they say. */
  warnings: string[];
}

export interface RenderCacheFigures {
  repository: string;
  /** One environment per repetition, so that each first render is a cold one. */
  environments: string[];
  /** Objects in the first environment's render. */
  objects: number;
  /** The first driftless/render of the environment. */
  coldMs: number[];
  /** The same request again, nothing changed (answered from the cache). */
  cachedMs: number[];
  /** A one-line edit of the environment's overlay written and announced, to the render response. */
  afterEditMs: number[];
  warnings: string[];
}

export interface RenderFigures {
  /** The versions of kubectl (and its kustomize) and helm; null when they are not here. */
  tools: string | null;
  /** Why nothing was measured, when nothing was. */
  notMeasured?: string;
  changes: ChangesFigures[];
  cache: RenderCacheFigures | null;
  /** The renders at the process level: kubectl kustomize against a standalone kustomize, one or two at a time. */
  renderTools: RenderToolsFigures | null;
}

export const GENERATED_ENVIRONMENTS = `generated (${ENVIRONMENT_COUNT} environments sharing a base)`;
const CORPUS_NAME = 'onedr0p-home-ops (corpus)';
/** A PersistentVolumeClaim of the home-assistant Flux Kustomization, which renders with kustomize from this repository. */
const CORPUS_EDITED_FILE = 'kubernetes/apps/default/home-assistant/app/pvc.yaml';
const CORPUS_EDITED_ENVIRONMENT = 'home-assistant';

/** driftless/changes on the corpus renders about 80 environments twice. */
const CHANGES_TIMEOUT_MS = 600_000;
const INDEX_TIMEOUT_MS = 120_000;
/** The background renders of the setting's default leave the server quiet for this long when they are done. */
const QUIET = { quietMs: 1_000, timeoutMs: 600_000 };

interface EditedRepository {
  name: string;
  dir: string;
  editedFile: string;
  /** A one-line edit of the file, different at every step (and from the committed text). */
  edit: (text: string, step: number) => string;
  /** Environments the edit should change, at least. */
  expectedChanges: string[];
}

function toolVersions(tools: KubernetesTools): string {
  const kubectl = JSON.parse(execFileSync(tools.kubectl, ['version', '--client', '--output=json'], { encoding: 'utf8' })) as {
    clientVersion?: { gitVersion?: string };
    kustomizeVersion?: string;
  };
  const helm = execFileSync(tools.helm, ['version', '--short'], { encoding: 'utf8' }).trim();
  return `kubectl ${kubectl.clientVersion?.gitVersion ?? '?'} (kustomize ${kubectl.kustomizeVersion ?? '?'}), helm ${helm}`;
}

/** Resolves once the index is complete: until then the environments are not all known. */
async function environmentsComplete(client: LspClient): Promise<void> {
  for (;;) {
    if ((await client.request0(EnvironmentsRequest.type)).complete) return;
    if (performance.now() - client.spawnedAt > INDEX_TIMEOUT_MS) throw new Error(`The index was not complete in ${INDEX_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Writes the file and announces it as an editor's file watcher does; returns when it was announced. */
function writeAndAnnounce(client: LspClient, dir: string, file: string, text: string): number {
  writeFileSync(join(dir, file), text);
  const announcedAt = performance.now();
  client.notify(DidChangeWatchedFilesNotification.method, {
    changes: [{ uri: pathToFileURL(join(dir, file)).href, type: FileChangeType.Changed }],
  });
  return announcedAt;
}

async function requestChanges(client: LspClient): Promise<EnvironmentDiffs> {
  const result = await client.request(ChangesRequest.type, {}, CHANGES_TIMEOUT_MS);
  if ('error' in result) throw new Error(`driftless/changes failed: ${result.error}`);
  return result;
}

async function measureChanges(
  client: LspClient,
  repository: EditedRepository,
  settings: { validateRenderedOutput: boolean; kustomizeTool: string },
  repetitions: number,
  log: (line: string) => void,
): Promise<ChangesFigures> {
  // With background renders on, each measure starts once the last pass (at start, after the last edit) is done.
  const quiet = () => (settings.validateRenderedOutput ? waitUntilQuiet(client.pid, QUIET) : Promise.resolve());
  const warnings: string[] = [];
  await quiet();
  let sentAt = performance.now();
  let result = await requestChanges(client);
  const beforeEditMs = performance.now() - sentAt;
  if (result.summary.objects > 0) warnings.push(`before any edit, driftless/changes found: ${result.summary.text}`);

  const committed = readFileSync(join(repository.dir, repository.editedFile), 'utf8');
  const afterEditMs: number[] = [];
  for (let step = 0; step < repetitions; step++) {
    await quiet();
    sentAt = writeAndAnnounce(client, repository.dir, repository.editedFile, repository.edit(committed, step));
    result = await requestChanges(client);
    afterEditMs.push(performance.now() - sentAt);
  }
  await quiet();

  const changed = result.environments.filter((e) => e.changes.length > 0).map((e) => e.name);
  const missing = repository.expectedChanges.filter((name) => !changed.includes(name));
  if (repetitions > 0 && missing.length > 0) warnings.push(`after the edit, no changes in ${missing.join(', ')}`);
  const failures = result.environments.flatMap((e) => (e.error ? [{ environment: e.name, error: e.error }] : []));
  const skipped = result.environments.filter((e) => e.skipped).length;
  const figures: ChangesFigures = {
    repository: repository.name,
    validateRenderedOutput: settings.validateRenderedOutput,
    kustomizeTool: settings.kustomizeTool,
    editedFile: repository.editedFile,
    environments: result.environments.length,
    rendered: result.environments.length - skipped - failures.length,
    skipped,
    failures,
    beforeEditMs,
    afterEditMs,
    changedEnvironments: changed,
    changedObjects: result.summary.objects,
    warnings,
  };
  log(
    `  ${repository.name}, ${settings.kustomizeTool}, validateRenderedOutput ${settings.validateRenderedOutput ? 'on' : 'off'}: ` +
      `driftless/changes ${beforeEditMs.toFixed(0)} ms before any edit, ${afterEditMs.map((t) => t.toFixed(0)).join(', ')} ms after ` +
      `(${figures.rendered} rendered, ${skipped} skipped, ${failures.length} failed of ${figures.environments})`,
  );
  return figures;
}

/** driftless/render, timed from `since` (by default, the request). */
async function timedRender(client: LspClient, environment: string, since = performance.now()) {
  const result = await client.request(RenderRequest.type, { environment });
  if (!result.ok) throw new Error(`driftless/render ${environment} failed: ${result.error}`);
  return { ms: performance.now() - since, cached: result.cached, yaml: result.yaml };
}

async function measureRenderCache(
  client: LspClient,
  dir: string,
  repetitions: number,
  log: (line: string) => void,
): Promise<RenderCacheFigures> {
  const figures: RenderCacheFigures = {
    repository: GENERATED_ENVIRONMENTS,
    environments: [],
    objects: 0,
    coldMs: [],
    cachedMs: [],
    afterEditMs: [],
    warnings: [],
  };
  for (let i = 0; i < Math.min(repetitions, ENVIRONMENT_COUNT); i++) {
    const environment = environmentName(i);
    const cold = await timedRender(client, environment);
    const again = await timedRender(client, environment);
    const file = overlayPatchFile(i);
    const edited = editOverlayReplicas(readFileSync(join(dir, file), 'utf8'), i);
    const announcedAt = writeAndAnnounce(client, dir, file, edited);
    const afterEdit = await timedRender(client, environment, announcedAt);
    if (i === 0) figures.objects = cold.yaml.split(/^---$/m).filter((document) => document.trim()).length;
    if (cold.cached) figures.warnings.push(`the first render of ${environment} came from the cache`);
    if (!again.cached) figures.warnings.push(`the second render of ${environment}, nothing changed, did not come from the cache`);
    if (afterEdit.cached || !afterEdit.yaml.includes(`replicas: ${100 + i}`))
      figures.warnings.push(`the render of ${environment} after the edit does not show it`);
    figures.environments.push(environment);
    figures.coldMs.push(cold.ms);
    figures.cachedMs.push(again.ms);
    figures.afterEditMs.push(afterEdit.ms);
  }
  const list = (values: number[]) => values.map((t) => t.toFixed(1)).join(', ');
  log(
    `  driftless/render: cold ${list(figures.coldMs)} ms; cached ${list(figures.cachedMs)} ms; after an edit ${list(figures.afterEditMs)} ms`,
  );
  return figures;
}

/** Starts the server on `dir` with `settings`, waits for its index, and stops it after `use`. */
async function withServer<T>(dir: string, settings: DriftlessSettings, use: (client: LspClient) => Promise<T>): Promise<T> {
  const client = await new DriftlessServer(settings).start(dir);
  try {
    await environmentsComplete(client);
    return await use(client);
  } finally {
    await client.shutdown();
  }
}

async function inTemporaryFolder<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  // realpath: the server compares paths, and a temp dir may be reached through a symlink.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function generatedRepository(dir: string): EditedRepository {
  writeEnvironmentsRepository(dir);
  commitAll(dir);
  return {
    name: GENERATED_ENVIRONMENTS,
    dir,
    editedFile: BASE_DEPLOYMENT_FILE,
    edit: editBaseMemoryLimit,
    expectedChanges: Array.from({ length: ENVIRONMENT_COUNT }, (_, i) => environmentName(i)),
  };
}

function corpusRepository(source: string, dir: string): EditedRepository {
  cpSync(source, dir, { recursive: true });
  // The corpus is read-only; its copy is edited.
  execFileSync('chmod', ['-R', 'u+w', dir]);
  commitAll(dir);
  return {
    name: CORPUS_NAME,
    dir,
    editedFile: CORPUS_EDITED_FILE,
    edit: (text, step) => {
      if (!/^( +storage: )\d+Gi$/m.test(text)) throw new Error(`${CORPUS_EDITED_FILE} no longer has a "storage: <n>Gi" line`);
      return text.replace(/^( +storage: )\d+Gi$/m, `$1${100 + step}Gi`);
    },
    expectedChanges: [CORPUS_EDITED_ENVIRONMENT],
  };
}

/** The generated repository (both settings of validateRenderedOutput), then the corpus repository when it is there. */
export async function measureRender(
  corpusSource: string | undefined,
  repetitions: RenderRepetitions,
  log: (line: string) => void,
): Promise<RenderFigures> {
  const tools = kubernetesTools();
  if ('missing' in tools) {
    log(`  not measured: ${tools.missing}`);
    return { tools: null, notMeasured: tools.missing, changes: [], cache: null, renderTools: null };
  }
  const figures: RenderFigures = { tools: toolVersions(tools), changes: [], cache: null, renderTools: null };
  const toolSettings = { kubectlPath: tools.kubectl, helmPath: tools.helm };
  const kubectlKustomize = 'kubectl kustomize';
  // Background render validation off first: nothing competes with the requests measured. Then as installed.
  for (const validateRenderedOutput of [false, true]) {
    await inTemporaryFolder('driftless-bench-environments-', (dir) => {
      const repository = generatedRepository(dir);
      return withServer(dir, { ...toolSettings, validateRenderedOutput }, async (client) => {
        const settings = { validateRenderedOutput, kustomizeTool: kubectlKustomize };
        figures.changes.push(await measureChanges(client, repository, settings, repetitions.changes, log));
        if (!validateRenderedOutput) figures.cache = await measureRenderCache(client, dir, repetitions.render, log);
      });
    });
  }
  const kustomize = buildGoTool(KUSTOMIZE, log);
  const kustomizeTools: KustomizeTool[] = [{ label: kubectlKustomize, command: tools.kubectl, args: ['kustomize'] }];
  const notes: string[] = [];
  if ('missing' in kustomize) notes.push(kustomize.missing);
  else {
    kustomizeTools.push({ label: kustomize.label, command: kustomize.path, args: ['build'] });
    // The same shared-base edit, the server told to use the standalone kustomize (as it does when one is on PATH).
    await inTemporaryFolder('driftless-bench-environments-', (dir) => {
      const repository = generatedRepository(dir);
      const settings = { ...toolSettings, kustomizePath: kustomize.path, validateRenderedOutput: false };
      return withServer(dir, settings, async (client) => {
        const measured = { validateRenderedOutput: false, kustomizeTool: kustomize.label };
        figures.changes.push(await measureChanges(client, repository, measured, repetitions.changes, log));
      });
    });
  }
  figures.renderTools = await measureRenderTools(kustomizeTools, notes, repetitions.changes, log);
  if (corpusSource) {
    // Background renders off only: on, each edit would render its ~80 environments once more.
    const validateRenderedOutput = false;
    await inTemporaryFolder('driftless-bench-corpus-render-', (dir) => {
      const repository = corpusRepository(corpusSource, dir);
      return withServer(dir, { ...toolSettings, validateRenderedOutput }, async (client) => {
        figures.changes.push(
          await measureChanges(client, repository, { validateRenderedOutput, kustomizeTool: kubectlKustomize }, repetitions.changes, log),
        );
      });
    });
  }
  return figures;
}
