// Checks a value against a Kubernetes structural schema the way the API server does: types (with int-or-string and
// quantities), required fields, unknown fields (strict field validation), enums, formats, value constraints, and
// list-type set/map uniqueness. Placeholder values (`${VAR}`, `{{ }}`) are not judged. CEL rules are not evaluated.
//
// Each schema node is compiled once, on first use, into the plain facts its checks need (a type mask, an enum set,
// its children's compiled nodes), so the walk over a document does no reference resolution and few lookups. This
// keeps start-up free of code generation and validation at tens of thousands of resources per second.
import { explainBadQuantity, parseQuantity } from '../kubernetes/quantity';
import { INT_OR_STRING_DEFINITION, QUANTITY_DEFINITION, schemaTypes, type SchemaNode, type SchemaResolver } from '../schema/schema-node';
import { closestMatch } from '../text/suggest';
import type { JsonPath, PathSegment } from '../yaml/locate';
import { describeValue, fieldName, finding, isPlaceholder, typeWords, type Finding } from './finding';
import { checkFormat } from './formats';

const MAX_DEPTH = 120;

/** Extra checks for values of a named Kubernetes definition (see apiserver/definition-checks.ts). */
export type DefinitionChecks = Record<string, (value: Record<string, unknown>, path: PathSegment[]) => Finding[]>;

interface Walk {
  findings: Finding[];
  /** The path being visited: one array pushed and popped (copied only into findings). */
  path: PathSegment[];
  /** Inside allOf/anyOf/oneOf/not branches fields belong to the surrounding schema: do not call them unknown. */
  openObjects: boolean;
  /** A kustomize strategic-merge patch: required fields live in the base, and `$patch` directives are allowed. */
  patch: boolean;
}

export interface ValidationOptions {
  /** Judge the value as a strategic-merge patch (see Walk.patch). */
  patch?: boolean;
}

/** Strategic-merge patch directives kustomize and the API server understand. */
const PATCH_DIRECTIVE = /^\$(?:patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

const TYPE_BITS: Record<string, number> = { string: 1, integer: 2, number: 4 | 2, boolean: 8, object: 16, array: 32, null: 64 };

function typeBit(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 1;
    case 'number':
      return Number.isInteger(value) ? 2 : 4;
    case 'boolean':
      return 8;
    default:
      return value === null ? 64 : Array.isArray(value) ? 32 : 16;
  }
}

/**
 * What one schema node requires, worked out once. Children are compiled when first reached. The walk reads only these
 * fields: one class, so its property reads stay monomorphic where the schemas' own objects each have their own shape.
 */
class CompiledNode {
  readonly schema: SchemaNode;
  readonly definition: string | undefined;
  /** The definition's extra checks (see DefinitionChecks), if it has any. */
  readonly definitionCheck: DefinitionChecks[string] | undefined;
  readonly quantity: boolean;
  readonly typeMask: number;
  readonly typeNames: string[];
  readonly enumSet: Set<unknown> | undefined;
  readonly hasConst: boolean;
  readonly format: string | undefined;
  readonly nullable: boolean;
  readonly required: readonly string[] | undefined;
  readonly patternProperties: readonly (readonly [RegExp | null, SchemaNode])[] | undefined;
  readonly hasPropertyCountRules: boolean;
  readonly hasStringRules: boolean;
  readonly hasNumberRules: boolean;
  readonly hasListRules: boolean;
  readonly closed: boolean;
  readonly embedded: boolean;
  readonly hasCompositions: boolean;
  private readonly propertySchemas: Map<string, SchemaNode> | undefined;
  private readonly propertyNodes = new Map<string, CompiledNode>();
  private additionalNode: CompiledNode | undefined;
  private itemNode: CompiledNode | undefined;

