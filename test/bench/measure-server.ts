// Measures one language server on the generated file: cold start, open, edit and completion latencies (wall clock,
// any debounce included) and peak memory, after checking that the server really validates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { DiagnosticsArrival, LspClient } from './lsp-client';
import { editImageTag, insertBlankContainerLine } from './manifest-edits';
import { readProcessMemory, type ProcessMemory } from './process-memory';
import type { ServerUnderTest } from './server-under-test';

export interface ServerRepetitions {
  coldStart: number;
  /** Fresh servers, each opening the large file right after its first small one. */
  largeOpenAfterStart: number;
  open: number;
  edit: number;
  completion: number;
}

export interface ServerFigures {
  server: string;
  version: string;
  /** Spawn to the initialize response. */
  initializeMs: number[];
  /** Spawn to the first diagnostics of the generated file, opened right after the handshake. */
  coldStartMs: number[];
  /** didOpen of a new URI with the same text to its diagnostics, in a warm server. */
  openMs: number[];
  /**
   * In a fresh server that has just answered a small file: didOpen of the large file to its final diagnostics (the
   * last publish before a quiet second; a server may publish again once its workspace is indexed).
   */
  largeOpenAfterStartMs: number[];
  /** The same to the first diagnostics of the large file. */
  largeOpenAfterStartFirstMs: number[];
  /** One-character didChange to the diagnostics of that version. */
  editMs: number[];
  /** Completion request to response on a blank line among a container's keys, diagnostics settled. */
  completionMs: number[];
  completionItems: number;
  completionSample: string[];
  memory: ProcessMemory;
  /** Diagnostics on the generated file (which is valid: 0 expected). */
  generatedFileDiagnostics: string[];
  /** Diagnostics on a deliberately invalid Deployment (some expected: proof the server validates). */
  invalidDocumentDiagnostics: string[];
}

const COLD_START_TIMEOUT_MS = 120_000;
const MAIN_FILE = 'manifests.yaml';
/** A publish that comes this long after the last one is not waited for: the diagnostics are final. */
const SETTLED_MS = 1_000;

/**
 * The first file a user opens, before the large one: small, with one schema error (a number of replicas written as a
 * word), so that its diagnostics show the server has its Kubernetes schemas loaded.
 */
const SMALL_FILE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: settings
spec:
  replicas: three
  selector:
    matchLabels:
      app: settings
  template:
    metadata:
      labels:
        app: settings
    spec:
      containers:
        - name: settings
          image: registry.example.com/settings:1.0.0
`;

/** Two schema errors, on the lines of `replicas: three` (wrong type) and `portz` (unknown field). */
const INVALID_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: three
  selector:
    matchLabels:
      app: broken
  template:
    metadata:
      labels:
        app: broken
    spec:
      containers:
        - name: broken
          image: nginx:1.27
          portz: 80
`;

function describeDiagnostics(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    return `${d.range.start.line + 1}:${d.range.start.character + 1} ${message.split('\n')[0]}`;
  });
}

class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'driftless-bench-'));

  /** Writes the file to disk too, so a server that reads the workspace sees what the editor has open. */
  add(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return pathToFileURL(path).href;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function measureColdStart(server: ServerUnderTest, workspace: Workspace, uri: string, text: string) {
  const client = await server.start(workspace.dir);
  try {
    const diagnostics = client.waitForDiagnostics(uri, { version: 1, timeoutMs: COLD_START_TIMEOUT_MS });
    client.open(uri, text, 1);
    const arrival = await diagnostics;
    return {
      client,
      initializeMs: client.initializeResponseAt - client.spawnedAt,
      coldStartMs: arrival.at - client.spawnedAt,
    };
  } catch (error) {
    client.kill();
    throw error;
  }
}

/** Resolves with the last publish for `uri` once none has come for SETTLED_MS. */
async function finalDiagnostics(client: LspClient, uri: string, first: DiagnosticsArrival): Promise<DiagnosticsArrival> {
  let last = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLED_MS));
    const latest = client.diagnosticsOf(uri) ?? last;
    if (latest.at === last.at) return last;
    last = latest;
  }
}

/**
 * A fresh server on a workspace holding a small file and the large one: the small file is opened first and answered,
 * then the large one, as a user who opens a big manifest right after starting the editor.
 */
export async function measureLargeOpenAfterStart(server: ServerUnderTest, text: string): Promise<{ firstMs: number; finalMs: number }> {
  const workspace = new Workspace();
  const small = workspace.add('settings.yaml', SMALL_FILE);
  const large = workspace.add('large.yaml', text);
  const client = await server.start(workspace.dir);
  try {
    const smallDiagnostics = client.waitForDiagnostics(small, {
      version: 1,
      predicate: (params) => params.diagnostics.length > 0,
      timeoutMs: COLD_START_TIMEOUT_MS,
    });
    client.open(small, SMALL_FILE, 1);
    await smallDiagnostics;
    const largeDiagnostics = client.waitForDiagnostics(large, { version: 1, timeoutMs: COLD_START_TIMEOUT_MS });
    const sentAt = client.open(large, text, 1);
    const first = await largeDiagnostics;
    const final = await finalDiagnostics(client, large, first);
    return { firstMs: first.at - sentAt, finalMs: final.at - sentAt };
  } finally {
    await client.shutdown();
    workspace.remove();
  }
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length - 1;
}

