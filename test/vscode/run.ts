// `npm run test:vscode` (and the end of `npm test`): the extension in a real VS Code on this machine.
//   1. the Debian packages (chromium; for a first code-server install also libkrb5-dev and ripgrep) and code-server
//      in .cache/code-server — installed when missing, or else exactly what is missing is said and the run fails
//      (DRIFTLESS_SKIP_VSCODE_TESTS=1 skips it all, saying so);
//   2. the extension-host suites in code-server: main (the sample repo and a folder without .driftless.yaml),
//      trust (Workspace Trust on, an untrusted folder), package (the .vsix installed with --install-extension) and
//      drift (the Drift view against the test cluster — started here, built first if needed — or the cluster
//      DRIFTLESS_TEST_KUBECONFIG names; without Go and without that variable it is skipped, saying why);
//   3. the browser checks (test/ui/browser-checks.ts): the demo of `npm start` (with the test cluster's drift) and
//      the Red Hat YAML prompt, on screen;
//   4. the main suite on desktop VS Code through @vscode/test-electron under Xvfb, where a desktop VS Code is cached or
//      can be downloaded (docs/testing.md: why it is skipped on the project's offline machines).
// Timings go to test-results/vscode-timings.json. `--only main,trust,package,drift,ui,electron` runs a part;
// `--update-screenshots` refreshes the README's pictures (test/ui/screenshots/) from the browser checks.
// DRIFTLESS_VSCODE_GREP runs only the extension-host tests whose title matches, and says so at the start, in each
// suite and in the summary. The run ends with what did not run, and why: its own skips and mocha's
// (test-results/skips/*.jsonl), so `npm test` ends with every skip of the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  browser as launchBrowser,
  CODE_SERVER_DIR,
  CODE_SERVER_VERSION,
  CODE_SERVER_VSCODE_VERSION,
  codeServerProblem,
  ensureCodeServer,
  ensureSystemPackages,
  INSTALL_PACKAGES,
  REPO_ROOT,
  RUN_PACKAGES,
  say,
  scratchDir,
} from '../../scripts/code-server';
import { packageVsix } from '../../scripts/package-vsix';
import { runBrowserChecks } from '../ui/browser-checks';
import { buildSuites, SUITE_ENTRY } from './build-suite';
import { describeFailure, readSuiteResults, runSuiteInCodeServer, type SuiteRun } from './code-server-host';
import { recordSkip, skipSummary, startSkipsFile } from '../helpers/skips';
import { extensionBundleSha256 } from '../bench/activation';
import { runSuiteInElectron } from './electron-host';
import {
  countedTools,
  deliveryWorkspace,
  deployWorkspace,
  DRIFT_NAMESPACE,
  driftWorkspace,
  firstOpenFolder,
  mainWorkspace,
  TESTS_HOST_EXTENSION,
  untrustedFolder,
} from './workspaces';
import { goProblem } from '../../scripts/test-cluster';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { sharedTestCluster, type TestCluster } from '../helpers/test-cluster';

/** The cluster of the drift suite and the demo: DRIFTLESS_TEST_KUBECONFIG's, else the test cluster; or why none. */
async function clusterForVscode(): Promise<TestCluster | { why: string }> {
  if (!process.env.DRIFTLESS_TEST_KUBECONFIG) {
    const problem = goProblem();
    if (problem) return { why: `no cluster: ${problem}, and DRIFTLESS_TEST_KUBECONFIG is not set` };
  }
  // Started once for the run; it stops when this process exits.
  return sharedTestCluster();
}

const PARTS = ['main', 'trust', 'delivery', 'package', 'drift', 'deploy', 'ui', 'electron'] as const;
type Part = (typeof PARTS)[number];
const DESCRIPTIONS: Record<Part, string> = {
  main: 'extension-host suite in code-server (sample repo, settings, CRDs, quick fixes, crash recovery)',
  trust: 'extension-host suite in code-server with Workspace Trust on (untrusted folder)',
  delivery:
    'extension-host suite in code-server: commit, push, pull request and the Pull Requests view on a local forge (a real Gitea when built, else the GitLab stand-in)',
  deploy:
    'extension-host suite in code-server: deploy and roll back from the command palette against the test cluster and the test controllers',
  package: 'the .vsix installed into a fresh code-server (--install-extension), smoke suite',
  drift: 'extension-host suite in code-server against a real API server (the Drift view, its diff, its actions, the status bar)',
  ui: 'browser checks in chromium (npm start demo: Problems panel, hover, completion, drift; edit, deploy, drift at zero, roll back; Red Hat YAML prompt)',
  electron: 'the main suite on desktop VS Code through @vscode/test-electron',
};
const RESULTS = join(REPO_ROOT, 'test-results');
const LOGS = join(RESULTS, 'vscode');
const TIMEOUT_MS = Number(process.env.DRIFTLESS_VSCODE_TIMEOUT_MS) || 5 * 60_000;
const SKIPS = join(RESULTS, 'skips');
/** Written by this run and the extension hosts it starts (they inherit DRIFTLESS_SKIPS_FILE). */
const VSCODE_SKIPS_FILE = join(SKIPS, 'vscode.jsonl');
/** Written by the last mocha run (test/helpers/mocha-root-hooks.ts): `npm test` runs it just before this. */
const MOCHA_SKIPS_FILE = join(SKIPS, 'mocha.jsonl');

