// A project on disk: the engine's ProjectModel (engine/project) reading the disk and git (node/disk-files), and the
// folder a run belongs to. Used by the CLI and by the language server (one per workspace folder).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, type ConfigValues } from '../engine/config/project-config';
import { ProjectModel } from '../engine/project/project-model';
import type { SchemaData } from '../engine/schema/schema-data';
import { diskFiles } from './disk-files';

export type { FileValidation } from '../engine/project/project-model';

/** The folder a run belongs to: the nearest with .driftless.yaml, else the git root, else `start`. */
export function findProjectRoot(start: string): string {
  let gitRoot: string | undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE_NAME))) return dir;
    if (!gitRoot && existsSync(join(dir, '.git'))) gitRoot = dir;
    if (dirname(dir) === dir) return gitRoot ?? resolve(start);
  }
}

/** The repository at `root` as Driftless sees it, read from disk. */
export class Project extends ProjectModel {
  constructor(
    root: string,
    schemaData: SchemaData,
    settings?: ConfigValues,
    /** A Kubernetes version that beats every configuration (the CLI's --kubernetes-version). */
    versionOverride?: string,
  ) {
    super({
      root,
      schemaData,
      files: diskFiles,
      ...(settings ? { settings } : {}),
      ...(versionOverride !== undefined ? { versionOverride } : {}),
    });
  }
}
