// The Drift view's actions on one difference, computed as edits of the repository's text for the editor to apply
// (the user sees them, and can undo them): "Ignore this field" appends a rule to `.driftless.yaml` (`drift.ignore`) or
// to the environment's Argo CD Application (`spec.ignoreDifferences`); "Take the live value into git" puts the live
// value in place of the scalar git writes — where that scalar is plain YAML in a manifest or a kustomize patch and
// writing it there changes the render. Elsewhere (Helm values, a generator, a kustomize transformer) it says where
// the value comes from instead. Secret values are never written anywhere.
import { readFileSync } from 'node:fs';
import { appendListItem } from '../../engine/yaml/append-list-item';
import { ignoreRuleFor, isScalar, renderedPathOf, scalarText, scalarValueOf, type ObjectRef } from '../../engine/drift/drift-edits';
import { deepEqual, isRecord, pathOfPointer, valueAt, type Json } from '../../engine/json';
import { apiGroupOf } from '../../engine/kubernetes/api-version';
import type { Environment } from '../../engine/environments/environment';
import type { TextEdit } from '../../engine/language/quick-fixes';
import { findPair, locatePath, type JsonPath } from '../../engine/yaml/locate';
import { parseDocuments, type ParsedDocument } from '../../engine/yaml/parse-documents';
import type { Project } from '../project';
import type { RenderTools } from '../render/render-environment';
import { traceRenderedValue, type TracedLocation } from '../render/trace-rendered-value';

export interface DifferenceTarget {
  project: Project;
  environment: Environment;
  object: ObjectRef;
  /** The difference's JSON pointer into the live object. */
  pointer: string;
  /** The live object as the drift run compared it (Secret values masked); undefined when not known. */
  live?: Json;
}

/** Edits of one file's text (the editor's, when the file is open). */
export interface FileEdit {
  file: string;
  /** The file does not exist yet: it is made with the edits' text. */
  create: boolean;
  /** The text the offsets are in. */
  text: string;
  edits: TextEdit[];
}

export interface Place {
  file: string;
  start: number;
  end: number;
}

export type DriftActionResult =
  | { kind: 'edit'; edit: FileEdit; description: string }
  /** Not written: where the value comes from in git, and what to do there. */
  | { kind: 'where'; where: string; place?: Place }
  | { kind: 'error'; error: string };

/** A file's text as the editor has it (unsaved edits included), or undefined when it does not exist. */
export type TextOf = (file: string) => string | undefined;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function pathOf(target: DifferenceTarget): JsonPath {
  return pathOfPointer(target.pointer, target.live);
}

/** The document of an Argo CD Application (or of the ApplicationSet generating it) named `name`. */
function applicationDocument(
  documents: readonly ParsedDocument[],
  name: string,
): { document: ParsedDocument; generated: boolean } | undefined {
  for (const document of documents) {
    const value = document.content.value;
    if (!isRecord(value) || !isRecord(value.metadata)) continue;
    if (value.kind === 'Application' && value.metadata.name === name) return { document, generated: false };
  }
  const sets = documents.filter((d) => isRecord(d.content.value) && d.content.value.kind === 'ApplicationSet');
  return sets.length === 1 ? { document: sets[0]!, generated: true } : undefined;
}

