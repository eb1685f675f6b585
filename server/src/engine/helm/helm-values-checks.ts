// Checks a Helm values file against its chart's values.schema.json, as `helm install/template/lint` do: Helm validates
// the coalesced values (the chart's values.yaml overridden by the user's files) with a JSON Schema validator.
// Errors are worded like the Kubernetes schema ones and name the chart.
import type { ValidateFunction } from 'ajv';
import { ajvFor } from '../validate/ajv';
import { collapseUnions, wordSchemaError } from '../validate/schema-errors';
import { coalesceValues } from './helm-values-merge';
import { finding, isPlaceholder, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import type { JsonPath } from '../yaml/locate';
import { isRecord as isTable, pathOfPointer, valueAt } from '../json';

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
  const values = options.merged ? coalesceValues(own, options.defaults ?? {}) : own;
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
    // `{{ }}` and `${}` values are filled in later (Argo CD, Flux post-build, a parent template): not judged.
    if (isPlaceholder(valueAt(values, pathOfPointer(error.instancePath, values)))) continue;
    const reported = wordSchemaError(error, values, compiled.schema, { rootName: 'The values', suffix: ` (${chart})` });
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
