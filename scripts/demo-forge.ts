// The demo's forge: the sample repository's `origin`, on this machine, so that "Driftless: Create Pull Request…"
// works out of the box. A real Gitea when its binary is built (npm run gitea), else the GitLab
// stand-in of the tests. Git pushes with a credential file of the demo's own; the language server reads the token
// from GITEA_TOKEN / GITLAB_TOKEN in code-server's environment (as the CLI does), so nothing is asked.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitLabStandIn } from '../test/forges/gitlab-stand-in';
import { giteaMissing, startGitea } from './gitea';

export interface DemoForge {
  kind: 'gitea' | 'gitlab';
  label: string;
  /** The forge's web address (open it in a browser to see the pull requests). */
  url: string;
  /** For code-server's environment: the token variable the server reads. */
  env: Record<string, string>;
  /** For VS Code's settings. */
  settings: Record<string, unknown>;
  /** Who to sign in as in the browser (Gitea only). */
  login?: { user: string; password: string };
  /** The bare repository the forge serves the sample from (the demo's test controllers render from it). */
  bare: string;
  stop(): Promise<void>;
}

/** git, not blocking: the stand-in answers from this very process. */
async function git(cwd: string, ...args: string[]): Promise<void> {
  await promisify(execFile)('git', args, { cwd });
}

/**
 * Makes a forge under `home`, with a repository named as the sample, makes it `origin` of `folder` (the remote the
 * sample's Argo CD and Flux objects name stays, as `upstream`), and pushes main.
 */
export async function attachDemoForge(folder: string, home: string): Promise<DemoForge> {
  const forgeHome = join(home, 'forge');
  rmSync(forgeHome, { recursive: true, force: true });
  mkdirSync(forgeHome, { recursive: true });
  let forge: Omit<DemoForge, 'settings' | 'env'> & { remoteUrl: string; user: string; secret: string; variable: string };
  if (!giteaMissing()) {
    const gitea = await startGitea(join(forgeHome, 'gitea'));
    const remoteUrl = await gitea.createRepository('driftless-sample-repo');
    forge = {
      kind: 'gitea',
      label: 'Gitea 1.26',
      url: gitea.url,
      remoteUrl,
      user: gitea.user,
      secret: gitea.token,
      variable: 'GITEA_TOKEN',
      login: { user: gitea.user, password: gitea.password },
      // Gitea keeps each repository bare under its ROOT, by owner (lower case).
      bare: join(gitea.folder, 'repositories', gitea.user.toLowerCase(), 'driftless-sample-repo.git'),
      stop: () => gitea.stop(),
    };
  } else {
    // The stand-in serves git from bare repositories under its root.
    const remotes = join(forgeHome, 'remotes');
    mkdirSync(join(remotes, 'demo'), { recursive: true });
    await git(join(remotes, 'demo'), 'init', '--quiet', '--bare', '--initial-branch', 'main', 'driftless-sample-repo.git');
    const standIn = await new GitLabStandIn(remotes).start();
    forge = {
      kind: 'gitlab',
      label: `the GitLab stand-in (${giteaMissing()})`,
      url: standIn.url,
      remoteUrl: `${standIn.url}/demo/driftless-sample-repo.git`,
      user: 'demo',
      secret: standIn.token,
      variable: 'GITLAB_TOKEN',
      bare: join(remotes, 'demo', 'driftless-sample-repo.git'),
      stop: () => standIn.stop(),
    };
  }
  // Credentials for git, in a file of the demo's (never in the remote's URL).
  const credentials = join(forgeHome, 'git-credentials');
  const at = new URL(forge.url);
  writeFileSync(credentials, `${at.protocol}//${forge.user}:${encodeURIComponent(forge.secret)}@${at.host}\n`, { mode: 0o600 });
  await git(folder, 'remote', 'rename', 'origin', 'upstream');
  await git(folder, 'remote', 'add', 'origin', forge.remoteUrl);
  await git(folder, 'config', 'credential.helper', `store --file=${credentials}`);
  await git(folder, 'push', '--quiet', '--set-upstream', 'origin', 'main');
  const { remoteUrl: _remoteUrl, user: _user, secret, variable, ...shown } = forge;
  return {
    ...shown,
    env: { [variable]: secret },
    settings: { 'driftless.forges': [{ url: forge.url, kind: forge.kind }] },
  };
}
