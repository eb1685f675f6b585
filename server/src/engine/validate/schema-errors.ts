// ajv's errors in words, one wording for every JSON Schema Driftless checks against (kustomization.yaml, Chart.yaml,
// .driftless.yaml, `$schema` modelines, a chart's values.schema.json): a union's branch errors collapsed into one,
// the field named, what it must be and what it is, a "did you mean" with its fix.
import type { ErrorObject } from 'ajv';
import { closestMatch } from '../text/suggest';
import type { JsonPath, LocateTarget, PathSegment } from '../yaml/locate';
import { describeValue, fieldName, typeWords, type FixHint } from './finding';
import { isRecord as isTable, pathOfPointer, valueAt } from '../json';

export interface SchemaWording {
  /** The whole document, as a sentence starts with it: "This file", "The values". */
  rootName: string;
  /** After each first sentence: what schema speaks (` (values.schema.json of chart \`web\`)`). */
  suffix?: string;
}

export interface SchemaError extends ErrorObject {
  /** For a failed anyOf/oneOf whose branches only disagree on the type: the types allowed. */
  branchTypes?: string[];
  /** For a failed anyOf/oneOf whose branches each require a field: those fields. */
  branchFields?: string[];
}

/**
 * With allErrors, a failed anyOf/oneOf is preceded by its branches' errors (branches behind a `$ref` carry the
 * referenced schema's path, so they are recognised by sitting right before the union, at or under its instance):
 * one finding for the union says what matters.
 */
export function collapseUnions(errors: readonly ErrorObject[]): SchemaError[] {
  const kept: SchemaError[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      kept.push(error);
      continue;
    }
    if (error.keyword === 'oneOf' && (error.params as { passingSchemas?: unknown }).passingSchemas) {
      kept.push(error); // Matches several branches: no branch failed.
      continue;
    }
    const owner = error.schemaPath.slice(0, error.schemaPath.length - error.keyword.length - 1);
    const branches: ErrorObject[] = [];
    while (kept.length > 0) {
      const previous = kept[kept.length - 1]!;
      if (!within(previous.instancePath, error.instancePath)) break;
      // The union's own schema's keywords (its `type`, say) come before it and are reported on their own.
      if (previous.instancePath === error.instancePath && previous.schemaPath === `${owner}/${previous.keyword}`) break;
      branches.unshift(kept.pop()!);
    }
    const only = (keyword: string) =>
      branches.length > 0 && branches.every((b) => b.keyword === keyword && b.instancePath === error.instancePath);
    if (only('type')) {
      kept.push({ ...error, branchTypes: [...new Set(branches.flatMap((b) => String((b.params as { type?: unknown }).type).split(',')))] });
    } else if (only('required')) {
      kept.push({
        ...error,
        branchFields: [...new Set(branches.map((b) => String((b.params as { missingProperty?: unknown }).missingProperty)))],
      });
    } else {
      kept.push(error);
    }
  }
  return kept;
}

