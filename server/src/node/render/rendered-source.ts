// "Go to source" in a rendered document: the object or field at a place of an environment's render traced back to the
// line of the repository that wrote it (trace-rendered-value: kustomize's origins and patches, Helm's templates and
// values); an object whose field leads nowhere opens the file it was read from.
import { pathToFileURL } from 'node:url';
import type { Environment } from '../../engine/environments/environment';
import type { RenderedObjectName } from '../../engine/render/rendered-outline';
import type { JsonPath } from '../../engine/yaml/locate';
import { LineIndex, type Range } from '../../engine/yaml/line-index';
import type { Project } from '../project';
import { readTextFile } from '../read-text-file';
import type { RenderTools } from './render-environment';
import { traceRenderedValue } from './trace-rendered-value';

/** Where it was written (driftless/renderedSource's answer has this shape), or why it cannot be told. */
export type RenderedSourceResult = { location: { uri: string; range: Range }; via: string; traced: string } | { error: string };

export async function renderedSource(
  project: Project,
  environment: Environment,
  tools: RenderTools,
  at: { object: RenderedObjectName; path: JsonPath },
  signal?: AbortSignal,
): Promise<RenderedSourceResult> {
  // The object itself: where its name is written.
  const path = at.path.length ? at.path : ['metadata', 'name'];
  const traced = await traceRenderedValue(project, environment, tools, at.object, () => path, signal);
  if (!traced.ok) return { error: `${environment.name}: ${traced.error}` };
  const label = `${at.object.kind} ${at.object.name}${at.path.length ? `: ${at.path.join('.')}` : ''}`;
  // An object: the file it was read from (a patch names it too, but does not make it); Helm: its template's line.
  const fromOrigin = traced.origin && (!at.path.length || !traced.location);
  const place = fromOrigin ? { file: traced.origin!, start: 0, end: 0, via: 'resource' } : traced.location;
  if (!place) return { error: `Nothing in the repository writes ${label}: a generator or transformer of the render does.` };
  const text = readTextFile(place.file);
  if (!text.ok) return { error: text.message };
  const lines = new LineIndex(text.text);
  // An object read from a file of several: the line that names it (a name a prefix changed: the file's first line).
  const named = new RegExp(`^[ \\t]*name:[ \\t]*["']?${escaped(at.object.name)}["']?[ \\t]*$`, 'm');
  const start = fromOrigin ? Math.max(0, text.text.search(named)) : place.start;
  const end = fromOrigin ? start : place.end;
  return { location: { uri: pathToFileURL(place.file).href, range: lines.rangeOf(start, end) }, via: place.via, traced: label };
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