  constructor(
    ref: SchemaNode,
    private readonly compiler: SchemaCompiler,
  ) {
    const schema = compiler.resolver.resolve(ref);
    this.schema = schema;
    this.definition = schema['x-driftless-definition'];
    this.definitionCheck =
      this.definition !== undefined && Object.hasOwn(compiler.checks, this.definition) ? compiler.checks[this.definition] : undefined;
    this.quantity = this.definition === QUANTITY_DEFINITION;
    this.typeNames = this.definition === INT_OR_STRING_DEFINITION ? ['integer', 'string'] : schemaTypes(schema);
    this.typeMask = this.typeNames.reduce((mask, t) => mask | (TYPE_BITS[t] ?? 0), 0);
    this.enumSet = schema.enum ? new Set(schema.enum) : undefined;
    this.hasConst = schema.const !== undefined;
    this.format = schema.format || undefined;
    this.nullable = schema.nullable === true;
    this.required = schema.required?.length ? schema.required : undefined;
    this.patternProperties = schema.patternProperties
      ? Object.entries(schema.patternProperties).map(([pattern, node]) => [compilePattern(pattern), node] as const)
      : undefined;
    this.hasPropertyCountRules = schema.minProperties !== undefined || schema.maxProperties !== undefined;
    this.propertySchemas = schema.properties ? new Map(Object.entries(schema.properties)) : undefined;
    this.hasStringRules = schema.minLength !== undefined || schema.maxLength !== undefined || !!schema.pattern;
    this.hasNumberRules =
      schema.minimum !== undefined ||
      schema.maximum !== undefined ||
      schema.exclusiveMinimum !== undefined ||
      schema.exclusiveMaximum !== undefined ||
      !!schema.multipleOf;
    this.hasListRules =
      schema.minItems !== undefined || schema.maxItems !== undefined || !!schema['x-kubernetes-list-type'] || !!schema.uniqueItems;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    this.closed =
      !preserve &&
      (schema.additionalProperties === false || (schema.additionalProperties === undefined && schema.properties !== undefined));
    this.embedded = schema['x-kubernetes-embedded-resource'] === true;
    // Int-or-string unions (`oneOf`/`anyOf` of bare types) are already covered by the type mask.
    const typeUnion = (branches: SchemaNode[] | undefined) =>
      !branches || branches.every((b) => Object.keys(b).length === 1 && b.type !== undefined);
    this.hasCompositions = !!(schema.allOf || schema.not) || !typeUnion(schema.anyOf) || !typeUnion(schema.oneOf);
  }

  property(key: string): CompiledNode | undefined {
    const known = this.propertyNodes.get(key);
    if (known !== undefined) return known;
    const schema = this.propertySchemas?.get(key);
    if (schema === undefined) return undefined;
    const node = this.compiler.compile(schema);
    this.propertyNodes.set(key, node);
    return node;
  }

  additional(): CompiledNode | undefined {
    const additional = this.schema.additionalProperties;
    if (typeof additional !== 'object') return undefined;
    this.additionalNode ??= this.compiler.compile(additional);
    return this.additionalNode;
  }

  item(index: number): CompiledNode | undefined {
    if (this.itemNode !== undefined) return this.itemNode;
    const items = this.schema.items;
    if (Array.isArray(items)) return items[index] ? this.compiler.compile(items[index]) : undefined;
    if (!items) return undefined;
    this.itemNode = this.compiler.compile(items);
    return this.itemNode;
  }
}

class SchemaCompiler {
  private readonly nodes = new WeakMap<SchemaNode, CompiledNode>();

  constructor(
    readonly resolver: SchemaResolver,
    readonly checks: DefinitionChecks,
  ) {}

  compile(ref: SchemaNode): CompiledNode {
    let node = this.nodes.get(ref);
    if (!node) {
      node = new CompiledNode(ref, this);
      this.nodes.set(ref, node);
    }
    return node;
  }
}

const compilers = new WeakMap<SchemaResolver, Map<DefinitionChecks, SchemaCompiler>>();

function compilerFor(resolver: SchemaResolver, checks: DefinitionChecks): SchemaCompiler {
  let byChecks = compilers.get(resolver);
  if (!byChecks) {
    byChecks = new Map();
    compilers.set(resolver, byChecks);
  }
  let compiler = byChecks.get(checks);
  if (!compiler) {
    compiler = new SchemaCompiler(resolver, checks);
    byChecks.set(checks, compiler);
  }
  return compiler;
}

