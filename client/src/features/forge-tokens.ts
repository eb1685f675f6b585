// Tokens for forges and argocd-server, held by the client: GitHub's from VS Code's own GitHub sign-in ('github', or
// 'github-enterprise' for a GitHub Enterprise server), GitLab's, Gitea's and argocd-server's in SecretStorage (keyed by
// the web address or the server's URL), asked once. A token that is refused is dropped and asked for again, once. The
// server gets a token per request and keeps none; nothing here logs one.
import * as vscode from 'vscode';
import type { ForgeTokenNeeded } from '../../../server/src/protocol';
import type { TokenSource } from './token-retry';

type Needed = ForgeTokenNeeded['needsToken'];

const SECRET_PREFIX = 'driftless.forgeToken:';
const ARGOCD_PREFIX = 'driftless.argocdToken:';

export class ForgeTokens implements TokenSource {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(needed: Pick<Needed, 'webUrl'> & { kind?: Needed['kind'] }): string {
    return `${needed.kind === 'argocd' ? ARGOCD_PREFIX : SECRET_PREFIX}${needed.webUrl.replace(/\/+$/, '')}`;
  }

  /** Whether a GitHub host is github.com (VS Code's 'github' provider) or an Enterprise server ('github-enterprise'). */
  private githubProvider(webUrl: string): 'github' | 'github-enterprise' {
    return /^https:\/\/github\.com$/i.test(webUrl.replace(/\/+$/, '')) ? 'github' : 'github-enterprise';
  }

  /**
   * A token for the forge that asked for one; undefined when the user declined. `again`: the last one was refused,
   * so it is forgotten and asked for anew.
   */
  async get(needed: Needed, again = false, silent = false): Promise<string | undefined> {
    if (needed.kind === 'github') {
      const provider = this.githubProvider(needed.webUrl);
      try {
        const session = await vscode.authentication.getSession(
          provider,
          ['repo'],
          silent
            ? { silent: true }
            : again
              ? { forceNewSession: { detail: `${needed.forge} refused the last sign-in. Sign in again to open pull requests.` } }
              : { createIfNone: true },
        );
        if (session) return session.accessToken;
      } catch {
        // No such provider here (a web VS Code without GitHub sign-in), or the user declined: SecretStorage, as for the others.
      }
    }
    const key = this.key(needed);
    if (again) await this.secrets.delete(key);
    const stored = await this.secrets.get(key);
    if (stored || silent) return stored;
    const what =
      needed.kind === 'argocd' ? `sync ${needed.repository} (argocd account generate-token)` : `open pull requests in ${needed.repository}`;
    const entered = await vscode.window.showInputBox({
      title: `Driftless: a token for ${needed.forge} at ${needed.webUrl}`,
      prompt: again
        ? `${needed.forge} refused the stored token. Paste a new one that may ${what} (kept in VS Code's secret storage).`
        : `Paste a token that may ${what}. It is kept in VS Code's secret storage, never in settings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A token is needed to reach the forge.'),
    });
    if (!entered?.trim()) return undefined;
    await this.secrets.store(key, entered.trim());
    return entered.trim();
  }

  /** Stores a token for a forge's web address, or (kind argocd) an argocd-server's URL: the commands, and scripts. */
  async store(webUrl: string, token: string, kind?: 'argocd'): Promise<void> {
    await this.secrets.store(this.key({ webUrl, ...(kind ? { kind } : {}) }), token);
  }

  async forget(webUrl: string, kind?: 'argocd'): Promise<void> {
    await this.secrets.delete(this.key({ webUrl, ...(kind ? { kind } : {}) }));
  }

  /** Whether a token is kept for an argocd-server's URL (never the token itself). */
  async hasArgoCd(server: string): Promise<boolean> {
    return !!(await this.secrets.get(this.key({ webUrl: server, kind: 'argocd' })));
  }
}
