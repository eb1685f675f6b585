// Browser checks, as a person would use the extension: the `npm start` demo (code-server with the extension linked
// into its extensions folder and the sample repository open) driven in chromium with the keyboard and the mouse, and
// the Red Hat YAML prompt. Each check looks at the screen — the Problems panel, the hover widget, the suggest widget,
// notifications — and screenshots go to test-results/screenshots/ (`--update-screenshots` also refreshes the
// README's pictures in test/ui/screenshots/). Run by test/vscode/run.ts: `npm test`, or `npm run test:ui`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  delay,
  freePort,
  REPO_ROOT,
  say,
  scratchDir,
  startCodeServer,
  workbenchUrl,
  type CodeServerHandle,
} from '../../scripts/code-server';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { PENDING_CHANGE, startDemo, type Demo, type DemoCluster } from '../../scripts/start';
import { recordSkip } from '../helpers/skips';

const README_SCREENSHOTS = join(REPO_ROOT, 'test', 'ui', 'screenshots');
/** The screenshots worth showing in the README. */
const README_PICKS = ['problems.png', 'hover.png', 'completion.png', 'rendered-diff.png', 'rendered.png', 'drift-view.png'];
const WAIT_MS = 20_000;
const VIEWPORT = { width: 1280, height: 800 };

export interface BrowserChecksResult {
  failures: string[];
  seconds: number;
  screenshots: string[];
}

class Checks {
  readonly failures: string[] = [];
  readonly screenshots: string[] = [];

  constructor(private readonly screenshotDir: string) {}

  async run(name: string, page: Page | undefined, check: () => Promise<void>): Promise<boolean> {
    const started = Date.now();
    try {
      await check();
      process.stdout.write(`  ✔ ${name} (${Date.now() - started} ms)\n`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      process.stdout.write(`  ✘ ${name}: ${message}\n`);
      this.failures.push(`${name}: ${message}`);
      if (page) await this.shoot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`).catch(() => undefined);
      return false;
    }
  }

  async shoot(page: Page, file: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
    const path = join(this.screenshotDir, file);
    await page.screenshot({ path, ...(clip ? { clip } : {}) });
    this.screenshots.push(path);
  }
}

/** Waits until the workbench shows the explorer with the folder's files. */
async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 30_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

/** Quick Open (Ctrl+P), the file's name, Enter; resolves when its editor tab is active. */
async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT_MS });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${fileName}"]`).waitFor({ timeout: WAIT_MS });
}

/** Runs a command from the Command Palette (F1), by its title. */
async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT_MS });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
}

/** Puts the cursor at the end of a line of the active editor, with Go to Line (Ctrl+G). */
async function endOfLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+1'); // The editor, wherever the focus was.
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT_MS });
  await input.fill(`:${line}`); // The Go to Line prefix, which fill() replaces.
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: WAIT_MS });
  await page.keyboard.press('End');
}

/**
 * Narrows the Problems panel to the rows matching `text` ('' shows them all): with every file of the workspace listed,
 * the row sought may lie below the panel's fold, and the list draws only the rows in view.
 */
async function filterProblems(page: Page, text: string): Promise<void> {
  const input = page.locator('.viewpane-filter input').first();
  await input.waitFor({ timeout: WAIT_MS });
  await input.fill(text);
}

function editorLine(page: Page, text: string) {
  return page.locator('.monaco-editor .view-lines .view-line', { hasText: text }).first();
}

/**
 * Undoes the edits of a check until the file on disk (the demo saves after a delay, as VS Code for the Web does)
 * is as it was: Ctrl+Z, Ctrl+S, compare; a few rounds at most.
 */
async function restore(page: Page, file: string, original: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    const same = await until('the save', () => (readFileSync(file, 'utf8') === original ? true : undefined), 1500).catch(() => false);
    if (same) return;
  }
  throw new Error(`undo did not bring ${file} back to its original text`);
}

/**
 * Records every notification the workbench shows as a toast (the notification center's list is virtualized, so it
 * cannot be counted later). Page code as text: this file is type-checked without the DOM library.
 */
