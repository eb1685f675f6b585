// Plain JSON Schema validation (ajv) for files that are not Kubernetes resources: kustomization.yaml, Chart.yaml,
// .driftless.yaml and schemas chosen by a `$schema` modeline. Errors are worded like the Kubernetes ones.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestMatch } from '../text/suggest';
import type { PathSegment } from '../yaml/locate';
import { ajvFor } from './ajv';
import { describeValue, fieldName, finding, type Finding } from './finding';
import { pathOfPointer, valueAt } from '../json';

/**
 * How the file's reader decodes YAML. Go tools that decode into typed structs (kustomize, Helm: sigs.k8s.io/yaml)
 * treat null as unset and turn numbers and booleans into strings where a string is expected.
 */
export interface DecodingRules {
  goTypedStructs?: boolean;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function toFinding(
  error: ErrorObject,
  document: unknown,
  schemaPropertyNames: (path: PathSegment[]) => string[],
  decoding: DecodingRules,
): Finding | undefined {
  const path = pathOfPointer(error.instancePath, document);
  const value = valueAt(document, path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      if (
        decoding.goTypedStructs &&
        String(params.type).split(',').includes('string') &&
        (typeof value === 'number' || typeof value === 'boolean')
      ) {
        return undefined;
      }
      return finding(
        'schema-type',
        `${fieldName(path)} must be ${String(params.type).replace(/,/g, ' or ')}, got ${describeValue(value)}.`,
        path,
      );
    case 'required': {
      const missing = String(params.missingProperty);
      const where = path.length ? `${fieldName(path)} is missing` : 'This file is missing';
      return finding('schema-required', `${where} the required field \`${missing}\`.`, path, 'key', [
        { kind: 'add-field', parent: path, field: missing, valueHint: 'scalar' },
      ]);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = [...path, key];
      const suggestion = closestMatch(key, schemaPropertyNames(path));
      return finding(
        'schema-unknown-field',
        `Unknown field \`${key}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        keyPath,
        'key',
        suggestion ? [{ kind: 'rename-key', path: keyPath, to: suggestion }] : undefined,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
      return finding('schema-enum', `${fieldName(path)} must be one of ${allowed}; got ${describeValue(value)}.`, path);
    }
    case 'const':
      return finding(
        'schema-enum',
        `${fieldName(path)} must be ${JSON.stringify(params.allowedValue)}, got ${describeValue(value)}.`,
        path,
      );
    case 'format':
      return finding('schema-format', `${fieldName(path)} must be in ${String(params.format)} format.`, path);
    case 'if':
      return undefined;
    default:
      return finding(
        'schema-constraint',
        `${fieldName(path)} ${error.message ?? 'breaks a schema constraint'}.`,
        path,
        error.keyword.endsWith('Of') ? 'key' : 'value',
      );
  }
}

/** Drops the per-branch noise under a failed anyOf/oneOf: the summary error says what matters. */
function withoutBranchErrors(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  return errors.filter((e) => !unions.some((prefix) => e.schemaPath !== prefix && e.schemaPath.startsWith(prefix + '/')));
}

const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false, validateSchema: false } as const;

export class JsonSchemaValidators {
  private readonly compiled = new Map<string, { validate: ValidateFunction; schema: Record<string, unknown> } | Error>();

  /** Validates `value` against `schema`, compiling once per `key`. Throws when the schema cannot be compiled. */
  validate(key: string, schema: Record<string, unknown>, input: unknown, decoding: DecodingRules = {}): Finding[] {
    const value = decoding.goTypedStructs ? withoutNulls(input) : input;
    let entry = this.compiled.get(key);
    if (!entry) {
      try {
        entry = { validate: ajvFor(schema, AJV_OPTIONS).compile(schema), schema };
      } catch (error) {
        entry = error instanceof Error ? error : new Error(String(error));
      }
      this.compiled.set(key, entry);
    }
    if (entry instanceof Error) throw entry;
    const { validate, schema: compiledSchema } = entry;
    if (validate(value)) return [];
    const names = (path: PathSegment[]) => propertyNamesAt(compiledSchema, path);
    return withoutBranchErrors(validate.errors ?? [])
      .map((e) => toFinding(e, value, names, decoding))
      .filter((f): f is Finding => f !== undefined);
  }

  forget(key: string): void {
    this.compiled.delete(key);
  }
}

/** Property names a JSON Schema allows at `path`, for "did you mean" on unknown keys (local $refs followed). */
function propertyNamesAt(root: Record<string, unknown>, path: PathSegment[]): string[] {
  const resolve = (node: unknown): Record<string, unknown> | undefined => {
    let current = node as Record<string, unknown> | undefined;
    for (let hops = 0; current && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 20; hops++) {
      let target: unknown = root;
      for (const part of current.$ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
      current = target as Record<string, unknown> | undefined;
    }
    return current;
  };
  let node = resolve(root);
  for (const segment of path) {
    if (!node) return [];
    if (typeof segment === 'number') node = resolve(node.items);
    else node = resolve((node.properties as Record<string, unknown> | undefined)?.[segment] ?? node.additionalProperties);
  }
  return Object.keys((node?.properties as Record<string, unknown> | undefined) ?? {});
}
