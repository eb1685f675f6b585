// Plain JSON Schema validation (ajv) for files that are not Kubernetes resources: kustomization.yaml, Chart.yaml,
// .driftless.yaml and schemas chosen by a `$schema` modeline. Errors are worded as every schema's are (schema-errors.ts).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RuleId } from '../rules';
import { ajvFor } from './ajv';
import { finding, type Finding } from './finding';
import { wordSchemaError } from './schema-errors';
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

/** The rule of a schema error, by its keyword. */
function ruleOf(keyword: string): RuleId {
  switch (keyword) {
    case 'type':
      return 'schema-type';
    case 'required':
      return 'schema-required';
    case 'additionalProperties':
      return 'schema-unknown-field';
    case 'enum':
    case 'const':
      return 'schema-enum';
    case 'format':
      return 'schema-format';
    default:
      return 'schema-constraint';
  }
}

function toFinding(error: ErrorObject, document: unknown, schema: unknown, decoding: DecodingRules): Finding | undefined {
  const params = error.params as Record<string, unknown>;
  if (
    error.keyword === 'type' &&
    decoding.goTypedStructs &&
    String(params.type).split(',').includes('string') &&
    ['number', 'boolean'].includes(typeof valueAt(document, pathOfPointer(error.instancePath, document)))
  )
    return undefined;
  const worded = wordSchemaError(error, document, schema, { rootName: 'This file' });
  return worded && finding(ruleOf(error.keyword), worded.message, worded.path, worded.target, worded.fixes);
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
    return withoutBranchErrors(validate.errors ?? [])
      .map((e) => toFinding(e, value, compiledSchema, decoding))
      .filter((f): f is Finding => f !== undefined);
  }

  forget(key: string): void {
    this.compiled.delete(key);
  }
}
