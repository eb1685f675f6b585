// Starts a bundle (dist/server-main.js, dist/cli-main.js) with a V8 code cache, as Node 22's compile cache would:
// the second and later starts of the same version skip compiling the bundle's functions. The cache lives in the
// user's cache folder, keyed by bundle, Node version and platform; any failure just means an uncached start.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

function cacheDirectory(): string {
  if (process.env.DRIFTLESS_CACHE_DIR) return process.env.DRIFTLESS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'driftless', 'code-cache');
}

/** Runs `bundle` as the main module would run; returns once its top level has run. */
export function startWithCodeCache(bundle: string): void {
  loadWithCodeCache(bundle, require);
}

/**
 * Runs a CommonJS bundle through a V8 code cache and returns its exports (`require`: the one its own requires go
 * through; relative ones resolve from the folder of the file that made it).
 */
export function loadWithCodeCache(bundle: string, requireFunction: NodeJS.Require): unknown {
  const source = readFileSync(bundle, 'utf8');
  const wrapped = Module.wrap(source);
  let cacheFile: string | undefined;
  let cached: Buffer | undefined;
  if (!process.env.DRIFTLESS_NO_CODE_CACHE) {
    try {
      const stats = statSync(bundle);
      const key = `${basename(bundle)}-${stats.size}-${Math.floor(stats.mtimeMs)}-${process.version}-${process.arch}`;
      cacheFile = join(cacheDirectory(), `${key}.v8cache`);
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  const script = new Script(wrapped, { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    const target = cacheFile;
    let saved = false;
    // Written late, so the functions the run actually used are compiled into the cache too.
    const save = () => {
      if (saved) return;
      saved = true;
      try {
        mkdirSync(dirname(target), { recursive: true });
        const temporary = `${target}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, target);
      } catch {
        // A read-only or missing cache folder only costs speed.
      }
    };
    process.once('exit', save);
    setTimeout(save, 10_000).unref();
  }
  const run = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: object,
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, requireFunction, module, bundle, dirname(bundle));
  return module.exports;
}