const NO_CHECKS: DefinitionChecks = {};

export function validateAgainstSchema(
  value: unknown,
  schema: SchemaNode,
  resolver: SchemaResolver,
  checks: DefinitionChecks = NO_CHECKS,
  path: JsonPath = [],
  options: ValidationOptions = {},
): Finding[] {
  const compiler = compilerFor(resolver, checks);
  const walk: Walk = { findings: [], path: [...path], openObjects: false, patch: options.patch === true };
  visit(value, compiler.compile(schema), compiler, walk, 0);
  return walk.findings;
}

function visitChild(value: unknown, node: CompiledNode, segment: PathSegment, compiler: SchemaCompiler, walk: Walk, depth: number): void {
  walk.path.push(segment);
  visit(value, node, compiler, walk, depth + 1);
  walk.path.pop();
}

function visit(value: unknown, node: CompiledNode, compiler: SchemaCompiler, walk: Walk, depth: number): void {
  // A null field means "unset" to the API server (and is pruned for CRDs): only required-ness can fail.
  if (value === null || value === undefined || depth > MAX_DEPTH) return;
  if (typeof value === 'string' && isPlaceholder(value)) return;
  if (node.quantity) return checkQuantity(value, walk);
  if (node.typeMask !== 0 && (node.typeMask & typeBit(value)) === 0) return reportType(value, node, walk);
  const schema = node.schema;
  if (node.enumSet && !node.enumSet.has(value)) reportEnum(value, schema, walk);
  if (node.hasConst && schema.const !== value) {
    walk.findings.push(
      finding(
        'schema-enum',
        `${fieldName(walk.path)} must be ${JSON.stringify(schema.const)}, got ${describeValue(value)}.`,
        walk.path.slice(),
      ),
    );
  }
  if (node.format !== undefined) {
    const problem = checkFormat(node.format, value);
    if (problem)
      walk.findings.push(finding('schema-format', `${fieldName(walk.path)} ${problem}, got ${describeValue(value)}.`, walk.path.slice()));
  }
  if (typeof value === 'string') {
    if (node.hasStringRules) checkString(value, schema, walk);
  } else if (typeof value === 'number') {
    if (node.hasNumberRules) checkNumber(value, schema, walk);
  } else if (Array.isArray(value)) {
    checkArray(value, node, compiler, walk, depth);
  } else if (typeof value === 'object') {
    checkObject(value as Record<string, unknown>, node, compiler, walk, depth);
    const check = node.definitionCheck;
    if (check !== undefined && !walk.openObjects) {
      const found = check(value as Record<string, unknown>, walk.path.slice());
      for (const one of found) walk.findings.push(one);
    }
  }
  if (node.hasCompositions) checkCompositions(value, schema, compiler, walk, depth);
}

function reportType(value: unknown, node: CompiledNode, walk: Walk): void {
  const wanted = typeWords(node.typeNames);
  let message = `${fieldName(walk.path)} must be ${wanted}, got ${describeValue(value)}.`;
  if (node.typeNames.includes('string') && (typeof value === 'boolean' || typeof value === 'number')) {
    message += ` Quote it to keep it a string${typeof value === 'boolean' ? ' (YAML reads yes/no/on/off/true/false unquoted as booleans)' : ''}.`;
  }
  walk.findings.push(finding('schema-type', message, walk.path.slice()));
}

function checkQuantity(value: unknown, walk: Walk): void {
  if (typeof value !== 'string' && typeof value !== 'number') {
    walk.findings.push(
      finding(
        'schema-type',
        `${fieldName(walk.path)} must be a quantity such as 500m or 1Gi, got ${describeValue(value)}.`,
        walk.path.slice(),
      ),
    );
  } else if (parseQuantity(value) === undefined) {
    const message = `${fieldName(walk.path)} is not a valid quantity (${describeValue(value)}): ${explainBadQuantity(String(value))}.`;
    walk.findings.push(finding('invalid-quantity', message, walk.path.slice()));
  }
}

