// The test controllers as a process of their own (the VS Code suites and `npm start` run them beside code-server):
//   tsx test/controllers/run-test-controllers.ts --kubeconfig FILE --context CTX --repository URL=BARE [...]
//     [--argocd-namespace NS] [--flux-namespace NS ...]
// Runs until SIGTERM or SIGINT, or until its stdin closes (a parent that dies takes it along).
import { parseArgs } from 'node:util';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { startTestControllers } from './test-controllers';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    repository: { type: 'string', multiple: true },
    'argocd-namespace': { type: 'string' },
    'flux-namespace': { type: 'string', multiple: true },
  },
});
const tools = kubernetesTools();
if (!values.kubeconfig || !values.context || 'missing' in tools) {
  console.error(
    `usage: run-test-controllers --kubeconfig FILE --context CTX --repository URL=BARE ...${'missing' in tools ? ` (${tools.missing})` : ''}`,
  );
  process.exit(2);
}
const repositories = Object.fromEntries(
  (values.repository ?? []).map((entry) => [entry.slice(0, entry.lastIndexOf('=')), entry.slice(entry.lastIndexOf('=') + 1)]),
);
const running = startTestControllers({
  kubeconfig: values.kubeconfig,
  context: values.context,
  kubectl: tools.kubectl,
  repositories,
  ...(values['argocd-namespace'] ? { argocdNamespace: values['argocd-namespace'] } : {}),
  ...(values['flux-namespace'] ? { fluxNamespaces: values['flux-namespace'] } : {}),
  log: (message) => console.log(message),
});
console.log(JSON.stringify({ ready: true, pid: process.pid }));
const stop = () => void running.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
