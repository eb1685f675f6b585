// Holds the argocd-server stand-in and the driver talking to it to Argo CD's word: every request body and every answer
// is validated against Argo CD's published OpenAPI description (assets/swagger.json of v3.5.1; the excerpt the
// operations need is in argocd-openapi/, its source in MANIFEST.txt). Request bodies are checked strictly (a field
// the description does not name is an error, so a misspelt one is caught); answers as the description says.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgoCdServerRequest } from './argocd-server-stand-in';

interface Operation {
  parameters?: { in: string; name: string; schema?: { $ref: string } }[];
  responses: Record<string, { schema?: { $ref: string } }>;
}

interface Swagger {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, unknown>;
}

let loaded: { swagger: Swagger; ajv: Ajv; strictAjv: Ajv } | undefined;

/** The same schema with `additionalProperties: false` wherever an object lists its properties. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, closed(value)]));
  if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

function load() {
  if (loaded) return loaded;
  const swagger = JSON.parse(readFileSync(join(__dirname, 'argocd-openapi', 'swagger-excerpt.json'), 'utf8')) as Swagger;
  // Swagger 2.0 schemas are JSON Schema draft 4 with extras (formats like int64): structure and types are what count.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ definitions: swagger.definitions }, 'argocd');
  const strictAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  strictAjv.addSchema({ definitions: closed(swagger.definitions) }, 'argocd');
  loaded = { swagger, ajv, strictAjv };
  return loaded;
}

const compiled = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, ref: string, strict: boolean): ValidateFunction {
  const key = `${strict ? 'strict' : 'loose'}:${ref}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `argocd${ref}` });
    compiled.set(key, validate);
  }
  return validate;
}

/** What is wrong with one request and its answer, by Argo CD's description; empty when both conform. */
export function checkArgoCdExchange(exchange: ArgoCdServerRequest): string[] {
  const { swagger, ajv, strictAjv } = load();
  const method = exchange.method.toLowerCase();
  const operation = swagger.paths[exchange.operation]?.[method];
  const named = `${exchange.method} ${exchange.operation}`;
  if (!operation) return [`${named}: no such operation in Argo CD's OpenAPI description`];
  const problems: string[] = [];
  const bodyParameter = operation.parameters?.find((p) => p.in === 'body');
  if (bodyParameter?.schema) {
    const validate = validator(strictAjv, bodyParameter.schema.$ref, true);
    if (!validate(exchange.body))
      problems.push(
        ...(validate.errors ?? []).map(
          (e) => `${named} request: ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        ),
      );
  }
  for (const parameter of [...exchange.query.keys()])
    if (!operation.parameters?.some((p) => p.in === 'query' && p.name === parameter))
      problems.push(`${named}: no query parameter ${parameter}`);
  const declared = operation.responses[String(exchange.reply.status)] ?? operation.responses.default;
  if (!declared?.schema) return [...problems, `${named}: status ${exchange.reply.status} is not declared`];
  const validate = validator(ajv, declared.schema.$ref, false);
  if (!validate(exchange.reply.body))
    problems.push(
      ...(validate.errors ?? [])
        .slice(0, 8)
        .map((e) => `${named} ${exchange.reply.status}: ${e.instancePath || '(root)'} ${e.message ?? ''}`),
    );
  return problems;
}

/** Every exchange so far, checked; throws with all that is wrong. */
export function assertArgoCdExchangesConform(exchanges: readonly ArgoCdServerRequest[]): void {
  const problems = exchanges.flatMap(checkArgoCdExchange);
  if (problems.length)
    throw new Error(`argocd-server requests or answers that Argo CD's OpenAPI description does not allow:\n${problems.join('\n')}`);
}
