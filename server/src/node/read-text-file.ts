// Reads a file as UTF-8 text, or says plainly why it is not validated (too large, binary, not UTF-8, unreadable).
import { readFileSync, statSync } from 'node:fs';
import type { TextFile } from '../engine/project/project-files';
import { MAX_TEXT_BYTES, tooManyDocuments } from '../engine/yaml/document-limits';

/** Editors and pipelines hold manifests of a few MB at most; 64 MB bounds the time and memory one file can take. */
export const DEFAULT_MAX_FILE_BYTES = MAX_TEXT_BYTES;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): TextFile {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    return {
      ok: false,
      reason: 'unreadable',
      message: describeError(error),
      ...((error as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : {}),
    };
  }
  if (size > maxBytes) {
    return {
      ok: false,
      reason: 'too-large',
      message: `${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit; not validated.`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: describeError(error) };
  }
  return decodeText(bytes);
}

export function decodeText(bytes: Uint8Array): TextFile {
  if (bytes.subarray(0, 8192).includes(0))
    return { ok: false, reason: 'not-text', message: 'binary file (it contains NUL bytes); not validated.' };
  try {
    const decoded = utf8.decode(bytes);
    const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
    const crowded = tooManyDocuments(text);
    return crowded ? { ok: false, reason: 'too-large', message: crowded } : { ok: true, text };
  } catch {
    return { ok: false, reason: 'not-text', message: 'not valid UTF-8 (Kubernetes reads manifests as UTF-8); not validated.' };
  }
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