function heading(text: string): void {
  process.stdout.write(`\n== ${text} ==\n`);
}

/** What did not run in this run and in the last mocha run, and why: the last thing `npm test` prints. */
function printSkipSummary(): void {
  heading('what did not run, and why (test-results/skips/)');
  const lines = skipSummary([MOCHA_SKIPS_FILE, VSCODE_SKIPS_FILE]);
  process.stdout.write(
    (lines.length ? lines : ['(no skips file: neither mocha nor this runner recorded a run)']).map((l) => `  ${l}\n`).join(''),
  );
}

/** DRIFTLESS_VSCODE_GREP, announced where nobody can miss it. */
function grepBanner(grep: string): string {
  const text = `DRIFTLESS_VSCODE_GREP=${JSON.stringify(grep)}: ONLY THE EXTENSION-HOST TESTS WHOSE TITLE MATCHES RUN`;
  return `${'!'.repeat(text.length)}\n${text}\n${'!'.repeat(text.length)}\n`;
}

function selectedParts(): Part[] {
  const at = process.argv.indexOf('--only');
  if (at < 0) return [...PARTS];
  const wanted = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length || wanted.length === 0) {
    console.error(`--only takes a comma-separated list of: ${PARTS.join(', ')} (got ${JSON.stringify(process.argv[at + 1])})`);
    process.exit(2);
  }
  return wanted as Part[];
}

interface Outcome {
  part: Part;
  status: 'passed' | 'failed' | 'skipped';
  seconds?: number;
  detail?: string;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const parts = selectedParts();
  startSkipsFile(VSCODE_SKIPS_FILE, 'vscode runner');
  heading(`Driftless in a real VS Code (code-server ${CODE_SERVER_VERSION} = VS Code ${CODE_SERVER_VSCODE_VERSION})`);
  const grep = process.env.DRIFTLESS_VSCODE_GREP || undefined;
  if (grep) process.stdout.write(grepBanner(grep));
  for (const part of PARTS.filter((p) => !parts.includes(p)))
    recordSkip(`${part}: ${DESCRIPTIONS[part]}`, `--only ${parts.join(',')}`, 'filtered');
  if (process.env.DRIFTLESS_SKIP_VSCODE_TESTS === '1') {
    for (const part of parts) recordSkip(`${part}: ${DESCRIPTIONS[part]}`, 'DRIFTLESS_SKIP_VSCODE_TESTS=1', 'filtered');
    return 0;
  }

  // 1. What the runs need on this machine.
  const needsInstall = codeServerProblem() !== undefined;
  const { missing } = ensureSystemPackages(needsInstall ? [...RUN_PACKAGES, ...INSTALL_PACKAGES] : RUN_PACKAGES);
  if (missing.length) {
    say(`FAILED: these suites could not run, for want of ${missing.join(', ')} (what to install is above):`);
    for (const part of parts) say(`  - ${part}: ${DESCRIPTIONS[part]}`);
    say('Install them and run again, or set DRIFTLESS_SKIP_VSCODE_TESTS=1 to skip these suites on purpose.');
    return 1;
  }
  const installStarted = Date.now();
  let installation: Awaited<ReturnType<typeof ensureCodeServer>>;
  try {
    installation = await ensureCodeServer();
  } catch (error) {
    say(`FAILED: code-server could not be installed: ${error instanceof Error ? error.message : String(error)}`);
    say(`these suites could not run: ${parts.join(', ')}`);
    return 1;
  }
  const marker = readJson(join(CODE_SERVER_DIR, 'installed.json'));
  if (!installation.installed) {
    say(
      `code-server ${CODE_SERVER_VERSION} reused from ${CODE_SERVER_DIR} (checked in ${((Date.now() - installStarted) / 1000).toFixed(1)} s; its installation took ${String(marker.seconds)} s)`,
    );
  }

