// Validates a file document by document, each as what it is, and caches each document's findings by its text so an
// edit re-validates only the document it touched.
import { classifyFile, isKustomizeConfig, modelineSchema, type FileFacts, type FileKind } from '../classify/file-kind';
import { effectiveConfig, parseConfigText, readConfigValues } from '../config/project-config';
import type { SchemaCatalog } from '../schema/catalog';
import { loadModelineSchema, type ModelineSchema, type ModelineSchemaReader } from '../schema/modeline-schemas';
import type { DocumentContent, ParsedDocument } from '../yaml/parse-documents';
import { finding, type Finding } from './finding';
import { JsonSchemaValidators, type DecodingRules } from './json-schema';
import { validateResourceDocument, type ResourceIdentity } from './validate-resource';
import { withoutSecretValues } from '../render/secret-mask';
import { shapedByBuild, valueAtPath, type KustomizeShape } from '../kustomize/build-shaping';
import { isRecord } from '../json';

/** I/O the validator needs from its host: reading a local schema a modeline names. */
export type ValidationHost = ModelineSchemaReader;

export interface DocumentReport {
  document: ParsedDocument;
  findings: Finding[];
  resources: ResourceIdentity[];
}

export interface FileReport {
  kind: FileKind;
  documents: DocumentReport[];
}

interface CachedResult {
  key: string;
  findings: Finding[];
  resources: ResourceIdentity[];
}

/** What kustomize will do to this file's resources before they reach the API server. */
interface KustomizeShaping {
  patch: boolean;
  namespaceSet: boolean;
  /** What each build that takes the file in does to its objects (see FileFacts.kustomizeShapes). */
  builds?: readonly KustomizeShape[];
}

/** kustomize and Helm read their files into typed Go structs (sigs.k8s.io/yaml). */
const GO_TYPED: DecodingRules = { goTypedStructs: true };

export class FileValidator {
  private readonly jsonSchemas = new JsonSchemaValidators();
  private readonly cache = new WeakMap<DocumentContent, CachedResult>();

  constructor(
    private readonly catalog: SchemaCatalog,
    private readonly host: ValidationHost,
  ) {}

  validate(facts: FileFacts, documents: readonly ParsedDocument[], kubernetesVersion: string): FileReport {
    const kind = classifyFile(facts);
    if (kind === 'helm-template') return { kind, documents: [] };
    const shaping: KustomizeShaping = {
      patch: facts.kustomizePatch === true,
      namespaceSet: facts.namespaceSetByKustomize === true,
      ...(facts.kustomizeShapes ? { builds: facts.kustomizeShapes } : {}),
    };
    const contextKey =
      `${kind}|${kubernetesVersion}|${this.catalog.workspaceCrds.generation}|${shaping.patch}|${shaping.namespaceSet}|` +
      JSON.stringify(shaping.builds ?? null);
    const reports = documents.map((document) => {
      const modeline = modelineSchema(document.content.text);
      const loaded = modeline ? loadModelineSchema(modeline, facts.path, this.host, this.catalog.data) : undefined;
      const key = `${contextKey}|${modeline ?? ''}|${loaded && 'key' in loaded ? loaded.key : ''}`;
      let cached = this.cache.get(document.content);
      if (!cached || cached.key !== key) {
        cached = { key, ...this.validateDocument(document.content, kind, kubernetesVersion, modeline, loaded, shaping) };
        this.cache.set(document.content, cached);
      }
      return { document, findings: cached.findings, resources: cached.resources };
    });
    return { kind, documents: reports };
  }

