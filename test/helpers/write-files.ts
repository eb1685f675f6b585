// Writes a file of a repository made at test time, its folders created as needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A writer of files under `root` (a function, as roots are often made in a hook after the writer is declared). */
export function fileWriter(root: () => string): (relative: string, text: string) => void {
  return (relative, text) => {
    const path = join(root(), relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
}
