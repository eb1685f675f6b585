// The Drift view's tree: environment → kind → object → difference, each with its status icon and counts, the GitOps
// controller's own status on the environment, and a row saying why when an environment could not be compared (its
// cluster unreachable, no context chosen, a render that failed). A click on an object opens its diff; a difference
// row carries the actions "Ignore this field" and "Take the live value into git".
import * as vscode from 'vscode';
import type { DriftRow } from '../api';
import { driftCount, DriftModel, type DriftDifference, type DriftEntry, type DriftObject, type EnvironmentDrift } from './drift-model';

export type DriftNode =
  | { type: 'message'; text: string; icon: string; color?: string; tooltip?: string; command?: vscode.Command; id: string }
  | { type: 'folder'; folder: string }
  | { type: 'environment'; entry: DriftEntry }
  | { type: 'kind'; entry: DriftEntry; kind: string; objects: DriftObject[] }
  | { type: 'object'; entry: DriftEntry; object: DriftObject }
  | { type: 'difference'; entry: DriftEntry; object: DriftObject; difference: DriftDifference; index: number };

type Status = DriftObject['status'];
const STATUS: Record<Status, { icon: string; color: string; word: string }> = {
  'in-sync': { icon: 'pass', color: 'testing.iconPassed', word: 'in sync' },
  drifted: { icon: 'diff-modified', color: 'charts.yellow', word: 'drifted' },
  missing: { icon: 'diff-removed', color: 'charts.red', word: 'missing' },
  extra: { icon: 'diff-added', color: 'charts.orange', word: 'extra' },
  unknown: { icon: 'question', color: 'disabledForeground', word: 'unknown' },
};
const WORST: Status[] = ['missing', 'drifted', 'extra', 'unknown', 'in-sync'];

export const UNTRUSTED_VIEW =
  'Drift needs a trusted workspace: comparing with a cluster uses your kubeconfig’s credentials and runs kustomize and helm.';

function icon(status: Status): vscode.ThemeIcon {
  return new vscode.ThemeIcon(STATUS[status].icon, new vscode.ThemeColor(STATUS[status].color));
}

function worst(objects: readonly DriftObject[]): Status {
  return WORST.find((status) => objects.some((o) => o.status === status)) ?? 'in-sync';
}

/** `2 drifted · 1 missing · 14 in sync` (no zeros but for in sync when nothing else). */
export function summaryText(summary: EnvironmentDrift['summary']): string {
  const parts = [
    summary.drifted && `${summary.drifted} drifted`,
    summary.missing && `${summary.missing} missing`,
    summary.extra && `${summary.extra} extra`,
    summary.unknown && `${summary.unknown} unknown`,
    summary.inSync && `${summary.inSync} in sync`,
  ].filter((part): part is string => !!part);
  return parts.length ? parts.join(' · ') : 'no objects';
}

/** `Argo CD: Synced, Healthy, revision 1a2b3c4` / `Flux: Ready, revision main@sha1:1a2b3c4`. */
export function controllerText(controller: EnvironmentDrift['controllers'][number]): string {
  const short = (revision: string) => revision.replace(/\b([0-9a-f]{7})[0-9a-f]{33}\b/, '$1');
  const parts = [
    controller.sync,
    controller.health,
    controller.ready &&
      `${controller.ready.status === 'True' ? 'Ready' : `not Ready (${controller.ready.status})`}${controller.ready.reason ? ` (${controller.ready.reason})` : ''}`,
    controller.suspended ? 'suspended' : undefined,
    controller.revision && `revision ${short(controller.revision)}`,
  ].filter((part): part is string => !!part);
  const who = controller.kind === 'Application' ? 'Argo CD' : 'Flux';
  return `${who}: ${parts.length ? parts.join(', ') : 'no status yet'}`;
}

/** A difference's value as one short line. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Why an environment was not compared, or its failure, when nothing of it could be read; undefined otherwise. */
export function notComparedReason(entry: DriftEntry): { text: string; detail?: string; icon: string } | undefined {
  if (entry.context === undefined) return { text: 'no cluster context: choose one', icon: 'plug' };
  if (entry.context === null) return { text: 'not compared (no cluster context)', icon: 'circle-slash' };
  const result = entry.result;
  if (!result) return undefined;
  if (!('objects' in result)) return { text: `cannot compare: ${result.error.split('\n')[0]}`, detail: result.error, icon: 'error' };
  if (result.skipped) return { text: `not compared: ${result.skipped}`, icon: 'circle-slash' };
  if (result.error && result.objects.every((o) => o.status === 'unknown'))
    return {
      text: `${result.context ? `${result.context}: ` : ''}${result.error.split('\n')[0]}`,
      detail: result.error,
      icon: 'error',
    };
  return undefined;
}