  // 2. The extension and the suites, built.
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    say(`the build (scripts/build.mjs) failed:\n${build.stdout}${build.stderr}`);
    return 1;
  }
  await buildSuites();
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });

  const outcomes: Outcome[] = [];
  let browser: Browser | undefined;
  const scratch = scratchDir('vscode-workspaces');
  try {
    browser = await launchBrowser();
    const runSuite = async (part: Part, run: SuiteRun, withHeading = true) => {
      if (withHeading) heading(`${part}: ${DESCRIPTIONS[part]}`);
      const result = await runSuiteInCodeServer(run, browser!);
      const passed = result.exitCode === 0;
      if (!passed) process.stdout.write(describeFailure(run, result) + '\n');
      const ran = result.results ? ` (${result.results.passes} passed, ${result.results.pending} skipped of ${result.results.total})` : '';
      outcomes.push({
        part,
        status: passed ? 'passed' : 'failed',
        seconds: result.seconds,
        detail: passed ? `${DESCRIPTIONS[part]}${ran}` : (result.error ?? `exit ${result.exitCode}`),
      });
    };

    if (parts.includes('main')) {
      await runSuite('main', {
        suite: 'main',
        workspace: mainWorkspace(join(scratch, 'main')),
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: SUITE_ENTRY,
        timeoutMs: TIMEOUT_MS,
        resultsDir: LOGS,
      });
    }
    if (parts.includes('trust')) {
      // The tools as user settings (restricted settings of an untrusted folder are ignored), counted by their log.
      const counted = countedTools(join(scratch, 'trust'));
      await runSuite('trust', {
        suite: 'trust',
        folder: untrustedFolder(join(scratch, 'trust')),
        trust: true,
        settings: counted.settings,
        env: { DRIFTLESS_TOOL_LOG: counted.log },
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: SUITE_ENTRY,
        timeoutMs: Math.min(TIMEOUT_MS, 2 * 60_000),
        resultsDir: LOGS,
      });
    }
    let cluster: Promise<TestCluster | { why: string }> | undefined;
    const theCluster = () => (cluster ??= clusterForVscode());
    if (parts.includes('drift')) {
      heading(`drift: ${DESCRIPTIONS.drift}`);
      const found = await theCluster();
      const tools = kubernetesTools();
      const why = 'why' in found ? found.why : 'missing' in tools ? tools.missing : undefined;
      if (why || 'why' in found || 'missing' in tools) {
        recordSkip(`drift: ${DESCRIPTIONS.drift}`, why!);
        outcomes.push({ part: 'drift', status: 'skipped', detail: why! });
      } else {
        say(`the cluster: ${found.server} (${found.kind === 'external' ? 'DRIFTLESS_TEST_KUBECONFIG' : 'the test cluster'})`);
        const folder = await driftWorkspace(
          join(scratch, 'drift'),
          { kubeconfig: found.kubeconfigPath, context: found.adminContext },
          tools.kubectl,
        );
        await runSuite(
          'drift',
          {
            suite: 'drift',
            folder,
            settings: { 'driftless.kubectlPath': tools.kubectl, 'driftless.helmPath': tools.helm },
            machineSettings: { 'driftless.kubeconfig': found.kubeconfigPath },
            env: {
              DRIFTLESS_VSCODE_KUBECTL: tools.kubectl,
              DRIFTLESS_VSCODE_KUBECONFIG: found.kubeconfigPath,
              DRIFTLESS_VSCODE_KUBE_CONTEXT: found.adminContext,
              DRIFTLESS_VSCODE_DRIFT_NAMESPACE: DRIFT_NAMESPACE,
            },
            extensionDevelopmentPath: REPO_ROOT,
            extensionTestsPath: SUITE_ENTRY,
            timeoutMs: TIMEOUT_MS,
            resultsDir: LOGS,
          },
          false,
        );
      }
    }
    if (parts.includes('delivery')) {
      heading(`delivery: ${DESCRIPTIONS.delivery}`);
      const delivery = await deliveryWorkspace(join(scratch, 'delivery'));
      say(`delivery: the forge is ${delivery.forge.label} at ${delivery.forge.url}`);
      const tools = kubernetesTools();
      try {
        await runSuite(
          'delivery',
          {
            suite: 'delivery',
            folder: delivery.folder,
            extensionDevelopmentPath: REPO_ROOT,
            extensionTestsPath: SUITE_ENTRY,
            settings: {
              'driftless.forges': [{ url: delivery.forge.url, kind: delivery.forge.kind }],
              'driftless.validateRenderedOutput': false,
              ...('missing' in tools ? {} : { 'driftless.kubectlPath': tools.kubectl }),
            },
            // The suite checks what the forge received through its API; the extension gets its token from the
            // suite (Driftless: Sign In to a Forge), never from this environment.
            env: { DRIFTLESS_VSCODE_FORGE: JSON.stringify(delivery.forge) },
            timeoutMs: Math.min(TIMEOUT_MS, 4 * 60_000),
            resultsDir: LOGS,
          },
          false,
        );
      } finally {
        await delivery.stop();
      }
    }
    if (parts.includes('deploy')) {
      heading(`deploy: ${DESCRIPTIONS.deploy}`);
      const found = await theCluster();
      const deploy = 'why' in found ? { missing: found.why } : await deployWorkspace(join(scratch, 'deploy'), found);
      if ('missing' in deploy) {
        recordSkip(`deploy: ${DESCRIPTIONS.deploy}`, deploy.missing);
        outcomes.push({ part: 'deploy', status: 'skipped', detail: deploy.missing });
      } else
        try {
          await runSuite(
            'deploy',
            {
              suite: 'deploy',
              folder: deploy.folder,
              extensionDevelopmentPath: REPO_ROOT,
              extensionTestsPath: SUITE_ENTRY,
              settings: deploy.settings,
              env: deploy.env,
              timeoutMs: Math.min(TIMEOUT_MS, 6 * 60_000),
              resultsDir: LOGS,
            },
            false,
          );
        } finally {
          await deploy.stop();
        }
    }
    if (parts.includes('package')) {
      heading(`package: ${DESCRIPTIONS.package}`);
      const vsix = join(scratch, 'driftless.vsix');
      const packaged = packageVsix(vsix, { quiet: true });
      say(`packaged ${packaged.file}: ${(packaged.bytes / 1024 / 1024).toFixed(2)} MB (${packaged.bytes} bytes)`);
      const extensionsDir = join(scratch, 'package-extensions');
      const install = spawnSync(
        process.execPath,
        [
          join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
          '--extensions-dir',
          extensionsDir,
          '--user-data-dir',
          join(scratch, 'package-user-data'),
          '--config',
          '/dev/null',
          '--install-extension',
          vsix,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      say(`code-server --install-extension: exit ${install.status}\n${(install.stdout + install.stderr).trim()}`);
      if (install.status !== 0) {
        outcomes.push({ part: 'package', status: 'failed', detail: `--install-extension failed (exit ${install.status})` });
      } else {
        await runSuite(
          'package',
          {
            suite: 'package',
            folder: firstOpenFolder(join(scratch, 'package')),
            extensionsDir,
            // The web workbench runs extensionTestsPath only in extension development mode: an empty extension stands in.
            extensionDevelopmentPath: TESTS_HOST_EXTENSION,
            extensionTestsPath: SUITE_ENTRY,
            env: { DRIFTLESS_VSCODE_EXTENSIONS_DIR: extensionsDir },
            timeoutMs: Math.min(TIMEOUT_MS, 2 * 60_000),
            resultsDir: LOGS,
          },
          false,
        );
      }
      const timings = readJson(join(LOGS, 'vscode-timings.package.json'));
      timings.vsixBytes = packaged.bytes;
      writeFileSync(join(LOGS, 'vscode-timings.package.json'), JSON.stringify(timings, null, 2) + '\n');
    }
    if (parts.includes('ui')) {
      heading(`ui: ${DESCRIPTIONS.ui}`);
      const found = await theCluster();
      const checks = await runBrowserChecks({
        browser,
        resultsDir: RESULTS,
        updateScreenshots: process.argv.includes('--update-screenshots'),
        cluster: 'why' in found ? found : { kubeconfig: found.kubeconfigPath, context: found.adminContext },
      });
      outcomes.push({
        part: 'ui',
        status: checks.failures.length ? 'failed' : 'passed',
        seconds: checks.seconds,
        ...(checks.failures.length ? { detail: checks.failures.join('; ') } : {}),
      });
    }
  } catch (error) {
    say(`the run stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    outcomes.push({ part: parts.find((p) => !outcomes.some((o) => o.part === p)) ?? 'main', status: 'failed', detail: String(error) });
  } finally {
    await browser?.close().catch(() => undefined);
  }

  if (parts.includes('electron')) {
    heading(`electron: ${DESCRIPTIONS.electron}`);
    const electronStarted = Date.now();
    try {
      const resultsFile = join(LOGS, 'vscode-results.electron.json');
      rmSync(resultsFile, { force: true });
      const outcome = await runSuiteInElectron({
        workspace: mainWorkspace(join(scratch, 'electron')),
        extensionTestsPath: SUITE_ENTRY,
        env: {
          DRIFTLESS_VSCODE_SUITE: 'main',
          DRIFTLESS_VSCODE_TIMINGS: join(LOGS, 'vscode-timings.electron.json'),
          DRIFTLESS_VSCODE_RESULTS: resultsFile,
          ...(process.env.DRIFTLESS_SKIPS_FILE ? { DRIFTLESS_SKIPS_FILE: process.env.DRIFTLESS_SKIPS_FILE } : {}),
        },
      });
      if ('skipped' in outcome) {
        recordSkip(`electron: ${DESCRIPTIONS.electron}`, `${outcome.skipped} (docs/testing.md)`);
        outcomes.push({ part: 'electron', status: 'skipped', detail: outcome.skipped });
      } else {
        const { problem } = outcome.exitCode === 0 ? readSuiteResults(resultsFile) : {};
        outcomes.push({
          part: 'electron',
          status: outcome.exitCode === 0 && !problem ? 'passed' : 'failed',
          seconds: outcome.seconds,
          ...(problem ? { detail: problem } : {}),
        });
      }
    } catch (error) {
      outcomes.push({ part: 'electron', status: 'failed', seconds: (Date.now() - electronStarted) / 1000, detail: String(error) });
    }
  }
  if (!process.env.DRIFTLESS_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });

  // 4. What was measured, and the verdict.
  const totalSeconds = (Date.now() - started) / 1000;
  const report = {
    measuredAt: new Date().toISOString(),
    // npm run bench judges the activation time recorded here against its goal, for this build only.
    extensionSha256: extensionBundleSha256(),
    host: `code-server ${CODE_SERVER_VERSION} (VS Code ${CODE_SERVER_VSCODE_VERSION}), Node ${process.versions.node}`,
    codeServerInstall: installation.installed
      ? { installedNow: true, seconds: installation.seconds }
      : { installedNow: false, seconds: marker.seconds, installedAt: marker.installedAt },
    runs: Object.fromEntries(
      outcomes.map((o) => [o.part, { status: o.status, seconds: o.seconds, ...(o.detail ? { detail: o.detail } : {}) }]),
    ),
    timings: Object.fromEntries(
      ['main', 'trust', 'delivery', 'package', 'drift', 'deploy', 'ui', 'electron']
        .map((run) => [run, readJson(join(LOGS, `vscode-timings.${run}.json`))] as const)
        .filter(([, timings]) => Object.keys(timings).length > 0),
    ),
    totalSeconds,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'vscode-timings.json'), JSON.stringify(report, null, 2) + '\n');

  heading('summary');
  for (const outcome of outcomes) {
    const seconds = outcome.seconds !== undefined ? `${outcome.seconds.toFixed(1)} s` : '';
    process.stdout.write(
      `  ${outcome.part.padEnd(9)} ${outcome.status.padEnd(8)} ${seconds.padStart(8)}  ${outcome.detail ?? DESCRIPTIONS[outcome.part]}\n`,
    );
  }
  for (const part of parts)
    if (!outcomes.some((o) => o.part === part)) process.stdout.write(`  ${part.padEnd(9)} not run  (the run stopped before it)\n`);
  const main = report.timings.main ?? {};
  const pkg = report.timings.package ?? {};
  const ms = (value: unknown) => (typeof value === 'number' ? `${value} ms` : undefined);
  const measured = [
    ['activation (extension-host time)', ms(main.activationMs ?? pkg.activationMs)],
    ['cold activate() of the installed .vsix', ms(pkg.activateCallMs)],
    ['open -> first diagnostics', ms(main.openToFirstDiagnosticsMs)],
    ['the next files (median)', ms(main.openToFirstDiagnosticsNextFilesMedianMs)],
    ['first file, server starting (.vsix)', ms(pkg.openToFirstDiagnosticsColdMs)],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (measured.length) process.stdout.write(`  timings: ${measured.map(([what, value]) => `${what} ${value}`).join('; ')}\n`);
  process.stdout.write(`  total ${totalSeconds.toFixed(1)} s; written to ${join(RESULTS, 'vscode-timings.json')}\n`);
  if (grep) process.stdout.write(grepBanner(grep));
  const failed = outcomes.filter((o) => o.status === 'failed').length + parts.filter((p) => !outcomes.some((o) => o.part === p)).length;
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    printSkipSummary();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
