// Red Hat's YAML extension can validate Kubernetes manifests too: when it is installed and its `yaml.schemas`
// associates the Kubernetes schema with files here, offer (once, with "don't ask again") to turn that association off
// for this workspace, so findings are not shown twice.
import * as vscode from 'vscode';
import type { Feature } from '../feature';

export const RED_HAT_YAML = 'redhat.vscode-yaml';
const DISMISSED_KEY = 'driftless.redHatYamlPrompt';

type SchemaAssociations = Record<string, string | string[]>;

/** The `yaml.schemas` entries that point the Kubernetes schema at files. */
export function kubernetesAssociations(schemas: SchemaAssociations | undefined): string[] {
  return Object.keys(schemas ?? {}).filter((key) => key === 'kubernetes' || /kubernetes-json-schema|kubernetesjsonschema/i.test(key));
}

async function offer(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.extensions.getExtension(RED_HAT_YAML) || context.workspaceState.get(DISMISSED_KEY)) return;
  const config = vscode.workspace.getConfiguration('yaml');
  const schemas = config.get<SchemaAssociations>('schemas');
  const associations = kubernetesAssociations(schemas);
  if (associations.length === 0) return;
  const choice = await vscode.window.showInformationMessage(
    'The Red Hat YAML extension also validates Kubernetes manifests in this workspace, so every finding would show twice. Turn its Kubernetes schema off for this workspace?',
    'Turn Off',
    'Not Now',
    "Don't Ask Again",
  );
  if (choice === 'Turn Off') {
    const remaining = Object.fromEntries(Object.entries(schemas ?? {}).filter(([key]) => !associations.includes(key)));
    await config.update('schemas', remaining, vscode.ConfigurationTarget.Workspace);
  }
  if (choice === 'Turn Off' || choice === "Don't Ask Again") await context.workspaceState.update(DISMISSED_KEY, true);
}

export const redHatYamlConflict: Feature = ({ extension }) => {
  void offer(extension);
  return [vscode.extensions.onDidChange(() => void offer(extension))];
};