async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript({
    content: `
      window.driftlessToasts = [];
      new MutationObserver(() => {
        for (const item of document.querySelectorAll('.notifications-toasts .notification-list-item')) {
          if (!window.driftlessToasts.includes(item)) window.driftlessToasts.push(item);
        }
      }).observe(document, { childList: true, subtree: true });`,
  });
}

async function shownNotifications(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.driftlessToasts.map((item) => item.textContent || "")');
}

/** The language servers code-server's process group runs (the extension host's children), by pid. */
function languageServers(server: CodeServerHandle): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp === server.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('dist/server.js')) pids.push(Number(entry));
    } catch {
      // The process ended while it was read.
    }
  }
  return pids;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(100);
  }
}

/** The demo that `npm start` serves, used as a person would. */
async function demoChecks(browser: Browser, checks: Checks, home: string, cluster: DemoCluster | { why: string }): Promise<void> {
  const demo = await startDemo({
    home,
    port: await freePort(),
    skipBuild: true,
    forge: false,
    cluster: 'why' in cluster ? false : cluster,
  });
  const context = await browser.newContext({ viewport: VIEWPORT });
  await recordNotifications(context);
  const page = await context.newPage();
  try {
    const opened = await checks.run('npm start serves VS Code with the sample repository', page, async () => {
      await openWorkbench(page, demo.url);
      for (const name of ['apps', 'sandbox', '.driftless.yaml']) {
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().waitFor({ timeout: WAIT_MS });
      }
    });
    if (!opened) return;

    await checks.run(
      'Quick Open a manifest: squiggles, the status bar says K8s 1.31, the Problems panel lists the findings',
      page,
      async () => {
        const findings: [string, string][] = [
          ['misspelt-field.yaml', 'Unknown field `imagePullPolicty`'],
          ['port-out-of-range.yaml', '`containerPort` must be a port number between 1 and 65535'],
          ['removed-api-pdb.yaml', 'policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25'],
          ['replicas-as-string.yaml', '`replicas` must be an integer, got the string "three".'],
        ];
        for (const [file] of findings) await quickOpen(page, file);
        await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: WAIT_MS });
        await page.locator('.statusbar-item', { hasText: 'K8s 1.31' }).waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Control+Shift+M');
        const panel = page.locator('.markers-panel');
        await panel.waitFor({ timeout: WAIT_MS });
        for (const [file, message] of findings) {
          await filterProblems(page, file);
          await panel.locator('.monaco-list-row', { hasText: file }).first().waitFor({ timeout: WAIT_MS });
          await panel.locator('.monaco-list-row', { hasText: message }).first().waitFor({ timeout: WAIT_MS });
        }
        // Every file of the workspace is listed, opened or not: a file nobody opened has its row too.
        await filterProblems(page, 'invalid-cpu-quantity.yaml');
        await panel.locator('.monaco-list-row', { hasText: 'quantities contain no spaces' }).first().waitFor({ timeout: WAIT_MS });
        await filterProblems(page, 'replicas-as-string.yaml');
        await panel.locator('.monaco-list-row', { hasText: 'schema-type' }).first().waitFor({ timeout: WAIT_MS });
        await filterProblems(page, '');
        await panel.locator('.monaco-list-row', { hasText: 'backup-schedule-bad-method.yaml' }).first().waitFor({ timeout: WAIT_MS });
        await checks.shoot(page, 'problems.png');
      },
    );

    await checks.run('hovering a key shows its documentation', page, async () => {
      const key = editorLine(page, 'replicas: "three"').locator('span > span', { hasText: /^replicas$/ });
      await key.hover();
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Number of desired pods' });
      await hover.waitFor({ timeout: WAIT_MS });
      const text = await hover.innerText();
      if (!/Kubernetes 1\.31 · apps\/v1 Deployment/.test(text))
        throw new Error(`the hover does not name its schema: ${JSON.stringify(text)}`);
      await checks.shoot(page, 'hover.png', { x: 350, y: 70, width: 930, height: 400 });
      await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 5);
      await hover.waitFor({ state: 'hidden', timeout: WAIT_MS });
    });

    const manifest = join(demo.folder, 'sandbox', 'replicas-as-string.yaml');
    const original = readFileSync(manifest, 'utf8');

    await checks.run('Ctrl+Space inside a container offers the container’s fields', page, async () => {
      // Room for the suggestions and their documentation: no side bar, no panel.
      await page.keyboard.press('Control+B');
      await page.keyboard.press('Control+J');
      await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await endOfLine(page, 23); // image: ghcr.io/stefanprodan/podinfo:6.7.0
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+Space');
      const suggest = page.locator('.suggest-widget.visible');
      await suggest.locator('.monaco-list-row').first().waitFor({ timeout: WAIT_MS });
      const labels = (await suggest.locator('.monaco-list-row .label-name').allInnerTexts()).map((l) => l.trim());
      for (const field of ['env', 'imagePullPolicy', 'livenessProbe', 'ports']) {
        if (!labels.includes(field)) throw new Error(`the suggestions lack "${field}": ${JSON.stringify(labels)}`);
      }
      for (const present of ['image', 'name']) if (labels.includes(present)) throw new Error(`"${present}" is offered though present`);
      const box = (await suggest.boundingBox())!;
      const top = Math.max(0, box.y - 240);
      await checks.shoot(page, 'completion.png', {
        x: 48,
        y: top,
        width: Math.min(VIEWPORT.width - 48, box.x + box.width + 60 - 48),
        height: Math.min(VIEWPORT.height - top, box.y + box.height + 30 - top),
      });
      // Narrowed to one field: its documentation.
      await page.keyboard.type('ima');
      await suggest.locator('.monaco-list-row.focused', { hasText: 'imagePullPolicy' }).waitFor({ timeout: WAIT_MS });
      if (!(await page.locator('.suggest-details-container .suggest-details').isVisible())) await page.keyboard.press('Control+Space');
      await page.locator('.suggest-details', { hasText: 'Image pull policy' }).waitFor({ timeout: WAIT_MS });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+B');
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor({ timeout: WAIT_MS });
      await restore(page, manifest, original);
    });

    await checks.run('a crashed language server is restarted, and the user is told once', page, async () => {
      await filterProblems(page, 'replicas-as-string.yaml');
      const problems = page.locator('.markers-panel .monaco-list-row', { hasText: '`runAsUser` must be an integer' });
      /** Proves a server answers: breaking the value is flagged, undoing it clears the flag. */
      const validating = async () => {
        await page.keyboard.type('x');
        await problems.first().waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Backspace');
        await problems.first().waitFor({ state: 'detached', timeout: WAIT_MS });
      };
      await endOfLine(page, 20); // runAsUser: 10001
      await validating();
      // Killed twice, each time while the user goes on typing; each time a new server takes over.
      const killed: number[] = [];
      for (let crash = 0; crash < 2; crash++) {
        const pid = await until('the language server process', () => languageServers(demo.server).find((p) => !killed.includes(p)));
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
        await page.keyboard.type('0');
        await until('a restarted language server', () => languageServers(demo.server).find((p) => !killed.includes(p)));
        await validating();
      }
      await restore(page, manifest, original);
      const toasts = await shownNotifications(page);
      const told = toasts.filter((text) => text.includes('The Driftless language server stopped unexpectedly'));
      if (told.length !== 1) throw new Error(`the user was told ${told.length} times about 2 crashes, not once: ${JSON.stringify(toasts)}`);
      const errors = toasts.filter((text) => text.includes('Source: Driftless') && !text.includes('stopped unexpectedly'));
      if (errors.length > 0) {
        throw new Error(
          `${errors.length} error notification(s) besides the crash warning, e.g. ${JSON.stringify(errors[0]?.slice(0, 140))}`,
        );
      }
      await command(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center .monaco-list-row').first().waitFor({ timeout: WAIT_MS });
      await checks.shoot(page, 'crash-notifications.png');
      await page.keyboard.press('Escape');
    });

    await checks.run('a server that dies while it starts is restarted too', page, async () => {
      const before = await shownNotifications(page);
      const running = await until('the language server process', () => languageServers(demo.server).at(-1));
      process.kill(running, 'SIGKILL');
      // The next one dies as soon as it exists, during its initialization.
      const starting = await until('a restarted language server', () => languageServers(demo.server).find((p) => p !== running), WAIT_MS);
      process.kill(starting, 'SIGKILL');
      await until(
        'a server after the one that died starting',
        () => languageServers(demo.server).find((p) => p !== running && p !== starting),
        30_000,
      );
      await endOfLine(page, 20);
      await page.keyboard.type('x');
      await page
        .locator('.markers-panel .monaco-list-row', { hasText: '`runAsUser` must be an integer' })
        .first()
        .waitFor({ timeout: 30_000 });
      await restore(page, manifest, original);
      const added = (await shownNotifications(page)).slice(before.length).filter((text) => text.includes('Source: Driftless'));
      if (added.length > 0) {
        throw new Error(
          `${added.length} notification(s): ${JSON.stringify(added.map((t) => t.replace(/^Source: DriftlessGo to output/, '').slice(0, 80)))}`,
        );
      }
    });

    await checks.run('the Driftless sidebar lists the environments, and its Changes view what the pending edit changes', page, async () => {
      await command(page, 'View: Show Driftless');
      const sidebar = page.locator('.sidebar');
      await sidebar.locator('.monaco-list-row', { hasText: 'frontend-production' }).first().waitFor({ timeout: WAIT_MS });
      // Rendering both sides (the working tree and main in a temporary worktree) takes a few seconds.
      await sidebar
        .locator('.monaco-list-row', { hasText: /This change changes \d+ objects? in \d+ environments? \(against main\)/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await sidebar.locator('.monaco-list-row', { hasText: 'Deployment frontend' }).first().waitFor({ timeout: WAIT_MS });
      // The demo's settings point at the bundled kubectl and helm: the chart environments render too.
      const unrendered = await sidebar.locator('.monaco-list-row', { hasText: 'was not found' }).count();
      if (unrendered > 0) throw new Error(`${unrendered} environment(s) could not be rendered for want of a tool`);
      await checks.shoot(page, 'changes.png');
      await sidebar.locator('.monaco-list-row', { hasText: 'Deployment frontend' }).first().click();
      await page.locator('.monaco-diff-editor').first().waitFor({ timeout: WAIT_MS });
      await page.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').first().waitFor({ timeout: WAIT_MS });
      await checks.shoot(page, 'rendered-diff.png');
    });

    await checks.run('Open Rendered Manifests: titled after the environment, a Go to source lens on each object', page, async () => {
      await command(page, 'Driftless: Open Rendered Manifests');
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'apps/overlays/production' }).first();
      await pick.waitFor({ timeout: WAIT_MS });
      await pick.click();
      await page.locator('.tab.active', { hasText: 'production (rendered)' }).waitFor({ timeout: 60_000 });
      await page.locator('.codelens-decoration', { hasText: 'Go to source' }).first().waitFor({ timeout: WAIT_MS });
      await checks.shoot(page, 'rendered.png');
    });

    const drift =
      'the Drift view shows the demo’s drift: a hand-scaled Deployment, a hotfix image, an object only in git, one only in the cluster';
    if ('why' in cluster) recordSkip(`ui: ${drift}`, cluster.why);
    else
      await checks.run(drift, page, async () => {
        const sidebar = page.locator('.sidebar');
        // Room for the Drift view: the other two views folded.
        for (const title of ['Environments', 'Changes']) {
          const header = sidebar.locator('.pane-header', { hasText: title }).first();
          if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
        }
        const header = sidebar.locator('.pane-header', { hasText: 'Drift' }).first();
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
        const rows = (text: string | RegExp) => sidebar.locator('.monaco-list-row', { hasText: text }).first();
        // Rendering three environments and asking the API server takes a few seconds.
        await rows(/frontend-production.*1 drifted · 1 missing/).waitFor({ timeout: 60_000 });
        await rows(/backend-production.*1 drifted · 1 extra/).waitFor({ timeout: 60_000 });
        await rows(/3 → 5 · kubectl/).waitFor({ timeout: WAIT_MS });
        await rows(/backend-feature-flags/).waitFor({ timeout: WAIT_MS });
        await rows(/Argo CD: \w+, Healthy/).waitFor({ timeout: WAIT_MS });
        // For the picture: no other editor, no panel, a wider side bar.
        await command(page, 'View: Close All Editors');
        if (await page.locator('.part.panel').isVisible()) await command(page, 'View: Toggle Panel Visibility');
        const box = (await sidebar.boundingBox())!;
        await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width + 200, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        // A click on the drifted Deployment: git against the cluster in the diff editor.
        await sidebar
          .locator('.monaco-list-row', { hasText: /frontend\s*drifted · shop-production/ })
          .first()
          .click();
        await page.locator('.tab.active', { hasText: 'git ↔ driftless-admin' }).waitFor({ timeout: WAIT_MS });
        await page.locator('.monaco-diff-editor .view-line', { hasText: '6.7.2-hotfix' }).first().waitFor({ timeout: WAIT_MS });
        await checks.shoot(page, 'drift-view.png');
      });

    const loop = 'the whole loop: edit, commit, deploy (plan, typed name, consent), drift at zero, roll back';
    if ('why' in demo.cluster) recordSkip(`ui: ${loop}`, demo.cluster.why);
    else if (!demo.controllers) recordSkip(`ui: ${loop}`, 'the demo started no test controllers');
    else await deployLoop(page, checks, demo, demo.cluster);
  } finally {
    await context.close();
    await demo.stop();
  }
}

