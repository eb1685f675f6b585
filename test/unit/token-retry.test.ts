// The client's token flow for forge requests, on its own: the request first goes without a token (the server may have
// one from its environment); a token is asked for when the forge needs one; a refused token is forgotten and asked
// for once more, never twice; declining stops; a silent refresh asks nobody.
import { strict as assert } from 'node:assert';
import { withForgeToken, type TokenSource } from '../../client/src/features/token-retry';

const NEEDED = {
  needsToken: { kind: 'gitea' as const, forge: 'Gitea', webUrl: 'http://127.0.0.1:3000', repository: 'a/b', variable: 'GITEA_TOKEN' },
};

/** A forge that takes only `good`, and a record of what was sent. */
type Answer = { ok: string } | { error: string; kind: string } | typeof NEEDED;

function forge(good: string) {
  const sent: (string | undefined)[] = [];
  const send = (token: string | undefined): Promise<Answer> => {
    sent.push(token);
    if (!token) return Promise.resolve(NEEDED);
    return Promise.resolve(token === good ? { ok: token } : { error: 'Gitea refused the token (401)', kind: 'auth' });
  };
  return { sent, send };
}

/** Tokens handed out in order; records how each was asked for. */
function source(...tokens: (string | undefined)[]): TokenSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get: (_needed, again = false, silent = false) => {
      asked.push(silent ? 'silent' : again ? 'again' : 'first');
      return Promise.resolve(silent ? tokens[0] : tokens.shift());
    },
  };
}

describe('client: forge tokens, asked once and again once', () => {
  it('sends without a token first, then with the one asked for', async () => {
    const { sent, send } = forge('t1');
    const tokens = source('t1');
    assert.deepEqual(await withForgeToken(tokens, send), { ok: 't1' });
    assert.deepEqual(sent, [undefined, 't1']);
    assert.deepEqual(tokens.asked, ['first']);
  });

  it('a refused token is forgotten and asked for again, once', async () => {
    const { sent, send } = forge('t2');
    const tokens = source('expired', 't2');
    assert.deepEqual(await withForgeToken(tokens, send), { ok: 't2' });
    assert.deepEqual(sent, [undefined, 'expired', 't2']);
    assert.deepEqual(tokens.asked, ['first', 'again']);
  });

  it('stops after a second refusal, and when the user declines', async () => {
    const twice = forge('never');
    const tokens = source('bad1', 'bad2', 'bad3');
    assert.deepEqual(await withForgeToken(tokens, twice.send), { error: 'Gitea refused the token (401)', kind: 'auth' });
    assert.deepEqual(twice.sent, [undefined, 'bad1', 'bad2']);
    const declined = forge('x');
    assert.equal(await withForgeToken(source(undefined), declined.send), undefined);
    assert.deepEqual(declined.sent, [undefined]);
  });

  it('a silent refresh uses only what is at hand', async () => {
    const { sent, send } = forge('kept');
    const tokens = source('kept');
    assert.deepEqual(await withForgeToken(tokens, send, { silent: true }), { ok: 'kept' });
    assert.deepEqual(tokens.asked, ['silent']);
    const none = forge('kept');
    assert.deepEqual(await withForgeToken(source(undefined), none.send, { silent: true }), NEEDED);
    assert.deepEqual(sent, [undefined, 'kept']);
  });

  it('a request that needs no token is sent once, as it is', async () => {
    const tokens = source('unused');
    assert.deepEqual(await withForgeToken(tokens, () => Promise.resolve({ listed: true })), { listed: true });
    assert.deepEqual(tokens.asked, []);
  });
});
