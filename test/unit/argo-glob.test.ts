import { strict as assert } from 'node:assert';
import { argoGlobMatches } from '../../server/src/engine/argo/argo-glob';
import { plainDirectoryReads } from '../../server/src/engine/workspace/delivered-paths';

describe('Argo CD directory globs (gobwas/glob without separators)', () => {
  const cases: [string, string, boolean][] = [
    ['*.yaml', 'app.yaml', true],
    // No separators: `*` crosses folders, unlike a shell glob.
    ['*.yaml', 'sub/app.yaml', true],
    ['*.yaml', 'app.yml', false],
    ['{config.json,env-usw2/*}', 'config.json', true],
    ['{config.json,env-usw2/*}', 'env-usw2/a/b.yaml', true],
    ['{config.json,env-usw2/*}', 'env-use1/a.yaml', false],
    ['*{.yaml,.yml}', 'a.yml', true],
    ['app-?.yaml', 'app-1.yaml', true],
    ['app-?.yaml', 'app-10.yaml', false],
    ['[a-c]*.yaml', 'b.yaml', true],
    ['[!a-c]*.yaml', 'b.yaml', false],
    ['[!a-c]*.yaml', 'd.yaml', true],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'a.yaml', false],
    ['a.b', 'aXb', false],
    // What does not compile matches nothing, as Argo CD's Match answers false.
    ['[abc', 'a', false],
    ['{a,b', 'a', false],
  ];
  for (const [pattern, path, expected] of cases)
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${path}`, () =>
      assert.equal(argoGlobMatches(pattern, path), expected));

  it('chooses the files of a directory source as Argo CD’s repo-server walks it', () => {
    assert.equal(plainDirectoryReads({ recurse: false }, 'a.yaml'), true);
    assert.equal(plainDirectoryReads({ recurse: false }, 'sub/a.yaml'), false);
    assert.equal(plainDirectoryReads({ recurse: true }, 'sub/a.yaml'), true);
    assert.equal(plainDirectoryReads({ recurse: true }, 'README.md'), false);
    assert.equal(plainDirectoryReads({ recurse: true, exclude: 'old/*' }, 'old/a.yaml'), false);
    assert.equal(plainDirectoryReads({ recurse: true, include: '*.yaml' }, 'a.yml'), false);
    assert.equal(plainDirectoryReads({ recurse: true, include: '*.yaml', exclude: 'b.yaml' }, 'b.yaml'), false);
  });
});