function reportEnum(value: unknown, schema: SchemaNode, walk: Walk): void {
  const path = walk.path.slice();
  const allowed = (schema.enum ?? []).filter((v) => v !== null && v !== '');
  const shown = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  const caseFix =
    typeof value === 'string' ? allowed.find((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase()) : undefined;
  const near =
    typeof value === 'string' && !caseFix
      ? closestMatch(
          value,
          allowed.filter((v): v is string => typeof v === 'string'),
        )
      : undefined;
  const suggestion = (caseFix ?? near) as string | undefined;
  const message = `${fieldName(path)} must be one of ${shown}; got ${describeValue(value)}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`;
  walk.findings.push(
    finding(
      'schema-enum',
      message,
      path,
      'value',
      suggestion ? [{ kind: 'replace-value', path, value: suggestion, title: `Change to "${suggestion}"` }] : undefined,
    ),
  );
}

const patternCache = new Map<string, RegExp | null>();
function compilePattern(pattern: string): RegExp | null {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      try {
        compiled = new RegExp(pattern);
      } catch {
        compiled = null; // A Go RE2 construct JavaScript lacks: skip rather than guess.
      }
    }
    patternCache.set(pattern, compiled);
  }
  return compiled;
}

function checkString(value: string, schema: SchemaNode, walk: Walk): void {
  const path = walk.path;
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    walk.findings.push(
      finding(
        'schema-constraint',
        `${fieldName(path)} must be at least ${schema.minLength} characters long${schema.minLength === 1 ? ' (not empty)' : ''}.`,
        path.slice(),
      ),
    );
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    walk.findings.push(
      finding('schema-constraint', `${fieldName(path)} must be at most ${schema.maxLength} characters long, got ${length}.`, path.slice()),
    );
  }
  if (schema.pattern) {
    const regex = compilePattern(schema.pattern);
    if (regex && !regex.test(value)) {
      walk.findings.push(
        finding(
          'schema-constraint',
          `${fieldName(path)} must match the pattern ${schema.pattern}, got ${describeValue(value)}.`,
          path.slice(),
        ),
      );
    }
  }
}

function checkNumber(value: number, schema: SchemaNode, walk: Walk): void {
  const path = walk.path;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  const lowExclusive = exclusiveMinimum === true ? minimum : typeof exclusiveMinimum === 'number' ? exclusiveMinimum : undefined;
  const highExclusive = exclusiveMaximum === true ? maximum : typeof exclusiveMaximum === 'number' ? exclusiveMaximum : undefined;
  if (lowExclusive !== undefined && value <= lowExclusive) {
    walk.findings.push(
      finding('schema-constraint', `${fieldName(path)} must be greater than ${lowExclusive}, got ${value}.`, path.slice()),
    );
  } else if (minimum !== undefined && exclusiveMinimum !== true && value < minimum) {
    walk.findings.push(finding('schema-constraint', `${fieldName(path)} must be at least ${minimum}, got ${value}.`, path.slice()));
  }
  if (highExclusive !== undefined && value >= highExclusive) {
    walk.findings.push(finding('schema-constraint', `${fieldName(path)} must be less than ${highExclusive}, got ${value}.`, path.slice()));
  } else if (maximum !== undefined && exclusiveMaximum !== true && value > maximum) {
    walk.findings.push(finding('schema-constraint', `${fieldName(path)} must be at most ${maximum}, got ${value}.`, path.slice()));
  }
  if (multipleOf && Math.abs(value / multipleOf - Math.round(value / multipleOf)) > 1e-9) {
    walk.findings.push(finding('schema-constraint', `${fieldName(path)} must be a multiple of ${multipleOf}, got ${value}.`, path.slice()));
  }
}

