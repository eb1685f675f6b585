// Workspace Trust: validation works everywhere; what runs processes or writes to clusters waits for trust.
import * as vscode from 'vscode';
import type { Feature } from '../feature';

export const workspaceTrust: Feature = ({ server }) => [vscode.workspace.onDidGrantWorkspaceTrust(() => server.notifyTrust())];
