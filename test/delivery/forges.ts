// The forges the delivery tests run against, behind one shape: the GitHub and GitLab stand-ins (test/forges, served
// from this process) and a real Gitea (scripts/gitea.ts, its own process). Each holds `acme/fleet` (Gitea: its user's
// `fleet`) with main pushed from a clone that can push with the forge's credentials.
import { join } from 'node:path';
import { giteaMissing, startGitea, type RunningGitea } from '../../scripts/gitea';
import type { ForgeKind } from '../../server/src/engine/delivery/forge';
import { GitHubStandIn } from '../forges/github-stand-in';
import { GitLabStandIn } from '../forges/gitlab-stand-in';
import { bareRepository, cloneOf, storeCredentials } from './repositories';

export interface TestForge {
  kind: ForgeKind;
  /** What the test report calls it. */
  label: string;
  url: string;
  token: string;
  /** The repository's clone URL (no credentials), and its owner/name. */
  remoteUrl: string;
  fullName: string;
  /** A clone configured to push to it. */
  clone(path: string): Promise<string>;
  standIn?: GitHubStandIn | GitLabStandIn;
  gitea?: RunningGitea;
  stop(): Promise<void>;
}

export async function standInForge(kind: 'github' | 'gitlab', root: string): Promise<TestForge> {
  const remotes = join(root, 'remotes');
  bareRepository(remotes, 'acme', 'fleet');
  const standIn = await (kind === 'github' ? new GitHubStandIn(remotes) : new GitLabStandIn(remotes)).start();
  return {
    kind,
    label: `${kind === 'github' ? 'GitHub' : 'GitLab'} stand-in`,
    url: standIn.url,
    token: standIn.token,
    remoteUrl: `${standIn.url}/acme/fleet.git`,
    fullName: 'acme/fleet',
    standIn,
    async clone(path) {
      const clone = await cloneOf(`${standIn.url}/acme/fleet.git`, path);
      storeCredentials(clone, 'driftless-bot', standIn.token);
      return clone;
    },
    stop: () => standIn.stop(),
  };
}

/** A real Gitea, or undefined (with the reason) where its binary is not built. */
export async function giteaForge(root: string): Promise<TestForge | { missing: string }> {
  const missing = giteaMissing();
  if (missing) return { missing };
  const gitea = await startGitea(join(root, 'gitea'));
  const remoteUrl = await gitea.createRepository('fleet');
  return {
    kind: 'gitea',
    label: 'Gitea 1.26 (real)',
    url: gitea.url,
    token: gitea.token,
    remoteUrl,
    fullName: `${gitea.user}/fleet`,
    gitea,
    async clone(path) {
      const clone = await cloneOf(remoteUrl, path);
      storeCredentials(clone, gitea.user, gitea.password);
      return clone;
    },
    stop: () => gitea.stop(),
  };
}
