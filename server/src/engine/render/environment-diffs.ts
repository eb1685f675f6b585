// What a diff of environments reports: per environment, the objects its render gains, loses or changes against a base
// (the CLI's diff, the Changes view, pull-request bodies). Shapes only, shared by node/render and protocol.ts.
import type { ObjectChange } from './object-diff';

export interface EnvironmentDiff {
  name: string;
  changes: ObjectChange[];
  error?: string;
  /** Why it is not rendered at all (its source is another repository): not an error. */
  skipped?: string;
}

export interface EnvironmentDiffs {
  base: string;
  environments: EnvironmentDiff[];
  summary: { objects: number; environments: number; text: string };
}
