// Rename of a resource: its `metadata.name`, every reference that names it where it is applied, and the kustomize
// patches that target it by name, in one edit. Started from the name itself or from a reference to it.
import { checkName, nameRuleFor } from '../kubernetes/names';
import { nameOffset } from '../workspace/resource-index';
import { locatePath, nodeAtOffset } from '../yaml/locate';
import { documentAt, parseDocuments, type ParsedDocument } from '../yaml/parse-documents';
import { splitListPath } from './document-schema';
import { definitionsAt, referencesTo, type NavigationHost, type Place } from './resource-navigation';

export interface RenameHost extends NavigationHost {
  /** Whether kustomize reads the file as a patch. */
  isPatch(file: string): boolean;
}

/** The name under the cursor, if it is a resource's `metadata.name` or a reference rename can follow. */
export function renameTarget(
  file: string,
  documents: readonly ParsedDocument[],
  offset: number,
  host: RenameHost,
): { file: string; offset: number; span: Place } | undefined {
  const document = documentAt(documents, offset);
  if (!document || document.content.empty || document.content.value === undefined) return undefined;
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  if (!hit || hit.on !== 'value' || !hit.node?.range) return undefined;
  const span = unquoted(
    document.content.text,
    { file, start: document.start + hit.node.range[0], end: document.start + hit.node.range[1] },
    document.start,
  );
  const { innerPath } = splitListPath(document.content.value, hit.path);
  if (innerPath.length === 2 && innerPath[0] === 'metadata' && innerPath[1] === 'name') return { file, offset, span };
  // From a reference: rename what it names, when that is one resource written in a file (not a generator's output).
  const definitions = definitionsAt(file, documents, offset, host);
  if (definitions.length !== 1) return undefined;
  const definition = definitions[0]!;
  const text = host.textOf(definition.file);
  if (text === undefined) return undefined;
  // Step from the definition's place (its `name:` line) onto its `metadata.name` value.
  const target = documentAt(parseDocuments(text), definition.start);
  const resource = host.resources
    .resourcesOf(definition.file)
    .find((r) => r.documentStart === target?.start && nameOffset(text, r) === definition.start);
  if (!target || !resource) return undefined;
  const name = locatePath(target.content.positional, target.content.text, [...resource.path, 'metadata', 'name'], 'value');
  return { file: definition.file, offset: target.start + name.start, span };
}

/** The span of a scalar without its quotes. */
function unquoted(text: string, place: Place, base = 0): Place {
  const first = text[place.start - base];
  if ((first === '"' || first === "'") && text[place.end - base - 1] === first)
    return { ...place, start: place.start + 1, end: place.end - 1 };
  return place;
}

export type RenameResult = { edits: (Place & { newText: string })[] } | { error: string };

/** Every edit that renames the resource under the cursor (or named by the reference under it) to `newName`. */
export function renameEdits(
  file: string,
  documents: readonly ParsedDocument[],
  offset: number,
  newName: string,
  host: RenameHost,
): RenameResult {
  const target = renameTarget(file, documents, offset, host);
  if (!target) return { error: 'Rename works on a resource’s `metadata.name`, or on a reference to a resource defined in a file.' };
  const targetText = target.file === file ? undefined : host.textOf(target.file);
  const targetDocuments = target.file === file ? documents : parseDocuments(targetText ?? '');
  const resource = resourceAtName(target.file, targetDocuments, target.offset, host);
  if (!resource) return { error: 'No resource is defined under the cursor.' };
  const invalid = checkName(newName, nameRuleFor(resource.kind));
  if (invalid) return { error: `\`${newName}\` is not a valid ${resource.kind} name: ${invalid}` };
  const places = referencesTo(target.file, targetDocuments, target.offset, host, true);
  // Patches that target it by name (strategic merge patches name what they patch in their own metadata.name).
  for (const patch of host.resources.named(resource.kind, resource.name)) {
    if (!host.isPatch(patch.file)) continue;
    const text = host.textOf(patch.file);
    if (text === undefined) continue;
    const nameLine = nameOffset(text, patch);
    const match = /name:[ \t]*/.exec(text.slice(nameLine));
    if (!match || text.slice(nameLine, nameLine + 5) !== 'name:') continue;
    const start = nameLine + match[0].length;
    places.push({ file: patch.file, start, end: start + /^["']?[^\s"'#]*["']?/.exec(text.slice(start))![0].length });
  }
  // Each file's text read once, to keep the quotes around a name out of its edit.
  const texts = new Map<string, string>();
  const textOf = (path: string) => {
    if (!texts.has(path)) texts.set(path, host.textOf(path) ?? '');
    return texts.get(path)!;
  };
  const edits = places.map((place) => ({ ...unquoted(textOf(place.file), place), newText: newName }));
  return { edits: edits.filter((e, i) => edits.findIndex((o) => o.file === e.file && o.start === e.start) === i) };
}

function resourceAtName(file: string, documents: readonly ParsedDocument[], offset: number, host: RenameHost) {
  const document = documentAt(documents, offset);
  if (!document || document.content.value === undefined) return undefined;
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  if (!hit) return undefined;
  const { resourcePath } = splitListPath(document.content.value, hit.path);
  return host.resources
    .resourcesOf(file)
    .find(
      (r) => r.documentIndex === document.index && r.path.length === resourcePath.length && r.path.every((s, i) => s === resourcePath[i]),
    );
}