/** Environments compared first, then those without a cluster context (in their order otherwise). */
function byContext(entries: readonly DriftEntry[]): DriftEntry[] {
  return [...entries.filter((entry) => entry.context), ...entries.filter((entry) => !entry.context)];
}

/** `/spec/template/spec/containers/0/image` as `…/containers/0/image`: the end of the path says what it is. */
export function shortPath(pointer: string): string {
  const segments = pointer.split('/').slice(1);
  return segments.length > 3 ? `…/${segments.slice(-3).join('/')}` : pointer;
}

export class DriftTree implements vscode.TreeDataProvider<DriftNode> {
  private readonly changed = new vscode.EventEmitter<DriftNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One node per environment, kept, so that reveal() and refreshes of one environment find it. */
  private readonly environmentNodes = new Map<string, DriftNode & { type: 'environment' }>();
  private readonly folderNodes = new Map<string, DriftNode & { type: 'folder' }>();
  /** A message instead of the tree (untrusted workspace, no environments yet). */
  message: string | undefined;

  constructor(private readonly model: DriftModel) {}

  dispose(): void {
    this.changed.dispose();
  }

  refresh(entry?: DriftEntry): void {
    const node = entry && this.environmentNodes.get(DriftModel.keyOf(entry));
    this.changed.fire(node);
  }

  environmentNode(entry: DriftEntry): DriftNode & { type: 'environment' } {
    const key = DriftModel.keyOf(entry);
    let node = this.environmentNodes.get(key);
    if (!node || node.entry !== entry) {
      node = { type: 'environment', entry };
      this.environmentNodes.set(key, node);
    }
    return node;
  }

  private folderNode(folder: string): DriftNode & { type: 'folder' } {
    let node = this.folderNodes.get(folder);
    if (!node) this.folderNodes.set(folder, (node = { type: 'folder', folder }));
    return node;
  }

  getParent(node: DriftNode): DriftNode | undefined {
    if (node.type === 'environment') return this.model.folders.length > 1 ? this.folderNode(node.entry.folder) : undefined;
    return undefined;
  }

  getChildren(node?: DriftNode): DriftNode[] {
    if (!node) {
      if (this.message) return [{ type: 'message', text: this.message, icon: 'shield', id: 'message' }];
      if (this.model.folders.length > 1) return this.model.folders.map((folder) => this.folderNode(folder));
      return byContext(this.model.all()).map((entry) => this.environmentNode(entry));
    }
    switch (node.type) {
      case 'folder':
        return byContext(this.model.all().filter((entry) => entry.folder === node.folder)).map((entry) => this.environmentNode(entry));
      case 'environment':
        return this.environmentChildren(node.entry);
      case 'kind':
        return node.objects.map((object) => ({ type: 'object', entry: node.entry, object }));
      case 'object':
        return node.object.differences.map((difference, index) => ({
          type: 'difference',
          entry: node.entry,
          object: node.object,
          difference,
          index,
        }));
      default:
        return [];
    }
  }

  private environmentChildren(entry: DriftEntry): DriftNode[] {
    const id = DriftModel.keyOf(entry);
    if (!entry.context) return [];
    const why = notComparedReason(entry);
    if (why) return [{ type: 'message', text: why.detail ?? why.text, icon: why.icon, id: `${id}/why` }];
    const result = entry.result;
    if (!result || !('objects' in result)) return [];
    const kinds = new Map<string, DriftObject[]>();
    for (const object of result.objects) kinds.set(object.kind, [...(kinds.get(object.kind) ?? []), object]);
    const children: DriftNode[] = [...kinds].map(([kind, objects]) => ({ type: 'kind', entry, kind, objects }));
    // How it was compared (notes) is in the environment's tooltip; what went wrong is a row of its own.
    if (result.error) children.push({ type: 'message', text: result.error, icon: 'warning', id: `${id}/error` });
    return children;
  }