/** Proof that the server validates against the Kubernetes schema: it must flag a line the schema rejects. */
async function checkValidates(client: LspClient, server: ServerUnderTest, workspace: Workspace): Promise<string[]> {
  const uri = workspace.add('invalid-deployment.yaml', INVALID_DEPLOYMENT);
  const published = client.waitForDiagnostics(uri, { version: 1 });
  client.open(uri, INVALID_DEPLOYMENT, 1);
  const { diagnostics } = (await published).params;
  client.close(uri);
  const badLines = [lineOf(INVALID_DEPLOYMENT, 'replicas: three'), lineOf(INVALID_DEPLOYMENT, 'portz')];
  if (!diagnostics.some((d) => badLines.includes(d.range.start.line))) {
    const found = describeDiagnostics(diagnostics).join('\n  ') || '(none)';
    throw new Error(
      `${server.name} did not flag the schema errors of a deliberately invalid Deployment, so it is not validating and its timings would mean nothing. It reported:\n  ${found}`,
    );
  }
  return describeDiagnostics(diagnostics);
}

async function measureOpen(client: LspClient, workspace: Workspace, text: string, repetitions: number): Promise<number[]> {
  const times: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const uri = workspace.add(`opened-${rep}.yaml`, text);
    const diagnostics = client.waitForDiagnostics(uri, { version: 1 });
    const sentAt = client.open(uri, text, 1);
    times.push((await diagnostics).at - sentAt);
    client.close(uri);
  }
  return times;
}

/** Edits the open main file; returns the times and the last version sent. */
async function measureEdit(
  client: LspClient,
  uri: string,
  text: string,
  repetitions: number,
): Promise<{ times: number[]; version: number }> {
  const times: number[] = [];
  let version = 1;
  for (let rep = 0; rep < repetitions; rep++) {
    version++;
    const diagnostics = client.waitForDiagnostics(uri, { version });
    const sentAt = client.change(uri, version, editImageTag(text, rep));
    times.push((await diagnostics).at - sentAt);
  }
  return { times, version };
}

async function measureCompletion(client: LspClient, uri: string, text: string, version: number, repetitions: number) {
  const edited = insertBlankContainerLine(text);
  const settled = client.waitForDiagnostics(uri, { version: version + 1 });
  client.change(uri, version + 1, edited.text);
  await settled;
  const times: number[] = [];
  let labels: string[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const sentAt = performance.now();
    const items = await client.completion(uri, edited.position);
    times.push(performance.now() - sentAt);
    labels = items.map((item) => item.label);
  }
  return { times, items: labels.length, sample: labels.slice(0, 8) };
}

export async function measureServer(
  server: ServerUnderTest,
  text: string,
  repetitions: ServerRepetitions,
  log: (line: string) => void,
): Promise<ServerFigures> {
  const workspace = new Workspace();
  const uri = workspace.add(MAIN_FILE, text);
  const initializeMs: number[] = [];
  const coldStartMs: number[] = [];
  const largeOpenAfterStartMs: number[] = [];
  const largeOpenAfterStartFirstMs: number[] = [];
  let warm: LspClient | undefined;
  try {
    for (let rep = 0; rep < repetitions.largeOpenAfterStart; rep++) {
      const run = await measureLargeOpenAfterStart(server, text);
      largeOpenAfterStartMs.push(run.finalMs);
      largeOpenAfterStartFirstMs.push(run.firstMs);
      log(
        `  large file opened right after start ${rep + 1}/${repetitions.largeOpenAfterStart}: ${run.finalMs.toFixed(0)} ms (first ${run.firstMs.toFixed(0)} ms)`,
      );
    }
    for (let rep = 0; rep < repetitions.coldStart; rep++) {
      const run = await measureColdStart(server, workspace, uri, text);
      initializeMs.push(run.initializeMs);
      coldStartMs.push(run.coldStartMs);
      log(`  cold start ${rep + 1}/${repetitions.coldStart}: ${run.coldStartMs.toFixed(0)} ms`);
      // The last fresh server stays up for the warm measurements.
      if (rep < repetitions.coldStart - 1) await run.client.shutdown();
      else warm = run.client;
    }
    if (!warm) throw new Error('At least one cold start is needed');
    const generatedFileDiagnostics = describeDiagnostics(warm.diagnosticsOf(uri)?.params.diagnostics ?? []);
    const invalidDocumentDiagnostics = await checkValidates(warm, server, workspace);
    const openMs = await measureOpen(warm, workspace, text, repetitions.open);
    log(`  open: ${openMs.map((t) => t.toFixed(0)).join(', ')} ms`);
    const edit = await measureEdit(warm, uri, text, repetitions.edit);
    log(`  edit: ${edit.times.map((t) => t.toFixed(0)).join(', ')} ms`);
    const completion = await measureCompletion(warm, uri, text, edit.version, repetitions.completion);
    log(`  completion: ${completion.times.map((t) => t.toFixed(1)).join(', ')} ms, ${completion.items} items`);
    const memory = readProcessMemory(warm.pid);
    return {
      server: server.name,
      version: server.version,
      initializeMs,
      coldStartMs,
      openMs,
      largeOpenAfterStartMs,
      largeOpenAfterStartFirstMs,
      editMs: edit.times,
      completionMs: completion.times,
      completionItems: completion.items,
      completionSample: completion.sample,
      memory,
      generatedFileDiagnostics,
      invalidDocumentDiagnostics,
    };
  } finally {
    await warm?.shutdown();
    workspace.remove();
  }
}