/** The quick input (a QuickPick or an input box) the extension shows with this title. */
async function quickInput(page: Page, title: string, timeout = 60_000) {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ timeout });
  return widget;
}

/** Types `text` into the quick input titled `title` and accepts it (Enter) once the active row shows `row`. */
async function answer(page: Page, title: string, text: string, row?: string | RegExp): Promise<void> {
  const widget = await quickInput(page, title);
  await widget.locator('input').fill(text);
  if (row) await widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: row }).waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/** Presses a button of the modal dialog whose message has `text`. */
async function pressInDialog(page: Page, text: string, button: string, shot?: { checks: Checks; file: string }): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text });
  await dialog.waitFor({ timeout: 60_000 });
  if (shot) await shot.checks.shoot(page, shot.file);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/**
 * Waits for the notification that ends a deploy or rollback (its progress notification shown first); fails at once
 * with the words of a warning or error Driftless shows instead.
 */
async function outcome(page: Page, progress: string, done: RegExp, shownBefore: number): Promise<string> {
  await until('the progress notification', async () =>
    (await shownNotifications(page)).some((t) => t.includes(progress)) ? true : undefined,
  );
  return until(
    `a notification saying ${String(done)}`,
    async () => {
      const added = (await shownNotifications(page)).slice(shownBefore);
      const found = added.find((text) => done.test(text));
      if (found) return found;
      const failed = added.find((text) => /Driftless: (Refused|.*(failed|rejected|was not|cannot|could not|timed out))/.test(text));
      if (failed) throw new Error(`Driftless said: ${failed.slice(0, 300)}`);
      return undefined;
    },
    180_000,
  );
}

