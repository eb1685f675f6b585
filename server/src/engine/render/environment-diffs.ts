// What a diff of environments reports: per environment, the objects its render gains, loses or changes against a base
// (the CLI's diff, the Changes view, pull-request bodies). Shapes only, shared by node/render and protocol.ts.
import type { ObjectChange } from './object-diff';

/** Why an environment cannot be rendered, in a line, and where (paths relative to the repository's root). */
export interface RenderFailureCause {
  /** What the file's own validation says on the line the tool blames (`scripts/x.sh` does not exist), else the tool's first line. */
  cause: string;
  /** The file to fix, relative to the repository's root, and its 0-based line. */
  file?: string;
  line?: number;
  /** Not an error of the repository: the render reads a remote address and needs the network. */
  needsNetwork?: boolean;
}

/** A finding of a changed object's render (the working tree's side). */
export interface ObjectFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** The base's render of the object does not have it: the change brings it. */
  introduced: boolean;
}

/** An object a change touches, with what changed in it and what its render is found to have. */
export interface ChangedObject extends ObjectChange {
  /** The changed values, as people say them: `cpu 100m → 250m, replicas 2 → 3` (or `12 fields changed`). */
  fields?: string;
  /** Errors and warnings of the working tree's render of the object. */
  findings?: ObjectFinding[];
}

export interface EnvironmentDiff {
  name: string;
  changes: ChangedObject[];
  /** Why it cannot be rendered: the tool's whole message, paths relative to the repository's root. */
  error?: string;
  /** The same in a line, with the place to fix. */
  failure?: RenderFailureCause;
  /** The errors and warnings of the working tree's whole render (when it was rendered for this diff). */
  findings?: { errors: number; warnings: number };
  /** Why it is not rendered at all (its source is another repository): not an error. */
  skipped?: string;
}

export interface EnvironmentDiffs {
  base: string;
  environments: EnvironmentDiff[];
  /** `failed`: the environments that cannot be rendered (on either side). */
  summary: { objects: number; environments: number; failed: number; text: string };
}
