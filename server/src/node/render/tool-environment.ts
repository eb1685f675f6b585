// The environment kustomize, kubectl and helm run in: an allow-list, never the caller's whole environment. A CI job's
// tokens, a kubeconfig or cloud credentials are nothing a render needs, and a repository that gets a tool to read
// its environment (an env file line without a value, a template function) must find nothing in it. Each run gets a
// fresh, empty home: no ~/.kube/config, no helm repositories, registries or plugins of the user's.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeTemporaryFolder, temporaryFolder } from '../leftovers';

/** Passed on as they are: where programs are, the temp dir, the locale. Nothing else of the caller's. */
const PASSED_ON = ['PATH', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'LC_CTYPE', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT'];

/**
 * Where a tool would connect if anything slipped past the network checks: a closed port on this machine, so a
 * fetch fails at once rather than reaching the world. The checks before a run are the defence; this is the second.
 */
const NOWHERE = 'http://127.0.0.1:9';

export interface ToolEnvironment {
  env: NodeJS.ProcessEnv;
  /** Removes the run's home. */
  dispose(): void;
}

/** A fresh environment for one tool run. */
export function toolEnvironment(): ToolEnvironment {
  const home = temporaryFolder('driftless-tool-home-');
  const helm = join(home, 'helm');
  const plugins = join(helm, 'plugins');
  mkdirSync(plugins, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ON) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    // helm: its own homes, and no plugins (a plugin is a program; none is ever run). kustomize sets the three homes
    // itself for the helm it runs, and passes the rest of this environment on.
    HELM_CONFIG_HOME: join(helm, 'config'),
    HELM_CACHE_HOME: join(helm, 'cache'),
    HELM_DATA_HOME: join(helm, 'data'),
    HELM_PLUGINS: plugins,
    // git (kustomize clones remote bases with it): no system or global configuration, no prompt, no transport.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'none',
    HTTP_PROXY: NOWHERE,
    HTTPS_PROXY: NOWHERE,
    ALL_PROXY: NOWHERE,
    http_proxy: NOWHERE,
    https_proxy: NOWHERE,
    all_proxy: NOWHERE,
  });
  return { env, dispose: () => removeTemporaryFolder(home) };
}
