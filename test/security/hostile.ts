// The instruments of the hostile-repository suite: what a payload would leave behind if it ran (a marker file), a
// file outside the repository with a unique string (a canary: it must never appear in any output), a local TCP
// listener that records every connection (URLs point at it: it must record none), an environment variable with a
// unique value (it must never appear either), kubectl and helm wrappers that count their runs, and a census of what a
// run may leave behind (temporary folders, registered worktrees, processes).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubernetesTools } from '../../scripts/kubernetes-tools';

/** The environment variable every run gets, whose value must never be printed. */
export const CANARY_ENV = 'DRIFTLESS_TEST_CI_TOKEN';

/** A stack trace line, as Node prints one: never in any output. */
export const STACK_TRACE = /\n\s+at .+[:(]\d+:\d+\)?/;

export class Instruments {
  /** Everything of this suite's (the repositories, the canary, the wrappers) lives below here. */
  readonly scratch = realpathSync(mkdtempSync(join(tmpdir(), 'driftless-hostile-')));
  /** Created by any payload that ran. */
  readonly marker = join(this.scratch, 'pwned');
  /** Outside every repository. */
  readonly canaryFile = join(this.scratch, 'outside', 'canary.txt');
  readonly canaryText = `CANARY-FILE-${randomBytes(8).toString('hex')}`;
  readonly canaryEnv = `CANARY-ENV-${randomBytes(8).toString('hex')}`;
  /** The wrappers' log: one line per run ("kubectl kustomize ...", "helm template ..."). */
  readonly toolLog = join(this.scratch, 'tools.log');
  readonly tools: KubernetesTools;
  private listener: Server | undefined;
  readonly connections: string[] = [];
  port = 0;

  constructor(real: KubernetesTools) {
    mkdirSync(dirname(this.canaryFile), { recursive: true });
    writeFileSync(this.canaryFile, `${this.canaryText}\n`);
    // A YAML file outside too, and a folder outside with a kustomization: what a path or link out of a repository
    // would reach.
    writeFileSync(join(this.scratch, 'outside', 'values.yaml'), `leak: ${this.canaryText}\n`);
    writeFileSync(
      join(this.scratch, 'outside', 'cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside}\ndata: {leak: ${this.canaryText}}\n`,
    );
    writeFileSync(join(this.scratch, 'outside', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
    writeFileSync(join(this.scratch, 'outside', 'params.json'), JSON.stringify({ name: this.canaryText.toLowerCase() }));
    const bin = join(this.scratch, 'bin');
    mkdirSync(bin);
    const wrapper = (name: string, real: string) => {
      const path = join(bin, name);
      writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${this.toolLog}'\nexec '${real}' "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    };
    this.tools = { kubectl: wrapper('kubectl', real.kubectl), helm: wrapper('helm', real.helm) };
  }

  /** Starts the listener every URL of the hostile repositories points at. */
  async listen(): Promise<void> {
    this.listener = createServer((socket) => {
      this.connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => this.listener!.listen(0, '127.0.0.1', resolve));
    this.port = (this.listener.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The runs of the wrapped tools so far, one line each. */
  toolRuns(): string[] {
    return existsSync(this.toolLog) ? readFileSync(this.toolLog, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** The runs that render (not `version`). */
  renders(): string[] {
    return this.toolRuns().filter((line) => !/ version/.test(line));
  }

  /** What no output may contain. */
  get secrets(): string[] {
    return [this.canaryText, this.canaryText.toLowerCase(), this.canaryEnv];
  }

  /** The environment of a run: this process's, with the canary variable. */
  env(): NodeJS.ProcessEnv {
    return { ...process.env, NO_COLOR: '1', [CANARY_ENV]: this.canaryEnv };
  }

  async dispose(): Promise<void> {
    await new Promise<void>((resolve) => (this.listener ? this.listener.close(() => resolve()) : resolve()));
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** A git repository made at test time below `scratch`: files written, committed on `main`. */
export class Repository {
  readonly root: string;

  constructor(
    scratch: string,
    name: string,
    files: Record<string, string>,
    options: { links?: Record<string, string>; remote?: string } = {},
  ) {
    this.root = join(scratch, 'repos', name);
    mkdirSync(this.root, { recursive: true });
    this.write(files);
    for (const [link, target] of Object.entries(options.links ?? {})) {
      mkdirSync(dirname(join(this.root, link)), { recursive: true });
      symlinkSync(target, join(this.root, link));
    }
    this.git('init', '--quiet', '--initial-branch', 'main');
    if (options.remote) this.git('remote', 'add', 'origin', options.remote);
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', 'base');
  }

  /**
   * Edits every YAML and env file in the working tree (a comment appended, links left alone), so that a diff renders
   * both sides of every environment.
   */
  touchAll(folder = this.root): void {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && entry.name !== '.git') this.touchAll(path);
      else if (entry.isFile() && /\.(ya?ml|env)$/.test(entry.name)) appendFileSync(path, '\n# edited in the working tree\n');
    }
  }

  write(files: Record<string, string>): void {
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.root, relative)), { recursive: true });
      writeFileSync(join(this.root, relative), text);
    }
  }

  git(...args: string[]): string {
    return execFileSync(
      'git',
      ['-C', this.root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        encoding: 'utf8',
      },
    );
  }

  worktrees(): string[] {
    return this.git('worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith('worktree '));
  }
}

/**
 * The temporary folders the processes `pids` made for renders and diffs (leftovers.ts names them with the process
 * id, so other runs on the machine do not count): none may remain once a run is over.
 */
export function runFolders(pids: readonly number[]): string[] {
  return readdirSync(tmpdir())
    .filter((name) => pids.some((pid) => new RegExp(`^driftless-(base|build|mirror|tool-home)-${pid}-`).test(name)))
    .sort();
}

/** Whether a process is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
