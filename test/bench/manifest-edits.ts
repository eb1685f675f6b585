// The edits the benchmark types into the generated file, all in the middle app's Deployment and all keeping it valid.
import type { Position } from 'vscode-languageserver-protocol';
import { APP_COUNT, appName, NAMESPACE } from './generate-manifests';

const MIDDLE_APP = appName(Math.floor(APP_COUNT / 2));
const IMAGE_LINE = `          image: registry.example.com/${NAMESPACE}/${MIDDLE_APP}:`;
const CONTAINER_KEY_LINE = '          imagePullPolicy: IfNotPresent\n';
const CONTAINER_KEY_INDENT = 10;

function offsetOf(text: string, needle: string, from = 0): number {
  const offset = text.indexOf(needle, from);
  if (offset === -1) throw new Error(`The generated file no longer contains "${needle.trim()}"`);
  return offset;
}

/** Changes the last digit of the middle Deployment's image tag; consecutive steps always differ from each other. */
export function editImageTag(text: string, step: number): string {
  const lineStart = offsetOf(text, IMAGE_LINE);
  const lineEnd = text.indexOf('\n', lineStart);
  const digit = Number(text[lineEnd - 1]);
  if (Number.isNaN(digit)) throw new Error('The middle Deployment image tag does not end with a digit');
  return text.slice(0, lineEnd - 1) + String((digit + 1 + step) % 10) + text.slice(lineEnd);
}

/** Inserts an indented blank line among the middle container's keys; returns the text and the cursor on that line. */
export function insertBlankContainerLine(text: string): { text: string; position: Position } {
  const insertAt = offsetOf(text, CONTAINER_KEY_LINE, offsetOf(text, IMAGE_LINE)) + CONTAINER_KEY_LINE.length;
  const line = text.slice(0, insertAt).split('\n').length - 1;
  return {
    text: text.slice(0, insertAt) + ' '.repeat(CONTAINER_KEY_INDENT) + '\n' + text.slice(insertAt),
    position: { line, character: CONTAINER_KEY_INDENT },
  };
}
