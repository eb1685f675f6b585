// A tree view's rows as shown (label, description, icon, tooltip, command), walked through its own provider: what the
// extension's API gives tests and other extensions instead of internals.
import * as vscode from 'vscode';
import type { ViewRow } from '../api';

export function shownViewRows<T>(provider: vscode.TreeDataProvider<T>, node?: T): ViewRow[] {
  const children = (provider.getChildren(node) ?? []) as T[];
  return children.map((child) => {
    const item = provider.getTreeItem(child) as vscode.TreeItem;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    const nested =
      item.collapsibleState === vscode.TreeItemCollapsibleState.None || item.collapsibleState === undefined
        ? []
        : shownViewRows(provider, child);
    return {
      label,
      ...(typeof item.description === 'string' && item.description ? { description: item.description } : {}),
      ...(item.iconPath instanceof vscode.ThemeIcon ? { icon: item.iconPath.id } : {}),
      ...(tooltip ? { tooltip } : {}),
      ...(item.contextValue ? { contextValue: item.contextValue } : {}),
      ...(item.command ? { command: { command: item.command.command, arguments: item.command.arguments ?? [] } } : {}),
      ...(nested.length ? { children: nested } : {}),
    };
  });
}
