// Both test controllers at once, for a test, the VS Code suites and the demo: Argo CD's (Applications in `argocd`) and
// Flux's (GitRepositories and Kustomizations in the namespaces given), each reading the bare remotes given.
import { ArgoCdTestController } from './argocd-test-controller';
import { FluxTestController } from './flux-test-controller';

export interface TestControllersOptions {
  kubeconfig: string;
  context: string;
  kubectl: string;
  /** The helm binary: the Flux test controller plays helm-controller too. */
  helm?: string;
  /** A repository URL (an Application's repoURL, a GitRepository's url) → its bare repository. */
  repositories: Record<string, string>;
  argocdNamespace?: string;
  fluxNamespaces?: string[];
  pollMs?: number;
  log?: (message: string) => void;
}

export interface RunningTestControllers {
  argocd: ArgoCdTestController;
  flux: FluxTestController;
  /** What went wrong inside them (a failed list, a patch the API server refused): a test can assert there was nothing. */
  errors(): string[];
  stop(): Promise<void>;
}

export function startTestControllers(options: TestControllersOptions): RunningTestControllers {
  const common = {
    kubeconfig: options.kubeconfig,
    context: options.context,
    kubectl: options.kubectl,
    repositories: options.repositories,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  const argocd = new ArgoCdTestController({ ...common, namespace: options.argocdNamespace ?? 'argocd' }).start();
  const flux = new FluxTestController({
    ...common,
    namespaces: options.fluxNamespaces ?? ['flux-system'],
    ...(options.helm ? { helm: options.helm } : {}),
  }).start();
  return {
    argocd,
    flux,
    errors: () => [...argocd.errors, ...flux.errors],
    stop: async () => {
      await Promise.all([argocd.stop(), flux.stop()]);
    },
  };
}