/**
 * The loop of issue 16 as a person does it in the demo: the pending CPU change edited with the keyboard and committed
 * (Driftless: Commit…), Deploy environment… (the environment picked, the plan shown, the protected environment's name
 * typed, the modal consent), the progress notification followed to its end, the Drift view at zero for it with Argo
 * CD synced to the commit, then Roll back environment… (a revision picked from the history, the name typed, consent)
 * and the new commit on origin. The cluster is read too, to know the controller did the sync that Driftless asked for.
 */
async function deployLoop(page: Page, checks: Checks, demo: Demo, cluster: DemoCluster): Promise<void> {
  const tools = kubernetesTools();
  if ('missing' in tools) throw new Error(tools.missing);
  const kubectl = (...args: string[]) =>
    execFileSync(tools.kubectl, ['--kubeconfig', cluster.kubeconfig, '--context', cluster.context, ...args], { encoding: 'utf8' });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: demo.folder, encoding: 'utf8' }).trim();
  const environment = 'frontend-production';
  const patch = join(demo.folder, PENDING_CHANGE.file);
  const before = git('rev-parse', 'HEAD');
  let deployed = '';

  const committed = await checks.run(
    'the walk: the pending CPU change edited with the keyboard and committed (Driftless: Commit…)',
    page,
    async () => {
      await command(page, 'View: Close All Editors');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: WAIT_MS });
      await input.fill('production/deployment-patch.yaml');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'apps/overlays/production' })
        .first()
        .waitFor({ timeout: WAIT_MS });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active[aria-label*="deployment-patch.yaml"]').waitFor({ timeout: WAIT_MS });
      const line =
        readFileSync(patch, 'utf8')
          .split('\n')
          .findIndex((text) => text.includes(PENDING_CHANGE.after)) + 1;
      if (!line) throw new Error(`${PENDING_CHANGE.file} lacks the pending change (${PENDING_CHANGE.after})`);
      await endOfLine(page, line);
      for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('300m');
      await page.keyboard.press('Control+S');
      await until('the edit on disk', () => (readFileSync(patch, 'utf8').includes('cpu: 300m') ? true : undefined));
      await command(page, 'Driftless: Commit…');
      await answer(page, 'Driftless: commit message', 'frontend: 300m CPU in production');
      await answer(page, 'Driftless: commit on', 'Current branch', /Current branch main/);
      await answer(page, 'committed', 'Keep the commit local', /Keep the commit local/);
      await until('the commit', () => (git('log', '-1', '--format=%s') === 'frontend: 300m CPU in production' ? true : undefined));
      if (git('status', '--porcelain', '--', PENDING_CHANGE.file))
        throw new Error(`${PENDING_CHANGE.file} is still changed after the commit`);
    },
  );
  if (!committed) return;

  const deployedOk = await checks.run(
    'Deploy environment…: the plan first, the protected name typed, consent, the progress notification to its end',
    page,
    async () => {
      const head = git('rev-parse', 'HEAD');
      const shown = (await shownNotifications(page)).length;
      await command(page, 'Driftless: Deploy environment…');
      await answer(page, 'Driftless: deploy which environment?', environment, environment);
      // The plan, as a read-only document, before anything is asked.
      await page
        .locator('.tab', { hasText: `Deploy ${environment}` })
        .first()
        .waitFor({ timeout: 60_000 });
      await page.locator('.monaco-editor .view-line', { hasText: '# Deploy frontend-production' }).first().waitFor({ timeout: WAIT_MS });
      await answer(page, `Driftless: ${environment} is protected`, environment);
      await pressInDialog(page, `Deploy ${environment} (commit) to context ${cluster.context}`, 'Deploy', {
        checks,
        file: 'deploy-plan.png',
      });
      const said = await outcome(
        page,
        `Driftless: Deploy ${environment}`,
        new RegExp(`Deployed ${environment} at ${head.slice(0, 12)}`),
        shown,
      );
      process.stdout.write(`    ${said.replace(/^Source: Driftless.*?(Driftless:)/, '$1').slice(0, 160)}\n`);
      deployed = head;
      // The sync Driftless asked for, done by the controller (not its auto-sync): the last entry of its history.
      const application = JSON.parse(kubectl('-n', 'argocd', 'get', 'application', environment, '-o', 'json')) as {
        status?: { history?: { revision?: string; initiatedBy?: { username?: string; automated?: boolean } }[] };
      };
      const last = application.status?.history?.at(-1);
      if (last?.revision !== head || !last.initiatedBy?.username)
        throw new Error(`Argo CD's last sync is not the one Driftless asked for at ${head.slice(0, 12)}: ${JSON.stringify(last)}`);
      const cpu = kubectl(
        '-n',
        'shop-production',
        'get',
        'deployment',
        'frontend',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}',
      );
      if (cpu !== '300m') throw new Error(`the cluster runs cpu ${cpu}, not the 300m deployed`);
    },
  );
  if (!deployedOk) return;

  await checks.run('the Drift view goes to zero for it, Argo CD synced to the commit', page, async () => {
    await command(page, 'View: Show Driftless');
    const sidebar = page.locator('.sidebar');
    const header = sidebar.locator('.pane-header', { hasText: 'Drift' }).first();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // Only objects in sync (the summary leaves zeros out), and the controller at the commit deployed. (Its health may
    // still read Progressing: the view compares again when the objects change, not when the Application does.)
    const zero = new RegExp(`${environment}\\s*\\d+ in sync · Argo CD: Synced, \\w+, revision ${deployed.slice(0, 7)}`);
    await sidebar.locator('.monaco-list-row', { hasText: zero }).first().waitFor({ timeout: 60_000 });
    await checks.shoot(page, 'drift-zero.png');
  });

  await checks.run('Roll back environment…: a revision picked from the history, the name typed, consent, a new commit', page, async () => {
    const shown = (await shownNotifications(page)).length;
    await command(page, 'Driftless: Roll back environment…');
    await answer(page, 'Driftless: roll back which environment?', environment, environment);
    // The history lists the commit running now and the one the demo delivered before the walk (Argo CD's history).
    const target = before;
    await answer(page, `Driftless: roll ${environment} back to…`, target.slice(0, 12), target.slice(0, 12));
    await page
      .locator('.tab', { hasText: `Roll back ${environment}` })
      .first()
      .waitFor({ timeout: 60_000 });
    await answer(page, `Driftless: ${environment} is protected`, environment);
    await pressInDialog(page, `Roll back ${environment} (commit) to context ${cluster.context}`, 'Roll Back');
    const said = await outcome(
      page,
      `Driftless: Roll back ${environment}`,
      new RegExp(`Rolled back ${environment} to ${target.slice(0, 12)} at [0-9a-f]{12}`),
      shown,
    );
    const made = /at ([0-9a-f]{12})/.exec(said)![1]!;
    // The new commit, on origin's main: never a reset or a force push.
    const [tip, subject, parent] = git('log', '-1', '--format=%H%n%s%n%P', 'origin/main').split('\n');
    git('fetch', '--quiet', 'origin');
    const fetched = git('log', '-1', '--format=%H%n%s%n%P', 'origin/main').split('\n');
    if (!fetched[0]!.startsWith(made))
      throw new Error(`origin/main is at ${fetched[0]}, not the rollback commit ${made} (before the fetch: ${tip} ${subject} ${parent})`);
    if (!fetched[1]!.startsWith(`Roll back ${environment} to ${target.slice(0, 12)}`))
      throw new Error(`the new commit says "${fetched[1]}"`);
    if (fetched[2] !== deployed) throw new Error(`the rollback commit's parent is ${fetched[2]}, not the deployed ${deployed}`);
    const cpu = kubectl(
      '-n',
      'shop-production',
      'get',
      'deployment',
      'frontend',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}',
    );
    if (cpu !== '100m') throw new Error(`the cluster runs cpu ${cpu} after the rollback, not the 100m of ${target.slice(0, 12)}`);
    await checks.shoot(page, 'rollback.png');
  });
}

