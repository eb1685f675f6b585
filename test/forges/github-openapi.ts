// Holds the GitHub stand-in to GitHub's word: every answer it gave is validated against the response schema that
// GitHub's official OpenAPI description (@octokit/openapi, api.github.com) declares for that operation and status.
// An answer the description does not allow fails the test, so the stand-in cannot drift from the real API.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type { RecordedRequest } from './stand-in-server';

const SPEC_FILE = require.resolve('@octokit/openapi/generated/api.github.com.json');

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | { $ref: string }>;
}

type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
};

let loaded: { spec: Spec; ajv: Ajv; templates: { template: string; pattern: RegExp; literal: number }[] } | undefined;

function load() {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Spec;
  allowNullInNullableEnums(spec);
  // OpenAPI 3.0 schemas: `nullable`, `example`, formats GitHub writes loosely; structure and types are what count.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(spec, 'github');
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: template.replace(/\{[^}]+\}/g, '').length,
  }));
  loaded = { spec, ajv, templates };
  return loaded;
}

/**
 * OpenAPI 3.0's `nullable: true` allows null, enum or not (GitHub answers `conclusion: null` for a check run under
 * way); JSON Schema's enum does not unless null is listed. This is the usual conversion from one to the other.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) allowNullInNullableEnums(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.nullable === true && Array.isArray(record.enum) && !record.enum.includes(null))
    record.enum = [...(record.enum as unknown[]), null];
  for (const value of Object.values(record)) allowNullInNullableEnums(value);
}

const compiled = new Map<string, ValidateFunction>();

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The path template GitHub's description has for an API path (the most literal one when several match). */
export function githubOperation(method: string, path: string): string | undefined {
  const { spec, templates } = load();
  const found = templates
    .filter((t) => t.pattern.test(path) && spec.paths[t.template]?.[method.toLowerCase()])
    .sort((a, b) => b.literal - a.literal)[0];
  return found?.template;
}

/** What is wrong with an answer, by GitHub's description; empty when it conforms. */
export function checkGitHubAnswer(request: RecordedRequest): string[] {
  const reply = request.reply;
  if (!reply) return [];
  const { spec, ajv } = load();
  const template = githubOperation(request.method, request.path);
  if (!template) return [`${request.method} ${request.path}: no such operation in GitHub's OpenAPI description`];
  const method = request.method.toLowerCase();
  const responses = spec.paths[template]![method]!.responses ?? {};
  const declared = responses[String(reply.status)];
  let ref: string | undefined;
  if (declared && '$ref' in declared) ref = `github${declared.$ref}/content/application~1json/schema`;
  else if (declared?.content?.['application/json']?.schema)
    ref = `github#/${pointer('paths', template, method, 'responses', String(reply.status), 'content', 'application/json', 'schema')}`;
  else if (declared && reply.status < 400)
    return reply.body === undefined || reply.body === '' ? [] : [`${request.method} ${template} ${reply.status}: declared without a body`];
  else if (reply.status >= 400)
    // Errors an operation does not list (401 on most), or lists without a body: GitHub answers them as a basic-error.
    ref = 'github#/components/schemas/basic-error';
  else
    return [
      `${request.method} ${template}: status ${reply.status} is not one GitHub's description declares (${Object.keys(responses).join(', ')})`,
    ];
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  if (validate(reply.body)) return [];
  return (validate.errors ?? [])
    .slice(0, 8)
    .map((e) => `${request.method} ${template} ${reply.status}: ${e.instancePath || '(root)'} ${e.message ?? ''}`);
}

/** Every answer of a stand-in so far, checked; throws with all that is wrong. */
export function assertGitHubAnswersConform(requests: readonly RecordedRequest[]): void {
  const problems = requests.flatMap(checkGitHubAnswer);
  if (problems.length)
    throw new Error(`the GitHub stand-in answered what GitHub's OpenAPI description does not allow:\n${problems.join('\n')}`);
}