/** "Ignore this field": the rule, appended where the user chose. */
export function ignoreFieldEdit(target: DifferenceTarget, into: 'config' | 'application', textOf: TextOf): DriftActionResult {
  const { project, environment, object } = target;
  const path = pathOf(target);
  if (into === 'config') {
    const file = project.configPath;
    const existing = textOf(file);
    const text = existing ?? '';
    const rule = ignoreRuleFor(object, target.pointer, path, target.live, { environment: environment.name });
    const document = parseDocuments(text).find((d) => !d.content.empty);
    const appended = appendListItem(text, document, ['drift', 'ignore'], rule);
    if (!appended.ok) return { kind: 'error', error: `${project.displayPath(file) || '.driftless.yaml'}: ${appended.error}` };
    return {
      kind: 'edit',
      edit: { file, create: existing === undefined, text, edits: appended.edits },
      description: `Ignored ${target.pointer} of ${object.kind} ${object.name} in ${environment.name}: a rule added to .driftless.yaml (drift.ignore).`,
    };
  }
  const source = environment.source;
  if (source?.kind !== 'application')
    return { kind: 'error', error: `${environment.name} is not an Argo CD Application: the rule can go into .driftless.yaml only.` };
  // The Application's own file (an environment .driftless.yaml refines is defined there too), else the
  // ApplicationSet's that generates it.
  const written = project.resources.named('Application', source.name).find((r) => apiGroupOf(r.apiVersion) === 'argoproj.io');
  const file = written?.file ?? (environment.file !== project.configPath ? environment.file : undefined);
  const text = file === undefined ? undefined : textOf(file);
  const found = text === undefined ? undefined : applicationDocument(parseDocuments(text), source.name);
  if (!file || text === undefined || !found)
    return {
      kind: 'error',
      error: `the Application ${source.name} is not written in this repository: the rule can go into .driftless.yaml only.`,
    };
  const listPath = found.generated ? ['spec', 'template', 'spec', 'ignoreDifferences'] : ['spec', 'ignoreDifferences'];
  const rule = ignoreRuleFor(object, target.pointer, path, target.live);
  const appended = appendListItem(text, found.document, listPath, rule);
  if (!appended.ok) return { kind: 'error', error: `${project.displayPath(file)}: ${appended.error}` };
  return {
    kind: 'edit',
    edit: { file, create: false, text, edits: appended.edits },
    description: found.generated
      ? `Ignored ${target.pointer} of ${object.kind} ${object.name}: a rule added to the template of the ApplicationSet in ${project.displayPath(file)} (every Application it generates ignores it).`
      : `Ignored ${target.pointer} of ${object.kind} ${object.name}: a rule added to the Application's spec.ignoreDifferences.`,
  };
}

/** Kustomization fields that rewrite values written elsewhere: the one a value's last key names first. */
const TRANSFORMERS = ['images', 'replicas', 'replacements', 'vars', 'labels', 'commonLabels', 'commonAnnotations', 'namespace'];
const TRANSFORMER_OF_KEY: Record<string, string> = { image: 'images', replicas: 'replicas' };

/** The kustomization field that most likely rewrote the value, and where it is written. */
function transformerOf(path: JsonPath, kustomizations: readonly string[]): { field: string; place: Place } | undefined {
  const first = TRANSFORMER_OF_KEY[String(path[path.length - 1] ?? '')];
  for (const field of first ? [first, ...TRANSFORMERS.filter((f) => f !== first)] : TRANSFORMERS)
    for (const file of kustomizations) {
      const text = safeRead(file);
      const document = text === undefined ? undefined : parseDocuments(text)[0];
      if (!document || !findPair(document.content.positional.contents, field)) continue;
      const span = locatePath(document.content.positional, document.content.text, [field], 'key');
      return { field, place: { file, start: document.start + span.start, end: document.start + span.end } };
    }
  return undefined;
}

function placeOf(location: TracedLocation): Place {
  return { file: location.file, start: location.start, end: location.end };
}

