// Writes schemas/driftless-config.schema.json, the schema of .driftless.yaml, with one entry per rule id from the
// engine's rule registry. Run: npm run schemas (a test checks the committed file is current).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/engine/rules';

export function configSchema(): object {
  const severity = {
    type: 'string',
    enum: ['off', 'info', 'warning', 'error'],
    description: 'off silences the rule; info, warning and error set how its findings are reported.',
  };
  const rules = Object.fromEntries(
    Object.entries(RULES).map(([id, rule]) => [id, { ...severity, description: `${rule.summary} Default: ${rule.severity}.` }]),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://driftless.dev/schemas/driftless-config.schema.json',
    title: 'Driftless project configuration (.driftless.yaml)',
    description: 'Settings a team shares, read identically by the Driftless editor extension and the driftless CLI.',
    type: 'object',
    additionalProperties: false,
    properties: {
      kubernetesVersion: {
        type: 'string',
        pattern: '^v?1\\.\\d+(\\.\\d+)?$',
        description: 'The Kubernetes minor version to validate against, e.g. "1.31". Default: the newest bundled version.',
        examples: ['1.31'],
      },
      crds: {
        type: 'array',
        items: { type: 'string' },
        description: 'Extra files or folders (relative to this file) holding CustomResourceDefinitions whose kinds should be validated.',
      },
      exclude: {
        type: 'array',
        items: { type: 'string' },
        description: 'Glob patterns (relative to this file) of files not to validate, e.g. "vendor/**".',
      },
      rules: {
        type: 'object',
        description: 'Severity per rule id: off, info, warning or error.',
        additionalProperties: false,
        properties: rules,
      },
      drift: {
        type: 'object',
        additionalProperties: false,
        description: 'How `driftless drift` and the Drift view compare git with the live clusters.',
        properties: {
          ignore: {
            type: 'array',
            description:
              "Differences that are no drift, as Argo CD's ignoreDifferences: each rule names objects (all fields optional) and the fields to leave out.",
            items: IGNORE_RULE,
          },
        },
      },
      delivery: {
        type: 'object',
        additionalProperties: false,
        description: 'How changes are delivered, for every environment (each environment may refine it under its own delivery).',
        properties: { pullRequest: PULL_REQUEST },
      },
      environments: {
        type: 'array',
        description:
          'Environments: where a source of this repository is delivered. Each declares one, or overrides the one Driftless discovers under the same name (an Argo CD Application, a Flux Kustomization or HelmRelease, an overlay nothing includes).',
        items: ENVIRONMENT,
      },
    },
  };
}

const PATH = { type: 'string', minLength: 1 };

const STRINGS = { type: 'array', items: { type: 'string', minLength: 1 } };

/** One entry of `drift.ignore`. */
const IGNORE_RULE = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['jsonPointers'] }, { required: ['jqPathExpressions'] }, { required: ['managedFieldsManagers'] }],
  properties: {
    group: { type: 'string', description: 'The API group of the objects ("" for the core group; globs as Argo CD\'s). Default: any.' },
    kind: { type: 'string', minLength: 1, description: "Their kind (globs as Argo CD's). Default: any." },
    name: { type: 'string', minLength: 1, description: 'Only the object of this name.' },
    namespace: { type: 'string', minLength: 1, description: 'Only objects in this namespace.' },
    environment: { type: 'string', minLength: 1, description: 'Only in this environment.' },
    jsonPointers: { ...STRINGS, description: 'Fields to leave out, as JSON pointers: "/spec/replicas".', examples: [['/spec/replicas']] },
    jqPathExpressions: {
      ...STRINGS,
      description:
        'Fields to leave out, as jq paths: ".spec.template.spec.containers[] | select(.name == \"istio-proxy\")". Supported: paths, [], [n], pipes, select() with ==, !=, and, or, not, test(), startswith(), endswith(), contains().',
    },
    managedFieldsManagers: {
      ...STRINGS,
      description: 'Leave out every field these field managers own (managedFields), e.g. "kube-controller-manager" for an HPA\'s replicas.',
    },
  },
};

/** `delivery.pullRequest`, at the top level and per environment. */
const PULL_REQUEST = {
  type: 'object',
  additionalProperties: false,
  description:
    'The pull requests Driftless opens (Driftless: Create Pull Request…, driftless pr create). For a change to several environments, their reviewers and labels are joined, and any draft makes a draft.',
  properties: {
    draft: { type: 'boolean', description: 'Open pull requests as drafts (GitLab: a "Draft:" title; Gitea: "WIP:"). Default: false.' },
    reviewers: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'User names asked to review (on the forge; unknown ones are reported, not fatal).',
    },
    labels: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      description: 'Labels put on the pull request (GitHub makes missing ones; GitLab too; Gitea only takes existing ones).',
    },
    base: {
      type: 'string',
      minLength: 1,
      description: "The branch pull requests target. Default: the environment's delivery branch, else the remote's default branch.",
    },
  },
};

