// Hover: what a field is (description, type, required, allowed values, default), and what a resource's apiVersion
// means for the target Kubernetes version (deprecated, removed, replacement).
import { documentAt, type ParsedDocument } from '../yaml/parse-documents';
import { nodeAtOffset, type SourceSpan } from '../yaml/locate';
import { valueForEditing } from '../yaml/parsers';
import { governingSchema, splitListPath, type SchemaContext } from './document-schema';
import { propertiesOf, schemaAtPath, typeLabel } from './schema-navigation';
import { typeHoverOf } from './type-hovers';

export interface HoverResult {
  markdown: string;
  /** Offsets in the file. */
  start: number;
  end: number;
}

export function hoverAt(documents: readonly ParsedDocument[], offset: number, context: SchemaContext): HoverResult | undefined {
  const document = documentAt(documents, offset);
  if (!document || document.content.empty) return undefined;
  const local = offset - document.start;
  const positional = document.content.positional;
  const hit = nodeAtOffset(positional, local);
  if (!hit || hit.path.length === 0) return undefined;
  const value: unknown = document.content.value ?? valueForEditing(positional);
  const { resourcePath, innerPath } = splitListPath(value, hit.path);
  const governing = governingSchema(value, document.content.text, context, resourcePath);
  const range = hit.node?.range;
  const span: SourceSpan = range ? { start: range[0], end: range[1] } : { start: local, end: local };
  const toFile = (markdown: string): HoverResult => ({ markdown, start: document.start + span.start, end: document.start + span.end });

  if (innerPath.length === 1 && innerPath[0] === 'apiVersion') {
    const text = apiVersionHover(value, resourcePath, context);
    if (text) return toFile(text);
  }
  if (!governing) return undefined;
  const schema = schemaAtPath(governing.root, governing.resolver, innerPath);
  if (!schema) return undefined;
  const field = innerPath[innerPath.length - 1]!;
  const parent = schemaAtPath(governing.root, governing.resolver, innerPath.slice(0, -1));
  const required =
    typeof field === 'string' && !!parent && propertiesOf(parent, governing.resolver).some((p) => p.name === field && p.required);
  const common = typeHoverOf(schema);
  const lines = [
    `**${typeof field === 'number' ? `item ${field}` : field}** · \`${common?.label ?? typeLabel(schema, governing.resolver)}\`${required ? ' · required' : ''}`,
  ];
  if (innerPath.length === 1 && innerPath[0] === 'kind') {
    lines.push('', governing.resolver.resolve(governing.root).description ?? '');
  } else if (common) {
    // The field's own words (what this limit or port is for), then the type's short text in place of its Go docs.
    if (schema.description && !common.isTypeDescription(schema.description)) lines.push('', firstParagraph(schema.description));
    lines.push('', common.text);
  } else if (schema.description) {
    lines.push('', schema.description);
  }
  if (schema.enum?.length) lines.push('', `Allowed values: ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (schema.default !== undefined && typeof schema.default !== 'object') lines.push('', `Default: \`${JSON.stringify(schema.default)}\``);
  // Kubernetes marks deprecated fields in prose ("Deprecated: use ... instead"); say it up front.
  if (schema.deprecated || /(?:^|\. )Deprecated[:.]|\bis (?:a |now )?deprecated\b/i.test(schema.description ?? ''))
    lines.splice(1, 0, '', '**Deprecated.**');
  lines.push('', `*${governing.title}*`);
  return toFile(lines.join('\n'));
}

/** A description's first paragraph (Kubernetes descriptions run on with details a hover does not need). */
function firstParagraph(description: string): string {
  return description.split(/\n\s*\n/)[0]!.trim();
}

/** The document whose Service or PodDisruptionBudget selector (`spec.selector`, or inside it) is at `offset`. */
export function selectorDocumentAt(documents: readonly ParsedDocument[], offset: number): ParsedDocument | undefined {
  const document = documentAt(documents, offset);
  if (!document || document.content.empty) return undefined;
  const value = document.content.value as { kind?: unknown } | undefined;
  if (value?.kind !== 'Service' && value?.kind !== 'PodDisruptionBudget') return undefined;
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  return hit && hit.path[0] === 'spec' && hit.path[1] === 'selector' ? document : undefined;
}

function apiVersionHover(value: unknown, resourcePath: readonly (string | number)[], context: SchemaContext): string | undefined {
  let resource: unknown = value;
  for (const segment of resourcePath) resource = (resource as Record<string | number, unknown>)?.[segment];
  const { apiVersion, kind } = (resource ?? {}) as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const version = context.kubernetesVersion;
  const status = context.catalog.deprecations.statusIn(apiVersion, kind, version);
  const lines = [`**apiVersion** \`${apiVersion}\` · ${kind}`];
  if (status?.state === 'removed') {
    lines.push(
      '',
      `**Removed** in Kubernetes ${status.entry.removedIn} (target: ${version}).${status.entry.replacement ? ` Use \`${status.entry.replacement}\`.` : ''}`,
    );
  } else if (status?.state === 'deprecated') {
    lines.push(
      '',
      `**Deprecated** since ${status.entry.deprecatedIn}${status.entry.removedIn ? `, removed in ${status.entry.removedIn}` : ''}.${status.entry.replacement ? ` Use \`${status.entry.replacement}\`.` : ''}`,
    );
  } else {
    const lookup = context.catalog.lookup(apiVersion, kind, version);
    if (lookup.status !== 'found') return undefined;
    lines.push('', lookup.schema.origin.kind === 'builtin' ? `Served by Kubernetes ${version}.` : `Defined by a CustomResourceDefinition.`);
  }
  return lines.join('\n');
}
