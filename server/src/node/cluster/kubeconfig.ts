// kubeconfig read as kubectl reads it (k8s.io/client-go/tools/clientcmd): `--kubeconfig FILE` alone, else every file
// of KUBECONFIG in order (missing ones skipped), else ~/.kube/config. Merged as kubectl merges them: the first file to
// name a cluster, user or context wins it, and the first current-context set is the current one; relative paths
// (certificates, keys, token files, exec commands with a folder) are relative to the file that names them. Each
// context is then handed to @kubernetes/client-node's KubeConfig, which does the authentication (client certificates,
// tokens, exec plugins, auth providers) and proxies (`proxy-url`).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import jsyaml from 'js-yaml';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { clientNode } from './client-node';
import { isRecord, type Json } from '../../engine/json';

export interface KubeconfigOptions {
  /** `--kubeconfig FILE`: that file only. */
  kubeconfig?: string;
  /** The process environment (KUBECONFIG, HOME). */
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The files kubectl would read, in order. */
export function kubeconfigFiles(options: KubeconfigOptions): { files: string[]; explicit: boolean } {
  if (options.kubeconfig) return { files: [resolve(options.cwd, options.kubeconfig)], explicit: true };
  const list = options.env.KUBECONFIG;
  if (list)
    return {
      files: list
        .split(delimiter)
        .filter((file) => file !== '')
        .map((file) => resolve(options.cwd, file)),
      explicit: false,
    };
  const home = options.env.HOME || homedir();
  return { files: [join(home, '.kube', 'config')], explicit: false };
}

export interface Kubeconfig {
  files: string[];
  contexts: { name: string; cluster: string; user?: string; namespace?: string; server?: string }[];
  currentContext?: string;
  /** One KubeConfig per context asked for, with that context current (client-node's, for authentication). */
  forContext(name: string): { ok: true; config: KubeConfig; namespace?: string; server: string } | { ok: false; error: string };
}

/** Relative paths of one file's entries made absolute against the file's folder, as kubectl resolves them. */
function absolutize(document: Json, folder: string): void {
  const fix = (entry: unknown, key: string) => {
    if (isRecord(entry) && typeof entry[key] === 'string' && entry[key] && !isAbsolute(entry[key])) entry[key] = join(folder, entry[key]);
  };
  for (const cluster of Array.isArray(document.clusters) ? document.clusters : [])
    if (isRecord(cluster)) fix(cluster.cluster, 'certificate-authority');
  for (const user of Array.isArray(document.users) ? document.users : []) {
    if (!isRecord(user) || !isRecord(user.user)) continue;
    for (const key of ['client-certificate', 'client-key', 'token-file']) fix(user.user, key);
    // An exec command with a folder in it is relative to the kubeconfig; a bare name is looked up on PATH.
    const exec = user.user.exec;
    if (isRecord(exec) && typeof exec.command === 'string' && /[\\/]/.test(exec.command)) fix(exec, 'command');
  }
}

function named(list: unknown): Json[] {
  return Array.isArray(list)
    ? list.filter((entry): entry is Json => isRecord(entry) && typeof entry.name === 'string' && entry.name !== '')
    : [];
}

/**
 * Reads and merges the files; an error names the file and what is wrong with it. client-node is loaded here, when a
 * command first talks to a cluster.
 */
export function loadKubeconfig(options: KubeconfigOptions): Kubeconfig | { error: string } {
  const { KubeConfig } = clientNode();
  const { files, explicit } = kubeconfigFiles(options);
  const merged = { clusters: new Map<string, Json>(), users: new Map<string, Json>(), contexts: new Map<string, Json>() };
  let currentContext: string | undefined;
  const read: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) return { error: `the kubeconfig ${file} does not exist.` };
      continue;
    }
    let document: unknown;
    try {
      document = jsyaml.load(readFileSync(file, 'utf8'));
    } catch (error) {
      return { error: `the kubeconfig ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
    }
    read.push(file);
    if (document === undefined || document === null) continue;
    if (!isRecord(document)) return { error: `the kubeconfig ${file} is not a kubeconfig (no clusters, users or contexts).` };
    absolutize(document, dirname(file));
    for (const [key, map] of [
      ['clusters', merged.clusters],
      ['users', merged.users],
      ['contexts', merged.contexts],
    ] as const)
      for (const entry of named(document[key])) if (!map.has(entry.name as string)) map.set(entry.name as string, entry);
    const current = document['current-context'];
    if (currentContext === undefined && typeof current === 'string' && current !== '') currentContext = current;
  }
  if (!read.length)
    return {
      error: explicit
        ? `the kubeconfig ${files[0]} does not exist.`
        : `no kubeconfig found (${files.join(delimiter)}): set KUBECONFIG or pass --kubeconfig.`,
    };
  const contexts = [...merged.contexts.values()].flatMap((entry) => {
    const context = isRecord(entry.context) ? entry.context : {};
    if (typeof context.cluster !== 'string') return [];
    const cluster = merged.clusters.get(context.cluster);
    const server = isRecord(cluster?.cluster) && typeof cluster.cluster.server === 'string' ? cluster.cluster.server : undefined;
    return [
      {
        name: entry.name as string,
        cluster: context.cluster,
        ...(typeof context.user === 'string' && context.user ? { user: context.user } : {}),
        ...(typeof context.namespace === 'string' && context.namespace ? { namespace: context.namespace } : {}),
        ...(server ? { server } : {}),
      },
    ];
  });
  return {
    files: read,
    contexts,
    ...(currentContext ? { currentContext } : {}),
    forContext(name) {
      const context = merged.contexts.get(name);
      if (!context) return { error: `there is no context "${name}" in ${read.join(delimiter)}.`, ok: false };
      const spec = isRecord(context.context) ? context.context : {};
      const cluster = typeof spec.cluster === 'string' ? merged.clusters.get(spec.cluster) : undefined;
      if (!cluster)
        return { ok: false, error: `the context "${name}" names a cluster "${String(spec.cluster)}" no kubeconfig file defines.` };
      const user = typeof spec.user === 'string' ? merged.users.get(spec.user) : undefined;
      if (typeof spec.user === 'string' && spec.user && !user)
        return { ok: false, error: `the context "${name}" names a user "${spec.user}" no kubeconfig file defines.` };
      const config = new KubeConfig();
      try {
        config.loadFromString(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Config',
            clusters: [cluster],
            users: user ? [user] : [],
            contexts: [context],
            'current-context': name,
          }),
        );
      } catch (error) {
        return { ok: false, error: `the context "${name}" cannot be used: ${(error as Error).message}` };
      }
      const namespace = typeof spec.namespace === 'string' && spec.namespace ? spec.namespace : undefined;
      return { ok: true, config, server: config.getCurrentCluster()!.server, ...(namespace ? { namespace } : {}) };
    },
  };
}
