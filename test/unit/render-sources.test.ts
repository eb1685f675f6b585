// Render sources: an environment's objects from the working tree, and from a git ref checked out in a temporary
// worktree (removed afterwards) — the two sides of the Changes view, and drift's desired side.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../../server/src/node/project';
import { projectSource, withGitRefSource } from '../../server/src/node/render/render-source';
import { schemaFiles } from '../helpers/engine';
import { fileWriter } from '../helpers/write-files';
import type { RenderedObjects } from '../../server/src/engine/render/rendered-objects';

describe('render sources', function () {
  this.timeout(30_000);
  let root: string;
  const write = fileWriter(() => root);
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
      encoding: 'utf8',
    });
  const configMap = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "${level}"}\n`;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'driftless-sources-')));
    execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
    write('.driftless.yaml', 'environments:\n  - name: shop\n    source: {directory: shop}\n');
    write('shop/settings.yaml', configMap('1'));
    git('add', '--all');
    git('commit', '--quiet', '-m', 'base');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders the working tree and a git ref of one environment, leaving no worktree behind', async function () {
    write('shop/settings.yaml', configMap('2'));
    write('shop/extra.yaml', configMap('3').replace('settings', 'extra'));
    const project = new Project(root, schemaFiles);
    project.scan();
    const shop = project.environments().find((e) => e.name === 'shop')!;
    const levels = (read: RenderedObjects) =>
      (read.ok ? read.objects : []).map((o) => `${(o.metadata as { name: string }).name}=${(o.data as { level: string }).level}`);

    const working = await projectSource(project, {}).render(shop);
    assert.ok(working.ok, !working.ok ? working.error : '');
    assert.deepEqual(levels(working.objects()), ['extra=3', 'settings=2']);
    const base = await withGitRefSource({ repository: root, ref: 'main', root, tools: {} }, async (source) => {
      assert.equal(source.label, 'main');
      const rendered = await source.render(shop);
      return rendered.ok ? levels(rendered.objects()) : rendered.error;
    });
    assert.deepEqual(base, ['settings=1']);
    assert.equal(git('worktree', 'list').trim().split('\n').length, 1);
  });

  it('renders an environment the ref does not have to nothing', async function () {
    write(
      '.driftless.yaml',
      'environments:\n  - name: shop\n    source: {directory: shop}\n  - name: new\n    source: {directory: shop}\n',
    );
    const project = new Project(root, schemaFiles);
    project.scan();
    const added = project.environments().find((e) => e.name === 'new')!;
    const objects = await withGitRefSource({ repository: root, ref: 'main', root, tools: {} }, async (source) => {
      const rendered = await source.render(added);
      return rendered.ok ? rendered.objects() : rendered.error;
    });
    assert.deepEqual(objects, { ok: true, objects: [] });
  });
});
