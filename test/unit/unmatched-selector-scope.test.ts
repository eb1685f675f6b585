// `unmatched-selector` stays quiet only where pods nobody can see may really be selected: a custom resource in the
// Service's namespace, or a bundled operator's kind that runs pods. A custom resource elsewhere in the repository (a
// `Widget` in another namespace) no longer hides a typo'd selector; why a selector was not judged is said on hover.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, summary, validateFile } from '../helpers/engine';

const BILLING = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: billing, namespace: shop}',
  'spec:',
  '  selector: {matchLabels: {app: billing}}',
  '  template:',
  '    metadata: {labels: {app: billing}}',
  '    spec: {containers: [{name: app, image: nginx:1.27}]}',
  '',
].join('\n');

/** The typo: `biling`. */
const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata: {name: billing, namespace: shop}\nspec:\n  selector: {app: biling}\n  ports: [{port: 80}]\n';

const widget = (namespace?: string) =>
  `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: gizmo${namespace ? `, namespace: ${namespace}` : ''}}\nspec: {size: 3}\n`;

function unmatched(root: string, project: ProjectModel): string[] {
  return summary(validateFile(project, join(root, 'app/service.yaml')).filter((f) => f.rule === 'unmatched-selector'));
}

function whyNotJudged(root: string, project: ProjectModel): string[] {
  const path = join(root, 'app/service.yaml');
  const text = project.files.readText(path);
  if (!text.ok) throw new Error(text.message);
  return project.selectorNotJudged(path, parseDocuments(text.text)[0]!.content);
}

describe('unmatched-selector: which custom resources keep it quiet', function () {
  it('reports a typo’d selector though a custom resource of an unknown kind is applied in another namespace', function () {
    const { root, project } = repository({
      'app/deployment.yaml': BILLING,
      'app/service.yaml': SERVICE,
      'other/widget.yaml': widget('tools'),
    });
    assert.deepEqual(unmatched(root, project), ['unmatched-selector@5']);
    assert.deepEqual(whyNotJudged(root, project), []);
  });

  it('reports it when the custom resource names no namespace (applied wherever its own folder goes)', function () {
    const { root, project } = repository({ 'app/deployment.yaml': BILLING, 'app/service.yaml': SERVICE, 'other/widget.yaml': widget() });
    assert.deepEqual(unmatched(root, project), ['unmatched-selector@5']);
  });

  it('stays quiet when the custom resource is in the Service’s namespace, and says why on hover', function () {
    const { root, project } = repository({
      'app/deployment.yaml': BILLING,
      'app/service.yaml': SERVICE,
      'app/widget.yaml': widget('shop'),
    });
    assert.deepEqual(unmatched(root, project), []);
    const [why, ...more] = whyNotJudged(root, project);
    assert.deepEqual(more, []);
    assert.match(
      why!,
      /^Widget `gizmo` \(app\/widget\.yaml\), a custom resource that may run pods whose labels are not written here, is applied in namespace `shop`\.$/,
    );
  });

  it('stays quiet for a bundled operator’s kind that runs pods (a Prometheus), not for one that runs none (a Certificate)', function () {
    const prometheus =
      'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: main, namespace: shop}\nspec: {replicas: 1}\n';
    const certificate =
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web, namespace: shop}\nspec: {secretName: web-tls, dnsNames: [shop.example.com], issuerRef: {name: letsencrypt}}\n';
    const quiet = repository({ 'app/deployment.yaml': BILLING, 'app/service.yaml': SERVICE, 'app/prometheus.yaml': prometheus });
    assert.deepEqual(unmatched(quiet.root, quiet.project), []);
    assert.match(whyNotJudged(quiet.root, quiet.project)[0]!, /^Prometheus `main` .*, which runs pods/);
    const loud = repository({ 'app/deployment.yaml': BILLING, 'app/service.yaml': SERVICE, 'app/certificate.yaml': certificate });
    assert.deepEqual(unmatched(loud.root, loud.project), ['unmatched-selector@5']);
  });

  it('names the workload one typo away as the closest, before one that only shares the key', function () {
    const web = BILLING.replace(/billing/g, 'web');
    const { root, project } = repository({ 'app/a-web.yaml': web, 'app/deployment.yaml': BILLING, 'app/service.yaml': SERVICE });
    const [found] = validateFile(project, join(root, 'app/service.yaml')).filter((f) => f.rule === 'unmatched-selector');
    assert.match(found!.message, /Deployment `billing` has `app: billing`\.$/);
  });
});
