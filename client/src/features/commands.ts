// Commands that manage the language server itself.
import * as vscode from 'vscode';
import type { Feature } from '../feature';

export const serverCommands: Feature = ({ server }) => [
  vscode.commands.registerCommand('driftless.restartServer', async () => {
    await server.restart();
    void vscode.window.setStatusBarMessage('Driftless language server restarted', 3000);
  }),
  vscode.commands.registerCommand('driftless.showOutput', () => server.output.show()),
];