function within(instancePath: string, parent: string): boolean {
  return instancePath === parent || instancePath.startsWith(parent + '/');
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface WordedSchemaError {
  keyword: string;
  message: string;
  path: PathSegment[];
  target: LocateTarget;
  fixes?: FixHint[];
}

/**
 * An ajv error in words, as the Kubernetes schema findings are worded: what the field must be and what it is, a
 * "did you mean" on unknown keys and enum values, with the fix that applies it. `rootName` names the whole document
 * ("This file", "The values"); `suffix` follows each first sentence (` (values.schema.json of chart \`web\`)`).
 */
export function wordSchemaError(
  error: SchemaError,
  values: unknown,
  schema: unknown,
  options: SchemaWording,
): WordedSchemaError | undefined {
  const path = pathOfPointer(error.instancePath, values);
  const value = valueAt(values, path);
  const { rootName, suffix = '' } = options;
  const params = error.params as Record<string, unknown>;
  const name = fieldName(path);
  const at = (message: string, extra = '', target: LocateTarget = 'value', fixes?: FixHint[]): WordedSchemaError => ({
    keyword: error.keyword,
    message: `${message}${suffix}.${extra}`,
    path,
    target,
    ...(fixes ? { fixes } : {}),
  });
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      const quote =
        types.includes('string') && (typeof value === 'boolean' || typeof value === 'number')
          ? ` Quote it to keep it a string${typeof value === 'boolean' ? ' (YAML reads yes/no/on/off/true/false unquoted as booleans)' : ''}.`
          : '';
      return at(`${name} must be ${typeWords(types)}, got ${describeValue(value)}`, quote);
    }
    case 'required':
    case 'dependencies':
    case 'dependentRequired': {
      const missing = String(params.missingProperty);
      const because = error.keyword === 'required' ? '' : ` (needed with \`${String(params.property)}\`)`;
      const where = path.length ? `${name} is missing` : `${rootName} ${rootName === 'The values' ? 'are' : 'is'} missing`;
      return {
        ...at(`${where} the required field \`${missing}\`${because}`, '', 'key', [
          { kind: 'add-field', parent: path, field: missing, valueHint: 'scalar' },
        ]),
        keyword: `required ${missing}`,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const keyPath = [...path, key];
      const siblings = isTable(value) ? value : {};
      const suggestion = closestMatch(
        key,
        propertyNamesAt(schema, path).filter((n) => !(n in siblings)),
      );
      const where = path.length ? ` in ${name}` : '';
      return {
        keyword: error.keyword,
        message: `Unknown field \`${key}\`${where}${suffix}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        path: keyPath,
        target: 'key',
        ...(suggestion ? { fixes: [{ kind: 'rename-key', path: keyPath, to: suggestion } as const] } : {}),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const strings = allowed.filter((v): v is string => typeof v === 'string');
      const suggestion =
        typeof value === 'string'
          ? (strings.find((v) => v.toLowerCase() === value.toLowerCase()) ?? closestMatch(value, strings))
          : undefined;
      return at(
        `${name} must be one of ${allowed.map(shown).join(', ')}; got ${describeValue(value)}`,
        suggestion ? ` Did you mean "${suggestion}"?` : '',
        'value',
        suggestion ? [{ kind: 'replace-value', path, value: suggestion, title: `Change to "${suggestion}"` }] : undefined,
      );
    }
    case 'const':
      return at(`${name} must be ${JSON.stringify(params.allowedValue)}, got ${describeValue(value)}`);
    case 'pattern':
      return at(`${name} must match the pattern \`${String(params.pattern)}\`, got ${describeValue(value)}`);
    case 'format':
      return at(`${name} must be in ${String(params.format)} format, got ${describeValue(value)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' };
      return at(`${name} must be ${words[error.keyword]} ${String(params.limit)}, got ${describeValue(value)}`);
    }
    case 'multipleOf':
      return at(`${name} must be a multiple of ${String(params.multipleOf)}, got ${describeValue(value)}`);
    case 'minLength':
      return at(`${name} must be at least ${String(params.limit)} characters long${params.limit === 1 ? ' (not empty)' : ''}`);
    case 'maxLength':
      return at(
        `${name} must be at most ${String(params.limit)} characters long, got ${typeof value === 'string' ? [...value].length : '?'}`,
      );
    case 'minItems':
      return at(`${name} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, '', 'key');
    case 'maxItems':
      return at(`${name} must have at most ${String(params.limit)} items, got ${Array.isArray(value) ? value.length : '?'}`, '', 'key');
    case 'uniqueItems':
      return at(`${name} must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`, '', 'key');
    case 'minProperties':
      return at(`${name} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`, '', 'key');
    case 'maxProperties':
      return at(`${name} must have at most ${String(params.limit)} entries`, '', 'key');
    case 'anyOf':
    case 'oneOf':
      if (error.branchTypes) return at(`${name} must be ${typeWords(error.branchTypes)}, got ${describeValue(value)}`);
      if (error.branchFields && error.branchFields.length > 1) {
        const fields = error.branchFields.map((f) => `\`${f}\``).join(', ');
        return at(`${name} must set ${error.keyword === 'anyOf' ? 'at least' : 'exactly'} one of ${fields}`, '', 'key');
      }
      if (error.keyword === 'oneOf' && params.passingSchemas) {
        return at(`${name} matches more than one of the allowed shapes; it must match exactly one`, '', 'key');
      }
      return at(`${name} matches none of the allowed shapes`, '', 'key');
    case 'not':
      return at(`${name} has a shape that is not allowed`, '', 'key');
    case 'false schema':
      return at(`${name} is not allowed`, '', 'key');
    case 'contains':
      return at(`${name} must contain a matching item`, '', 'key');
    case 'propertyNames':
      return at(`${name} has a key that is not allowed`, '', 'key');
    case 'if':
      return undefined; // The failed `then` or `else` is reported itself.
    default:
      return at(`${name} ${error.message ?? 'breaks a schema rule'}`, '', 'key');
  }
}

/** Property names the schema allows at `path`, for "did you mean" on unknown keys (local $refs and allOf followed). */
export function propertyNamesAt(root: unknown, path: JsonPath): string[] {
  const resolve = (node: unknown): Record<string, unknown> | undefined => {
    let current = isTable(node) ? node : undefined;
    for (let hops = 0; current && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 20; hops++) {
      let target: unknown = root;
      for (const raw of current.$ref.slice(2).split('/')) {
        const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        target = isTable(target) ? target[part] : undefined;
      }
      current = isTable(target) ? target : undefined;
    }
    return current;
  };
  const parts = (node: Record<string, unknown> | undefined): Record<string, unknown>[] =>
    node ? [node, ...(Array.isArray(node.allOf) ? node.allOf.map(resolve).filter((n) => n !== undefined) : [])] : [];
  let nodes = parts(resolve(root));
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      if (typeof segment === 'number') return parts(resolve(node.items));
      const properties = isTable(node.properties) ? node.properties : {};
      return parts(resolve(properties[segment] ?? node.additionalProperties));
    });
  }
  return [...new Set(nodes.flatMap((node) => (isTable(node.properties) ? Object.keys(node.properties) : [])))];
}