function checkArray(value: unknown[], node: CompiledNode, compiler: SchemaCompiler, walk: Walk, depth: number): void {
  const path = walk.path;
  const schema = node.schema;
  for (let index = 0; index < value.length; index++) {
    const itemNode = node.item(index);
    if (!itemNode) continue;
    const item = value[index];
    if (item === null && !itemNode.nullable && itemNode.typeMask !== 0) {
      const itemPath = [...path, index];
      walk.findings.push(finding('schema-type', `${fieldName(itemPath)} is empty (null); remove it or give it a value.`, itemPath));
      continue;
    }
    visitChild(item, itemNode, index, compiler, walk, depth);
  }
  if (!node.hasListRules) return;
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    walk.findings.push(
      finding(
        'schema-constraint',
        `${fieldName(path)} must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}.`,
        path.slice(),
        'key',
      ),
    );
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    walk.findings.push(
      finding(
        'schema-constraint',
        `${fieldName(path)} must have at most ${schema.maxItems} items, got ${value.length}.`,
        path.slice(),
        'key',
      ),
    );
  }
  if (value.length > 1) checkUniqueItems(value, node, walk);
}

function checkUniqueItems(value: unknown[], node: CompiledNode, walk: Walk): void {
  const schema = node.schema;
  const path = walk.path.slice();
  const listType = schema['x-kubernetes-list-type'];
  const mapKeys = schema['x-kubernetes-list-map-keys'];
  const itemNode = node.item(0);
  if (listType === 'map' && mapKeys?.length && itemNode) {
    const seen = new Map<string, number>();
    value.forEach((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
      const record = item as Record<string, unknown>;
      // A key field left out takes its default, as the API server applies defaults before checking uniqueness.
      const keyValues = mapKeys.map((key) => record[key] ?? itemNode.property(key)?.schema.default);
      if (keyValues.some(isPlaceholder)) return;
      const identity = JSON.stringify(keyValues);
      const first = seen.get(identity);
      if (first === undefined) {
        seen.set(identity, index);
        return;
      }
      const described = mapKeys.map((key, i) => `${key} ${JSON.stringify(keyValues[i])}`).join(' and ');
      const message = `${fieldName([...path, index])} repeats ${described} of ${fieldName([...path, first])}; each item needs a unique ${mapKeys.join(' + ')}.`;
      walk.findings.push(finding('schema-duplicate-item', message, [...path, index]));
    });
  } else if (listType === 'set' || schema.uniqueItems) {
    const seen = new Set<string>();
    value.forEach((item, index) => {
      const identity = JSON.stringify(item);
      if (seen.has(identity)) {
        walk.findings.push(
          finding(
            'schema-duplicate-item',
            `${fieldName([...path, index])} repeats an earlier item; the items of ${fieldName(path)} must be unique.`,
            [...path, index],
          ),
        );
      }
      seen.add(identity);
    });
  }
}

function checkObject(value: Record<string, unknown>, node: CompiledNode, compiler: SchemaCompiler, walk: Walk, depth: number): void {
  const schema = node.schema;
  const closed = node.closed && !walk.openObjects;
  for (const key in value) {
    const child = value[key];
    const known = node.property(key);
    if (known) {
      visitChild(child, known, key, compiler, walk, depth);
      continue;
    }
    const byPattern = node.patternProperties?.find(([pattern]) => pattern?.test(key));
    const additional = byPattern ? compiler.compile(byPattern[1]) : node.additional();
    if (additional) {
      visitChild(child, additional, key, compiler, walk, depth);
    } else if (
      closed &&
      !(node.embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) &&
      !isPlaceholder(key) &&
      !(walk.patch && PATCH_DIRECTIVE.test(key))
    ) {
      reportUnknownField(key, Object.keys(schema.properties ?? {}), value, walk);
    }
  }
  if (node.required !== undefined && !walk.patch) {
    for (const required of node.required) {
      if (value[required] !== undefined && value[required] !== null) continue;
      const path = walk.path.slice();
      const where = path.length ? `${fieldName(path)} is missing` : 'The resource is missing';
      const requiredNode = node.property(required);
      const types = requiredNode?.typeNames ?? [];
      const valueHint = types.includes('object') ? 'object' : types.includes('array') ? 'array' : 'scalar';
      walk.findings.push(
        finding('schema-required', `${where} the required field \`${required}\`.`, path, 'key', [
          { kind: 'add-field', parent: path, field: required, valueHint },
        ]),
      );
    }
  }
  if (node.hasPropertyCountRules) {
    const count = Object.keys(value).length;
    const path = walk.path.slice();
    if (schema.minProperties !== undefined && count < schema.minProperties) {
      walk.findings.push(
        finding(
          'schema-constraint',
          `${fieldName(path)} must have at least ${schema.minProperties} entr${schema.minProperties === 1 ? 'y' : 'ies'}.`,
          path,
          'key',
        ),
      );
    }
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
      walk.findings.push(
        finding('schema-constraint', `${fieldName(path)} must have at most ${schema.maxProperties} entries, got ${count}.`, path, 'key'),
      );
    }
  }
}

