// Checks a Helm values file against its chart's values.schema.json, as `helm install/template/lint` do: Helm validates
// the coalesced values (the chart's values.yaml overridden by the user's files) with a JSON Schema validator.
// Errors are worded like the Kubernetes schema ones and name the chart.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestMatch } from '../text/suggest';
import { ajvFor } from '../validate/ajv';
import { describeValue, fieldName, finding, isPlaceholder, typeWords, type FixHint, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import type { JsonPath, LocateTarget, PathSegment } from '../yaml/locate';
import { pathOfPointer, valueAt } from '../json';

type Compiled = { validate: ValidateFunction; schema: unknown } | Error;

export interface HelmValuesOptions {
  chartName: string;
  /** This file overrides the chart's values.yaml (an environment file, Argo CD valueFiles, Flux valuesFiles). */
  merged?: boolean;
  /** The chart's values.yaml value, coalesced under an override file. */
  defaults?: unknown;
}

/** Findings of a values file against its chart's values.schema.json (the parsed schema object). */
export function checkHelmValues(content: DocumentContent, schema: unknown, options: HelmValuesOptions): Finding[] {
  const compiled = compile(schema);
  const chart = `values.schema.json of chart \`${options.chartName}\``;
  if (compiled instanceof Error) {
    const reason = compiled.message.split('\n')[0]!.trim().replace(/\.$/, '');
    return [
      {
        ...finding('helm-values-schema', `The ${chart} cannot be used: ${reason}. Values of this chart are not checked.`, [], 'key'),
        severity: 'warning',
      },
    ];
  }
  // A file that does not parse has its syntax errors reported; its half-read values would only add noise.
  if (content.problems.length > 0) return [];
  const own = content.value ?? {};
  const values = options.merged ? coalesce(own, options.defaults ?? {}) : own;
  let valid: boolean;
  try {
    valid = compiled.validate(values);
  } catch {
    return []; // A schema ajv compiled but cannot run (a pathological regex, say): nothing honest to say.
  }
  if (valid) return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const error of collapseUnions(compiled.validate.errors ?? [])) {
    const reported = describe(error, values, compiled.schema, chart);
    if (!reported) continue;
    if (options.merged && !setByFile(own, reported.path)) continue;
    // One finding per place and rule: unions and their own keywords can word the same problem twice.
    const place = JSON.stringify(reported.path);
    const keys = [`${place} ${reported.keyword}`, `${place} ${reported.message}`];
    if (keys.some((k) => seen.has(k))) continue;
    keys.forEach((k) => seen.add(k));
    findings.push(finding('helm-values-schema', reported.message, reported.path, reported.target, reported.fixes));
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling

// Schemas are compiled once per parsed object: the caller passes the same object while the file is unchanged.
const compiledSchemas = new WeakMap<object, Compiled>();

function compile(schema: unknown): Compiled {
  if (typeof schema !== 'object' || schema === null) return compileNow(schema);
  let entry = compiledSchemas.get(schema);
  if (!entry) {
    entry = compileNow(schema);
    compiledSchemas.set(schema, entry);
  }
  return entry;
}

function compileNow(schema: unknown): Compiled {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return new Error('it is not a JSON object');
  }
  try {
    const usable = typeof schema === 'boolean' ? schema : fromDraft04(schema);
    return { validate: ajvFor(schema, AJV_OPTIONS).compile(usable as object), schema: usable };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Go's RE2 accepts escapes such as `\_` that JavaScript's unicode mode refuses: fall back to the non-unicode mode,
 * and skip a pattern neither accepts (a construct RE2 has and JavaScript lacks) rather than refuse the whole schema.
 */
const tolerantRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    for (const attempt of [flags, '']) {
      try {
        return new RegExp(pattern, attempt);
      } catch {
        // Next attempt.
      }
    }
    return /(?:)/;
  },
  { code: 'driftlessHelmRegExp' },
);

const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  validateFormats: false, // ajv-formats is not bundled; formats are not judged.
  validateSchema: false, // Draft-04/06 `$schema` URIs are not registered in ajv; compiling still catches broken schemas.
  code: { regExp: tolerantRegExp },
} as const;