/** "Take the live value into git": the edit of the line git writes the value on, or where it comes from. */
export async function takeLiveValueEdit(
  target: DifferenceTarget,
  tools: RenderTools,
  textOf: TextOf,
  signal?: AbortSignal,
): Promise<DriftActionResult> {
  const { project, environment, object } = target;
  if (object.kind === 'Secret' && (object.apiVersion === 'v1' || object.apiVersion === ''))
    return {
      kind: 'error',
      error: 'Secret values are never copied into files: change the Secret where it is managed (a sealed or external secret, a vault).',
    };
  if (!target.live) return { kind: 'error', error: `the live ${object.kind} ${object.name} is not known: refresh the Drift view.` };
  const path = pathOf(target);
  const live = valueAt(target.live, path);
  const display = (file: string) => project.displayPath(file) || file;
  const traced = await traceRenderedValue(
    project,
    environment,
    tools,
    { kind: object.kind, name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}) },
    (rendered) => renderedPathOf(rendered, target.live, path),
    signal,
  );
  if (!traced.ok) return { kind: 'error', error: `${environment.name}: ${traced.error}` };
  const at = (location: TracedLocation | Place) => {
    const text = safeRead(location.file);
    return `${display(location.file)}:${text === undefined ? 1 : lineOf(text, location.start)}`;
  };
  if (!traced.path)
    return {
      kind: 'where',
      where: `git does not set ${target.pointer} of ${object.kind} ${object.name}: add it${traced.origin ? ` to ${display(traced.origin)}` : ''} to take the live value.`,
      ...(traced.origin ? { place: { file: traced.origin, start: 0, end: 0 } } : {}),
    };
  const shown = live === undefined ? 'no value' : JSON.stringify(live);
  if (traced.tool === 'helm') {
    const location = traced.location!;
    return {
      kind: 'where',
      where:
        location.via === 'values'
          ? `Helm renders it from the values key at ${at(location)}: set it there to make it ${shown} (the chart's template decides how the value is used).`
          : `Helm writes it in the template at ${at(location)}: no values key sets it; change the chart to make it ${shown}.`,
      place: placeOf(location),
    };
  }
  const location = traced.location;
  if (!location) {
    const transformer = transformerOf(traced.path, traced.kustomizations);
    return {
      kind: 'where',
      where: `kustomize generates this value${transformer ? ` (\`${transformer.field}\` in ${display(transformer.place.file)})` : ''}: no manifest or patch writes it.`,
      ...(transformer?.place ? { place: transformer.place } : {}),
    };
  }
  if (location.via === 'kustomization' || live === undefined || !isScalar(live))
    return {
      kind: 'where',
      where:
        live === undefined
          ? `the cluster has no value there: remove it at ${at(location)} to match the cluster.`
          : !isScalar(live)
            ? `the live value is a ${Array.isArray(live) ? 'list' : 'mapping'}: copy it by hand to ${at(location)}.`
            : `it is set by a patch written inside ${at(location)}: change it there to ${shown}.`,
      place: placeOf(location),
    };
  const disk = safeRead(location.file);
  if (disk === undefined) return { kind: 'error', error: `${display(location.file)} cannot be read.` };
  if (textOf(location.file) !== disk) return { kind: 'error', error: `${display(location.file)} has unsaved changes: save it first.` };
  const span = valueSpan(disk, location, traced.rendered, traced.path);
  const written = disk.slice(span.start, span.end);
  const source = scalarValueOf(written);
  const rendered = valueAt(traced.rendered, traced.path);
  if (source === undefined || !deepEqual(source, rendered)) {
    const transformer = transformerOf(traced.path, traced.kustomizations);
    return {
      kind: 'where',
      where: `kustomize changes the value written at ${at({ file: location.file, ...span })} (${written.trim()}) to ${JSON.stringify(rendered)}${
        transformer ? `: \`${transformer.field}\` in ${display(transformer.place.file)} sets it` : ''
      }; change it there to make it ${shown}.`,
      place: transformer?.place ?? { file: location.file, ...span },
    };
  }
  const replacement = scalarText(live, written);
  return {
    kind: 'edit',
    edit: { file: location.file, create: false, text: disk, edits: [{ start: span.start, end: span.end, newText: replacement }] },
    description: `${at({ file: location.file, ...span })}: ${written.trim()} → ${replacement} (the live value of ${target.pointer}).`,
  };
}

/**
 * The span of the value itself in the document the trace points into. The trace matches list items by content, so a
 * container whose image a transformer changed is not found there and the trace stops at `containers:`; matched by
 * name, the image's own line is found.
 */
function valueSpan(text: string, location: TracedLocation, rendered: Json, path: JsonPath): { start: number; end: number } {
  const document = parseDocuments(text).find((d) => d.start <= location.start && location.start < Math.max(d.end, d.start + 1));
  const value = document?.content.value;
  const inDocument = document && isRecord(value) ? renderedPathOf(value, rendered, path) : undefined;
  if (!document || !inDocument) return { start: location.start, end: location.end };
  const span = locatePath(document.content.positional, document.content.text, inDocument, 'value');
  return { start: document.start + span.start, end: document.start + span.end };
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