/** Strips // and /* *\/ comments, as VS Code's settings files may hold them. */
/** A JSONC file's content; undefined while it cannot be parsed (VS Code may be writing it at that moment). */
function readJsonc(file: string): Record<string, unknown> | undefined {
  const text = readFileSync(file, 'utf8').replace(
    /("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_, string: string | undefined) => string ?? '',
  );
  try {
    return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Red Hat's YAML extension installed (a stub with its id and settings) and associating the Kubernetes schema. */
async function redHatPromptChecks(browser: Browser, checks: Checks, home: string): Promise<void> {
  const folder = join(home, 'workspace');
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, 'app.yaml'), readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sample-repo', 'apps', 'base', 'service.yaml')));
  const settingsFile = join(folder, '.vscode', 'settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({ 'yaml.schemas': { kubernetes: '*.yaml', './schemas/app.json': 'app-config/*.yaml' } }, null, 2) + '\n',
  );
  const extensionsDir = join(home, 'extensions');
  const stub = join(extensionsDir, 'redhat.vscode-yaml-1.18.0');
  mkdirSync(stub, { recursive: true });
  writeFileSync(
    join(stub, 'package.json'),
    JSON.stringify(
      {
        name: 'vscode-yaml',
        publisher: 'redhat',
        displayName: 'YAML (stub for Driftless tests)',
        version: '1.18.0',
        engines: { vscode: '^1.90.0' },
        contributes: { configuration: { title: 'YAML', properties: { 'yaml.schemas': { type: 'object', default: {} } } } },
      },
      null,
      2,
    ),
  );
  const server = await startCodeServer({
    port: await freePort(),
    folder,
    extensionsDir,
    userDataDir: join(home, 'user-data'),
    logFile: join(home, 'code-server.log'),
  });
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  try {
    await checks.run('with Red Hat YAML associating the Kubernetes schema, "Turn Off" removes the association', page, async () => {
      await openWorkbench(page, workbenchUrl(server, { folder, extensionDevelopmentPath: REPO_ROOT }));
      await quickOpen(page, 'app.yaml'); // Opening YAML activates the extension.
      const prompt = page.locator('.notification-toast', { hasText: 'The Red Hat YAML extension also validates Kubernetes manifests' });
      await prompt.waitFor({ timeout: WAIT_MS });
      await checks.shoot(page, 'redhat-prompt.png', { x: 780, y: 560, width: 500, height: 240 });
      await prompt.locator('.monaco-button', { hasText: 'Turn Off' }).click();
      await prompt.waitFor({ state: 'hidden', timeout: WAIT_MS });
      const schemas = await until('the workspace settings to lose the kubernetes association', () => {
        const value = readJsonc(settingsFile)?.['yaml.schemas'] as Record<string, unknown> | undefined;
        return value && !('kubernetes' in value) ? value : undefined;
      });
      if (!('./schemas/app.json' in schemas)) throw new Error(`other associations were removed too: ${JSON.stringify(schemas)}`);
    });
  } finally {
    await context.close();
    await server.stop();
  }
}

export async function runBrowserChecks(options: {
  browser: Browser;
  resultsDir: string;
  updateScreenshots?: boolean;
  /** The cluster the demo delivers its drift to, or why there is none (the Drift view's check is then skipped). */
  cluster: DemoCluster | { why: string };
}): Promise<BrowserChecksResult> {
  const started = Date.now();
  const screenshotDir = join(options.resultsDir, 'screenshots');
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
  const checks = new Checks(screenshotDir);
  const scratch = scratchDir('ui');
  try {
    await checks.run('the demo', undefined, () => demoChecks(options.browser, checks, join(scratch, 'demo'), options.cluster));
    await checks.run('the Red Hat YAML prompt', undefined, () => redHatPromptChecks(options.browser, checks, join(scratch, 'redhat')));
  } finally {
    if (!process.env.DRIFTLESS_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
  }
  say(`screenshots: ${checks.screenshots.map((s) => s.slice(REPO_ROOT.length + 1)).join(', ')}`);
  if (options.updateScreenshots && checks.failures.length === 0) {
    mkdirSync(README_SCREENSHOTS, { recursive: true });
    for (const file of README_PICKS) copyFileSync(join(screenshotDir, file), join(README_SCREENSHOTS, file));
    say(`updated ${README_PICKS.map((f) => `test/ui/screenshots/${f}`).join(', ')}`);
  }
  return { failures: checks.failures, seconds: (Date.now() - started) / 1000, screenshots: checks.screenshots };
}