/** Draft-04's boolean `exclusiveMaximum`/`exclusiveMinimum` (which Helm's validators accept) in the later numeric form. */
function fromDraft04(schema: object): unknown {
  if (!JSON.stringify(schema).match(/"exclusive(?:Max|Min)imum":(?:true|false)/)) return schema;
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = convert(value);
    for (const [exclusive, bound] of [
      ['exclusiveMaximum', 'maximum'],
      ['exclusiveMinimum', 'minimum'],
    ] as const) {
      if (typeof out[exclusive] !== 'boolean') continue;
      if (out[exclusive] === true && typeof out[bound] === 'number') {
        out[exclusive] = out[bound];
        delete out[bound];
      } else {
        delete out[exclusive];
      }
    }
    return out;
  };
  return convert(schema);
}

// ---------------------------------------------------------------------------------------------------------------
// Coalescing, as Helm's chartutil.CoalesceValues does it

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The values Helm validates for an override file: maps merge recursively, lists and scalars are replaced, and a key
 * the override sets to null is deleted (at the top level only when values.yaml has that key, as Helm does).
 */
export function coalesce(override: unknown, defaults: unknown): unknown {
  if (!isTable(override)) return isTable(defaults) ? { ...defaults } : {};
  if (!isTable(defaults)) return override;
  const result: Record<string, unknown> = { ...override };
  for (const [key, value] of Object.entries(defaults)) {
    if (!Object.prototype.hasOwnProperty.call(override, key)) {
      result[key] = value;
      continue;
    }
    const mine = override[key];
    if (mine === null) delete result[key];
    else if (isTable(mine) && isTable(value)) result[key] = coalesceTables(mine, value);
  }
  return result;
}

function coalesceTables(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...dst };
  // Helm marks every null of the override in the defaults too, so nested nulls are always deleted.
  const keys = new Set([...Object.keys(src), ...Object.keys(dst).filter((k) => dst[k] === null)]);
  for (const key of keys) {
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const mine = dst[key];
    if (has && mine === null) delete result[key];
    else if (!has) result[key] = src[key];
    else if (isTable(mine) && isTable(src[key])) result[key] = coalesceTables(mine, src[key]);
  }
  return result;
}

/** Whether the override file itself writes `path` (or something containing it: a list, a scalar). */
function setByFile(own: unknown, path: JsonPath): boolean {
  if (path.length === 0) return isTable(own);
  let current = own;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') {
      if (segment >= current.length) return false;
      current = current[segment];
    } else if (isTable(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[String(segment)];
    } else {
      return false;
    }
  }
  return current !== null;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

interface Collapsed extends ErrorObject {
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
function collapseUnions(errors: readonly ErrorObject[]): Collapsed[] {
  const kept: Collapsed[] = [];
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

interface Reported {
  keyword: string;
  message: string;
  path: PathSegment[];
  target: LocateTarget;
  fixes?: FixHint[];
}

function describe(error: Collapsed, values: unknown, schema: unknown, chart: string): Reported | undefined {
  const path = pathOfPointer(error.instancePath, values);
  const value = valueAt(values, path);
  // `{{ }}` and `${}` values are filled in later (Argo CD, Flux post-build, a parent template): not judged.
  if (isPlaceholder(value)) return undefined;
  const params = error.params as Record<string, unknown>;
  const name = fieldName(path);
  const at = (message: string, extra = '', target: LocateTarget = 'value', fixes?: FixHint[]): Reported => ({
    keyword: error.keyword,
    message: `${message} (${chart}).${extra}`,
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
      const where = path.length ? `${name} is missing` : 'The values are missing';
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
        message: `Unknown field \`${key}\`${where} (${chart}).${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
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
function propertyNamesAt(root: unknown, path: JsonPath): string[] {
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
