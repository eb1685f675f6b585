// apiVersions that Kubernetes (and cert-manager) deprecated or removed, from Fairwinds pluto's data.
import { compareKubernetesVersions } from './kubernetes-version';
import type { SchemaData } from './schema-data';

export interface ApiDeprecation {
  apiVersion: string;
  kind: string;
  component: string;
  deprecatedIn?: string;
  removedIn?: string;
  replacement?: string;
  replacementAvailableIn?: string;
}

export interface DeprecationStatus {
  state: 'removed' | 'deprecated';
  entry: ApiDeprecation;
}

export class ApiDeprecations {
  private byKey: Map<string, ApiDeprecation> | undefined;

  constructor(private readonly data: SchemaData) {}

  private entries(): Map<string, ApiDeprecation> {
    if (!this.byKey) {
      this.byKey = new Map();
      for (const entry of this.data.readJson('deprecations.json') as ApiDeprecation[]) {
        this.byKey.set(`${entry.apiVersion}/${entry.kind}`, entry);
      }
    }
    return this.byKey;
  }

  find(apiVersion: string, kind: string): ApiDeprecation | undefined {
    return this.entries().get(`${apiVersion}/${kind}`);
  }

  /** Whether `apiVersion`/`kind` is removed or deprecated in Kubernetes `version` (cert-manager entries: always). */
  statusIn(apiVersion: string, kind: string, version: string): DeprecationStatus | undefined {
    const entry = this.find(apiVersion, kind);
    if (!entry) return undefined;
    if (entry.component !== 'k8s') return { state: entry.removedIn ? 'removed' : 'deprecated', entry };
    if (entry.removedIn && compareKubernetesVersions(version, entry.removedIn) >= 0) return { state: 'removed', entry };
    if (entry.deprecatedIn && compareKubernetesVersions(version, entry.deprecatedIn) >= 0) return { state: 'deprecated', entry };
    return undefined;
  }
}
