// The command behind the server's "Applied by N environments" code lens: shows the environments as VS Code's
// reference peek (the server sends plain JSON; VS Code's command wants its own Uri, Position and Location).
import * as vscode from 'vscode';
import type { Feature } from '../feature';

interface PlainPosition {
  line: number;
  character: number;
}

interface PlainLocation {
  uri: string;
  range: { start: PlainPosition; end: PlainPosition };
}

const position = (p: PlainPosition) => new vscode.Position(p.line, p.character);

export const environmentLens: Feature = () => [
  vscode.commands.registerCommand('driftless.showEnvironments', (uri: string, at: PlainPosition, places: PlainLocation[]) =>
    vscode.commands.executeCommand(
      'editor.action.showReferences',
      vscode.Uri.parse(uri),
      position(at),
      places.map(
        (place) =>
          new vscode.Location(vscode.Uri.parse(place.uri), new vscode.Range(position(place.range.start), position(place.range.end))),
      ),
    ),
  ),
];
