// The architecture invariants of docs/architecture.md that a compiler does not check: which layer may import what,
// and that custom LSP methods are spelt only where the protocol declares them.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';

const SERVER = join(REPO_ROOT, 'server', 'src');
const CLIENT = join(REPO_ROOT, 'client', 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (`import … from`, `export … from`, `import()`, `require()`), type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'([\w@./-]+)'/gm)) found.push(match[1]!);
  return found;
}

/** A relative import as a path from the repository root (without extension); a package import as written. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(REPO_ROOT, resolve(dirname(file), specifier))
    .split(sep)
    .join('/')
    .replace(/\.js$/, '');
}

function violations(files: string[], allowed: (to: string, file: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .map((specifier) => target(file, specifier))
      .filter((to) => !allowed(to, file))
      .map((to) => `${relative(REPO_ROOT, file)} imports ${to}`),
  );
}

describe('architecture invariants', () => {
  it('the engine imports only its own modules and yaml, js-yaml, ajv and diff', () => {
    const packages = /^(yaml|js-yaml|ajv(\/dist\/20(19|20))?|diff)$/;
    const found = violations(sourceFiles(join(SERVER, 'engine')), (to) => to.startsWith('server/src/engine/') || packages.test(to));
    assert.deepEqual(found, []);
  });

  it('node/ knows nothing of LSP, the CLI or the protocol', () => {
    const found = violations(
      sourceFiles(join(SERVER, 'node')),
      (to) =>
        !to.startsWith('vscode') && !to.startsWith('server/src/lsp') && !to.startsWith('server/src/cli') && to !== 'server/src/protocol',
    );
    assert.deepEqual(found, []);
  });

  it('the CLI and the language server do not import each other', () => {
    const cli = [join(SERVER, 'cli-main.ts'), ...sourceFiles(join(SERVER, 'cli'))];
    assert.deepEqual(
      violations(cli, (to) => !to.startsWith('server/src/lsp')),
      [],
    );
    assert.deepEqual(
      violations(sourceFiles(join(SERVER, 'lsp')), (to) => !to.startsWith('server/src/cli')),
      [],
    );
  });

  it('the client imports vscode, its language client, node:path and, from the server, only the protocol', () => {
    const packages = /^(vscode|vscode-languageclient\/node|node:path)$/;
    const found = violations(
      sourceFiles(CLIENT),
      (to) => to.startsWith('client/src/') || to === 'server/src/protocol' || packages.test(to),
    );
    assert.deepEqual(found, []);
  });

  it('protocol.ts owns its shapes: it imports only the engine and the LSP protocol package', () => {
    const found = violations(
      [join(SERVER, 'protocol.ts')],
      (to) => to.startsWith('server/src/engine/') || to === 'vscode-languageserver-protocol',
    );
    assert.deepEqual(found, []);
  });

  it('custom methods (driftless/…) are spelt only in protocol.ts', () => {
    const files = [...sourceFiles(SERVER), ...sourceFiles(CLIENT)].filter((file) => file !== join(SERVER, 'protocol.ts'));
    const spelt = files.filter((file) => /['"`]driftless\/[a-zA-Z]/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(
      spelt.map((file) => relative(REPO_ROOT, file)),
      [],
    );
  });
});