/** One entry of `environments`. */
const ENVIRONMENT = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      description: 'How the environment is shown and named on the command line (`driftless render <name>`).',
    },
    source: {
      type: 'object',
      additionalProperties: false,
      description: 'What is rendered for it: one of kustomization, chart, directory, application or flux.',
      minProperties: 1,
      properties: {
        kustomization: { ...PATH, description: 'A folder holding a kustomization.yaml, relative to this file.' },
        chart: { ...PATH, description: 'A Helm chart folder, relative to this file.' },
        valuesFiles: {
          type: 'array',
          items: PATH,
          description: 'Values files for the chart, relative to this file, in the order Helm merges them.',
        },
        directory: { ...PATH, description: 'A folder of plain manifests, relative to this file.' },
        application: { type: 'string', minLength: 1, description: 'The name of an Argo CD Application in this repository.' },
        flux: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          description: 'A Flux object of this repository.',
          properties: {
            kind: { type: 'string', enum: ['Kustomization', 'HelmRelease'] },
            name: { type: 'string', minLength: 1 },
            namespace: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      description: 'Where it runs.',
      properties: {
        context: { type: 'string', minLength: 1, description: 'The kubeconfig context of its cluster.' },
        namespace: { type: 'string', minLength: 1, description: 'The namespace its namespaced objects without one go to.' },
        server: {
          type: 'string',
          pattern: '^https?://[^/@\\s]+(/\\S*)?$',
          description:
            'The URL of its cluster\'s API server, e.g. "https://prod-eu.example.com:6443". A deploy refuses a context whose cluster is at another URL (a renamed context pointing at another cluster).',
        },
      },
    },
    controller: {
      description:
        'The GitOps controller a deploy syncs after the change reaches git. Default: the environment\'s own Argo CD Application or Flux object, else none. "none": nothing syncs; the change is applied directly after it reaches git.',
      oneOf: [
        { type: 'string', enum: ['none'] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['argocd'],
          properties: {
            argocd: {
              type: 'object',
              additionalProperties: false,
              required: ['application'],
              properties: {
                application: { type: 'string', minLength: 1, description: "The Application's name." },
                namespace: { type: 'string', minLength: 1, description: 'Its namespace. Default: argocd.' },
                server: {
                  type: 'string',
                  pattern: '^https?://[^/@\\s]+(/\\S*)?$',
                  description:
                    "argocd-server's URL: sync through its REST API (with a token kept in VS Code's secret storage, or ARGOCD_AUTH_TOKEN for the CLI) instead of the Kubernetes API (as `argocd app sync --core`).",
                },
              },
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['flux'],
          properties: {
            flux: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'name'],
              properties: {
                kind: { type: 'string', enum: ['Kustomization', 'HelmRelease'] },
                name: { type: 'string', minLength: 1 },
                namespace: { type: 'string', minLength: 1, description: 'Default: flux-system.' },
              },
            },
          },
        },
      ],
    },
    kubernetesVersion: {
      type: 'string',
      pattern: '^v?1\\.\\d+(\\.\\d+)?$',
      description: 'The Kubernetes version of its cluster, e.g. "1.30"; its rendered objects are validated against it.',
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      description: 'How a change reaches it.',
      properties: {
        mode: {
          type: 'string',
          enum: ['pull-request', 'commit', 'apply'],
          description:
            'How Driftless: Deploy and driftless deploy deliver it. pull-request: a pull request to `branch`, followed until merged, then the controller synced; commit: pushed to `branch`, then the controller synced; apply: a server-side apply of the render (field manager driftless). Default: pull-request when a controller delivers it, else apply.',
        },
        branch: { type: 'string', minLength: 1, description: 'The branch its controller follows (default: baseBranch).' },
        pullRequest: PULL_REQUEST,
      },
    },
    baseBranch: { type: 'string', minLength: 1, description: 'The branch changes are compared with and proposed to (default: main).' },
    protection: {
      type: 'string',
      enum: ['none', 'production'],
      description:
        "production: a deploy or rollback needs the environment's name typed (driftless deploy --confirm NAME), and a failed validation blocks it unless overridden. Default: none.",
    },
  },
};

if (require.main === module) {
  const path = join(__dirname, '..', 'schemas', 'driftless-config.schema.json');
  writeFileSync(path, JSON.stringify(configSchema(), null, 2) + '\n');
  console.log(`wrote ${path}`);
}
