// How a request that needs a forge token runs: first as it is (the server may have one from its environment), then
// with the token the forge asked for, then — when that one was refused — once more with a token asked for anew.
// Kept free of VS Code so that it is tested on its own (test/unit/token-retry.test.ts).
import type { ForgeTokenNeeded } from '../../../server/src/protocol';

type Needed = ForgeTokenNeeded['needsToken'];

/** Where tokens come from: VS Code's sign-in or SecretStorage (ForgeTokens), or a test's stand-in. */
export interface TokenSource {
  /** A token; `again`: the last was refused (forget it, ask anew); `silent`: only what is at hand, nobody asked. */
  get(needed: Needed, again?: boolean, silent?: boolean): Promise<string | undefined>;
}

export async function withForgeToken<R extends object>(
  tokens: TokenSource,
  send: (token: string | undefined) => Promise<R | ForgeTokenNeeded>,
  options: { silent?: boolean } = {},
): Promise<R | ForgeTokenNeeded | { error: string; kind: string } | undefined> {
  let answer = await send(undefined);
  if (!('needsToken' in answer)) return answer;
  const needed = answer.needsToken;
  if (options.silent) {
    const token = await tokens.get(needed, false, true);
    return token ? send(token) : answer;
  }
  for (const again of [false, true]) {
    const token = await tokens.get(needed, again);
    if (!token) return undefined;
    answer = await send(token);
    if ('needsToken' in answer) return { error: `${needed.forge} still asks for a token.`, kind: 'auth' };
    if ((answer as { kind?: unknown }).kind !== 'auth') return answer;
  }
  return answer;
}
