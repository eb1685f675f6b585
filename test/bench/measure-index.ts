// Measures the workspace index of the built language server on a repository: spawn to a complete index, spawn to
// the first finding that needs other files, memory once indexed, and the time to check again after an edit — of the
// open file itself, and of a file whose references another file's edit changed.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { DocumentStatusRequest } from '../../server/src/protocol';
import { CONFIG_FILE, RENAMED_CONFIG_MAP, WORKLOADS_FILE, writeGeneratedRepository } from './generate-repository';
import { DriftlessServer } from './driftless-server';
import type { LspClient } from './lsp-client';
import { readProcessMemory, type ProcessMemory } from './process-memory';

export interface IndexFigures {
  repository: string;
  /** Files holding resources (kustomization files and others without any are not counted). */
  files: number;
  resources: number;
  /** Spawn to documentStatus saying the index is complete (polled every 10 ms). */
  indexCompleteMs: number;
  /** Spawn to the first unresolved-reference diagnostic of the file opened right after the handshake. */
  firstCrossFileFindingMs: number | null;
  memory: ProcessMemory;
  /** An edit of the open file (an image tag) to its diagnostics. */
  editRecheckMs: number[];
  /** An edit of another open file (renaming a ConfigMap the first uses) to the first file's new diagnostics. */
  crossFileRecheckMs: number[];
}

export const GENERATED_REPOSITORY = 'generated (200 kustomize apps, 10,000 resources)';
const INDEX_TIMEOUT_MS = 120_000;

function isUnresolved(d: Diagnostic): boolean {
  return d.code === 'unresolved-reference';
}

async function indexComplete(client: LspClient, uri: string): Promise<{ at: number; files: number; resources: number }> {
  for (;;) {
    const status = await client.request(DocumentStatusRequest.type, { uri });
    if (status?.index.complete) return { at: performance.now(), files: status.index.files, resources: status.index.resources };
    if (performance.now() - client.spawnedAt > INDEX_TIMEOUT_MS)
      throw new Error(`The index of ${uri} was not complete in ${INDEX_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An edit to `text` that changes nothing other files see: the first image tag's minor version. */
function retag(text: string, step: number): string {
  return text.replace(/(image: \S+:1\.)(\d+)(\.0)/, (_, before: string, _minor: string, after: string) => `${before}${100 + step}${after}`);
}

interface Repository {
  dir: string;
  /** The file opened first and edited; where the first cross-file finding is expected, if any is. */
  watched: string;
  /** Another file, and an edit of it that changes what `watched` resolves (and its undoing). */
  other?: { path: string; edit: (text: string, undo: boolean) => string; findingsAfter: (undo: boolean) => number };
  expectFinding: boolean;
}

async function measureRepository(
  name: string,
  repository: Repository,
  repetitions: number,
  log: (line: string) => void,
): Promise<IndexFigures> {
  const server = new DriftlessServer();
  const watchedUri = pathToFileURL(join(repository.dir, repository.watched)).href;
  const watchedText = readFileSync(join(repository.dir, repository.watched), 'utf8');
  const client = await server.start(repository.dir);
  try {
    const firstFinding = repository.expectFinding
      ? client.waitForDiagnostics(watchedUri, { predicate: (p) => p.diagnostics.some(isUnresolved), timeoutMs: INDEX_TIMEOUT_MS })
      : undefined;
    client.open(watchedUri, watchedText, 1);
    const complete = await indexComplete(client, watchedUri);
    const finding = firstFinding ? await firstFinding : undefined;
    const memory = readProcessMemory(client.pid);
    log(
      `  ${name}: index complete after ${(complete.at - client.spawnedAt).toFixed(0)} ms (${complete.files} files, ${complete.resources} resources)`,
    );

    let version = 1;
    const editRecheckMs: number[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      version++;
      const published = client.waitForDiagnostics(watchedUri, { version });
      const sentAt = client.change(watchedUri, version, retag(watchedText, rep));
      editRecheckMs.push((await published).at - sentAt);
    }
    const crossFileRecheckMs: number[] = [];
    if (repository.other) {
      const { path, edit, findingsAfter } = repository.other;
      const otherUri = pathToFileURL(join(repository.dir, path)).href;
      const otherText = readFileSync(join(repository.dir, path), 'utf8');
      client.open(otherUri, otherText, 1);
      for (let rep = 0; rep < repetitions; rep++) {
        const undo = rep % 2 === 1;
        const expected = findingsAfter(undo);
        const published = client.waitForDiagnostics(watchedUri, {
          predicate: (p) => p.diagnostics.filter(isUnresolved).length === expected,
        });
        const sentAt = client.change(otherUri, rep + 2, edit(otherText, undo));
        crossFileRecheckMs.push((await published).at - sentAt);
      }
    }
    return {
      repository: name,
      files: complete.files,
      resources: complete.resources,
      indexCompleteMs: complete.at - client.spawnedAt,
      firstCrossFileFindingMs: finding ? finding.at - client.spawnedAt : null,
      memory,
      editRecheckMs,
      crossFileRecheckMs,
    };
  } finally {
    await client.shutdown();
  }
}

/** The generated repository, and the largest repository of the corpus when it is there. */
export async function measureIndex(
  corpusRepository: string | undefined,
  repetitions: number,
  log: (line: string) => void,
): Promise<IndexFigures[]> {
  const figures: IndexFigures[] = [];
  const generated = mkdtempSync(join(tmpdir(), 'driftless-bench-repository-'));
  try {
    writeGeneratedRepository(generated);
    figures.push(
      await measureRepository(
        GENERATED_REPOSITORY,
        {
          dir: generated,
          watched: WORKLOADS_FILE,
          expectFinding: true,
          other: {
            path: CONFIG_FILE,
            // Renaming the ConfigMap the first Deployment uses makes a second finding; renaming it back removes it.
            edit: (text, undo) => (undo ? text : text.replace(`name: ${RENAMED_CONFIG_MAP}\n`, `name: ${RENAMED_CONFIG_MAP}-renamed\n`)),
            findingsAfter: (undo) => (undo ? 1 : 2),
          },
        },
        repetitions,
        log,
      ),
    );
  } finally {
    rmSync(generated, { recursive: true, force: true });
  }
  if (corpusRepository) {
    const copy = mkdtempSync(join(tmpdir(), 'driftless-bench-corpus-'));
    try {
      cpSync(corpusRepository, copy, { recursive: true });
      figures.push(
        await measureRepository(
          'onedr0p-home-ops (corpus)',
          {
            dir: copy,
            watched: 'kubernetes/apps/default/home-assistant/ks.yaml',
            expectFinding: false,
            other: {
              path: 'kubernetes/apps/kube-system/multus/ks.yaml',
              // home-assistant depends on multus-networks: renaming that Kustomization leaves the dependency dangling.
              edit: (text, undo) => (undo ? text : text.replace('name: multus-networks\n', 'name: multus-networks-renamed\n')),
              findingsAfter: (undo) => (undo ? 0 : 1),
            },
          },
          repetitions,
          log,
        ),
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return figures;
}