function reportUnknownField(key: string, known: string[], siblings: Record<string, unknown>, walk: Walk): void {
  const keyPath = [...walk.path, key];
  const candidates = known.filter((name) => !(name in siblings));
  const suggestion = closestMatch(key, candidates);
  const where = walk.path.length > 0 ? ` in ${fieldName(walk.path)}` : '';
  const message = `Unknown field \`${key}\`${where}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`;
  walk.findings.push(
    finding(
      'schema-unknown-field',
      message,
      keyPath,
      'key',
      suggestion ? [{ kind: 'rename-key', path: keyPath, to: suggestion }] : undefined,
    ),
  );
}

function branchFindings(value: unknown, branch: SchemaNode, compiler: SchemaCompiler, walk: Walk, depth: number): Finding[] {
  // openObjects also keeps definition checks out of branches: they run once, for the node itself.
  const inner: Walk = { findings: [], path: walk.path.slice(), openObjects: true, patch: walk.patch };
  visit(value, compiler.compile(branch), compiler, inner, depth + 1);
  return inner.findings;
}

/** anyOf/oneOf/not hold value validations in structural schemas; allOf just adds constraints. */
function checkCompositions(value: unknown, schema: SchemaNode, compiler: SchemaCompiler, walk: Walk, depth: number): void {
  const path = walk.path.slice();
  const resolver = compiler.resolver;
  for (const part of schema.allOf ?? []) visit(value, compiler.compile(part), compiler, { ...walk, openObjects: true }, depth + 1);
  const describe = (branches: SchemaNode[]) => {
    const resolved = branches.map((b) => resolver.resolve(b));
    const requiredOnly = resolved.every((b) => b.required?.length === 1 && Object.keys(b).every((k) => k === 'required'));
    return requiredOnly ? resolved.map((b) => `\`${b.required![0]}\``).join(', ') : undefined;
  };
  if (schema.anyOf?.length) {
    const results = schema.anyOf.map((b) => branchFindings(value, b, compiler, walk, depth));
    if (results.every((r) => r.length > 0)) {
      const fields = describe(schema.anyOf);
      const message = fields
        ? `${fieldName(path)} must set at least one of ${fields}.`
        : `${fieldName(path)} matches none of the allowed forms: ${results[0]![0]!.message}`;
      walk.findings.push(finding('schema-constraint', message, path, 'key'));
    }
  }
  if (schema.oneOf?.length) {
    const results = schema.oneOf.map((b) => branchFindings(value, b, compiler, walk, depth));
    const matching = results.filter((r) => r.length === 0).length;
    if (matching !== 1) {
      const fields = describe(schema.oneOf);
      const message = fields
        ? `${fieldName(path)} must set exactly one of ${fields}${matching > 1 ? `, not ${matching}` : ''}.`
        : matching === 0
          ? `${fieldName(path)} matches none of the allowed forms: ${results[0]![0]!.message}`
          : `${fieldName(path)} matches ${matching} of the allowed forms; it must match exactly one.`;
      walk.findings.push(finding('schema-constraint', message, path, 'key'));
    }
  }
  if (schema.not && branchFindings(value, schema.not, compiler, walk, depth).length === 0) {
    walk.findings.push(finding('schema-constraint', `${fieldName(path)} has a form that is not allowed here.`, path, 'key'));
  }
}