  getTreeItem(node: DriftNode): vscode.TreeItem {
    switch (node.type) {
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
        item.tooltip = node.tooltip ?? node.text;
        if (node.command) item.command = node.command;
        return item;
      }
      case 'folder': {
        const item = new vscode.TreeItem(vscode.workspace.asRelativePath(node.folder), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `folder:${node.folder}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        return item;
      }
      case 'environment':
        return this.environmentItem(node.entry);
      case 'kind': {
        const status = worst(node.objects);
        const item = new vscode.TreeItem(
          node.kind,
          status === 'in-sync' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = `${DriftModel.keyOf(node.entry)}/${node.kind}`;
        const counts = new Map<Status, number>();
        for (const object of node.objects) counts.set(object.status, (counts.get(object.status) ?? 0) + 1);
        item.description = WORST.filter((s) => counts.get(s))
          .map((s) => `${counts.get(s)} ${STATUS[s].word}`)
          .join(' · ');
        item.iconPath = icon(status);
        return item;
      }
      case 'object':
        return this.objectItem(node.entry, node.object);
      case 'difference': {
        const { difference } = node;
        const item = new vscode.TreeItem(shortPath(difference.path));
        item.id = `${DriftModel.keyOf(node.entry)}/${node.object.kind}/${node.object.namespace ?? ''}/${node.object.name}/${node.index}`;
        item.description = `${valueText(difference.desired)} → ${valueText(difference.live)}${difference.manager ? ` · ${difference.manager}` : ''}`;
        const change = difference.change;
        item.tooltip = new vscode.MarkdownString(
          [
            `**${difference.path}**`,
            `- git: \`${JSON.stringify(difference.desired)}\``,
            `- live: \`${JSON.stringify(difference.live)}\``,
            difference.manager
              ? `- changed by **${difference.manager}**${change ? ` (${[change.operation, change.subresource && `${change.subresource} subresource`, change.time].filter(Boolean).join(', ')})` : ''}${change?.via ? `, through ${change.via}` : ''}`
              : '- no field manager owns it',
          ].join('\n'),
        );
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'driftless.driftDifference';
        item.command = { command: 'driftless.openDrift', title: 'Open the diff', arguments: [node] };
        return item;
      }
    }
  }

  private environmentItem(entry: DriftEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(
      entry.environment,
      entry.context ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = DriftModel.keyOf(entry);
    item.contextValue = 'driftless.driftEnvironment';
    // Not compared for want of a context: a click asks for one (the answer is remembered for the workspace).
    if (!entry.context)
      item.command = { command: 'driftless.chooseClusterContext', title: 'Choose Cluster Context', arguments: [{ entry }] };
    const why = notComparedReason(entry);
    const result = entry.result && 'objects' in entry.result ? entry.result : undefined;
    const controllers = result?.controllers.map(controllerText) ?? [];
    if (entry.comparing && !entry.result) {
      item.description = `comparing with ${entry.context}…`;
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (why) {
      item.description = why.text;
      item.iconPath = new vscode.ThemeIcon(why.icon, why.icon === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
    } else if (result) {
      item.description = [summaryText(result.summary), ...controllers].join(' · ') + (entry.comparing ? ' (comparing…)' : '');
      const status: Status = driftCount(result)
        ? worst(result.objects.filter((o) => o.status !== 'unknown'))
        : result.summary.unknown
          ? 'unknown'
          : 'in-sync';
      item.iconPath = entry.comparing ? new vscode.ThemeIcon('loading~spin') : icon(status);
    }
    item.tooltip = [
      entry.environment,
      entry.context ? `Cluster context: ${entry.context}${entry.picked ? ' (chosen in this workspace)' : ' (.driftless.yaml)'}` : undefined,
      result ? summaryText(result.summary) : undefined,
      ...controllers,
      why?.detail,
      ...(result?.notes ?? []),
      entry.at ? `Compared at ${new Date(entry.at).toLocaleTimeString()}` : undefined,
    ]
      .filter(Boolean)
      .join('\n');
    return item;
  }

  private objectItem(entry: DriftEntry, object: DriftObject): vscode.TreeItem {
    const item = new vscode.TreeItem(
      object.name,
      object.differences.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${DriftModel.keyOf(entry)}/${object.kind}/${object.namespace ?? ''}/${object.name}`;
    const count = object.differences.length;
    item.description = [
      STATUS[object.status].word,
      object.namespace,
      count ? `${count} difference${count === 1 ? '' : 's'}` : undefined,
      object.error && object.status === 'unknown' ? object.error.split('\n')[0] : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = [
      `${object.apiVersion} ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}: ${STATUS[object.status].word}`,
      object.comparedBy === 'fields-git-sets' && object.status !== 'in-sync' ? 'Compared on the fields git sets (no dry run).' : undefined,
      object.error,
    ]
      .filter(Boolean)
      .join('\n');
    item.iconPath = icon(object.status);
    item.contextValue = `driftless.driftObject.${object.status}`;
    item.command = { command: 'driftless.openDrift', title: 'Open the diff', arguments: [{ type: 'object', entry, object }] };
    return item;
  }
}

/** What the view shows, as text (for the extension's API and its tests): label, description, icon, children. */
export function shownRows(tree: DriftTree, node?: DriftNode): DriftRow[] {
  return tree.getChildren(node).map((child) => {
    const item = tree.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const children = item.collapsibleState === vscode.TreeItemCollapsibleState.None ? [] : shownRows(tree, child);
    return {
      label,
      ...(typeof item.description === 'string' && item.description ? { description: item.description } : {}),
      ...(item.iconPath instanceof vscode.ThemeIcon ? { icon: item.iconPath.id } : {}),
      ...(children.length ? { children } : {}),
    };
  });
}