  private validateDocument(
    content: DocumentContent,
    kind: FileKind,
    kubernetesVersion: string,
    modeline: string | undefined,
    loaded: ModelineSchema | undefined,
    shaping: KustomizeShaping,
  ): { findings: Finding[]; resources: ResourceIdentity[] } {
    const syntax = content.problems.map(
      (p) => ({ rule: p.rule, message: p.message, span: { start: p.start, end: p.end } }) satisfies Finding,
    );
    if (content.empty || syntax.length > 0 || content.value === undefined) return { findings: syntax, resources: [] };
    const value = content.value;
    const findings: Finding[] = [];
    if (modeline) {
      const span = modelineSpan(content.text);
      if (loaded && 'schema' in loaded)
        return { findings: this.validateJson(`modeline:${loaded.key}`, loaded.schema, value, span), resources: [] };
      const why = loaded && 'error' in loaded ? loaded.error : 'remote schemas are not fetched; Driftless works offline';
      findings.push({
        rule: 'schema-unavailable',
        message: `The schema ${modeline} cannot be used (${why}); the document is checked as Driftless would without it.`,
        span,
      });
    }
    switch (kind) {
      case 'kustomization':
        if (isKustomizeConfig(value))
          return { findings: [...findings, ...this.validateBundled('schemastore/kustomization.json', value, GO_TYPED)], resources: [] };
        break;
      case 'helm-chart':
        return {
          findings: [...findings, ...asHelmReadsCharts(this.validateBundled('schemastore/chart.json', value, GO_TYPED))],
          resources: [],
        };
      case 'helm-chart-lock':
        return { findings: [...findings, ...this.validateBundled('schemastore/chart-lock.json', value, GO_TYPED)], resources: [] };
      case 'driftless-config': {
        let config: unknown;
        try {
          config = parseConfigText(content.text);
        } catch {
          return { findings, resources: [] }; // Reported as YAML syntax by the document's own parse.
        }
        return {
          findings: [...findings, ...this.validateBundled('driftless-config.schema.json', config, {}), ...this.configProblems(config)],
          resources: [],
        };
      }
    }
    const context = { catalog: this.catalog, kubernetesVersion, patch: shaping.patch, namespaceSet: shaping.namespaceSet };
    const result = validateResourceDocument(value, context);
    const judged = shaping.builds && isRecord(value) ? asBuildsEmit(value, shaping.builds, result.findings, context) : result.findings;
    return { findings: [...findings, ...withoutSecretValues(judged, value)], resources: result.resources };
  }

  private validateBundled(file: string, value: unknown, decoding: DecodingRules): Finding[] {
    return this.validateJson(file, this.catalog.data.readJson(file) as Record<string, unknown>, value, { start: 0, end: 0 }, decoding);
  }

  private validateJson(
    key: string,
    schema: Record<string, unknown>,
    value: unknown,
    span: { start: number; end: number },
    decoding: DecodingRules = {},
  ): Finding[] {
    try {
      return this.jsonSchemas.validate(key, schema, value, decoding);
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return [{ rule: 'schema-unavailable', message: `The schema could not be compiled: ${why}`, span }];
    }
  }

  /** A well-formed version that is not bundled; the schema already reports malformed values and unknown rules. */
  private configProblems(value: unknown): Finding[] {
    const index = this.catalog.index();
    const config = effectiveConfig(readConfigValues(value), undefined, {
      versions: index.kubernetesVersions,
      newest: index.defaultKubernetesVersion,
    });
    return config.problems.filter((p) => p.kind === 'version-not-bundled').map((p) => finding('invalid-config', p.message, p.path));
  }
}

/**
 * The findings of an object as the kustomize builds that take it in emit it: each build's patches and transformers
 * applied (labels on selectors and templates, images, replicas, names), its checks run, and a finding kept when any
 * build emits it — but for one about a field the file does not write, or a value a patch wrote: those are the
 * kustomization's or the patch's (a render shows them there).
 */
function asBuildsEmit(
  value: Record<string, unknown>,
  builds: readonly KustomizeShape[],
  asWritten: Finding[],
  context: Parameters<typeof validateResourceDocument>[1],
): Finding[] {
  const kept = new Map<string, Finding>();
  for (const shape of builds) {
    const emitted = shape.length ? shapedByBuild(value, shape) : value;
    const findings = shape.length ? validateResourceDocument(emitted, context).findings : asWritten;
    const unpatched = shape.length ? shapedByBuild(value, shape, false) : value;
    for (const found of findings) {
      if (found.path) {
        const written = valueAtPath(value, found.path);
        if (written === undefined) continue;
        const here = valueAtPath(emitted, found.path);
        if (typeof here !== 'object' && here !== valueAtPath(unpatched, found.path)) continue;
      }
      const key = `${found.rule}|${JSON.stringify(found.path ?? found.span)}|${found.message}`;
      if (!kept.has(key)) kept.set(key, found);
    }
  }
  return [...kept.values()];
}

/**
 * Helm 3 loads a Chart.yaml without apiVersion as a Helm 2 (v1) chart; only `helm lint` refuses it. So a missing
 * apiVersion is a warning, not an error.
 */
function asHelmReadsCharts(findings: Finding[]): Finding[] {
  return findings.map((f) =>
    f.rule === 'schema-required' && f.path?.length === 0 && f.fixes?.some((fix) => fix.kind === 'add-field' && fix.field === 'apiVersion')
      ? {
          ...f,
          severity: 'warning',
          message:
            'This Chart.yaml has no `apiVersion`: Helm 3 reads it as a Helm 2 (v1) chart and `helm lint` rejects it. Add `apiVersion: v2`.',
        }
      : f,
  );
}

function modelineSpan(text: string): { start: number; end: number } {
  const start = text.indexOf('yaml-language-server');
  const hash = text.lastIndexOf('#', start);
  const end = text.indexOf('\n', start);
  return { start: hash === -1 ? start : hash, end: end === -1 ? text.length : end };
}
