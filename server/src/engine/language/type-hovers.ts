// Short hovers for the value types every manifest uses — quantities, int-or-strings, durations, label selectors: what
// a value means and how it is written, with examples, instead of the Go type's documentation (forty lines of
// marshalling notes and grammar run together).
import type { SchemaNode } from '../schema/schema-node';

export interface TypeHover {
  /** The type as the hover's first line names it. */
  label: string;
  /** What a value means, with examples (markdown). */
  text: string;
  /** Whether a description is the type's own (left out: the short text says it better), not the field's. */
  isTypeDescription(description: string): boolean;
}

const QUANTITY: TypeHover = {
  label: 'quantity',
  text: [
    'A number with an optional unit suffix.',
    '',
    '- **CPU**, in cores: `100m` (0.1 core; `m` is thousandths), `0.5`, `2`.',
    '- **Memory and storage**, in bytes: `128Mi`, `1Gi` (powers of 1024: `Ki Mi Gi Ti`) or `500M`, `1G` (powers of 1000: `k M G T`).',
    '',
    'Mind the case: `1m` of memory is a thousandth of a byte, `1M` a million bytes.',
  ].join('\n'),
  isTypeDescription: (description) => description.startsWith('Quantity is a fixed-point representation'),
};

const INT_OR_STRING: TypeHover = {
  label: 'integer | string',
  text: [
    'An integer or a string, as the field allows:',
    '',
    '- a port by number (`8080`) or by the name a container gives it (`http`);',
    '- a count (`1`) or a percentage of the replicas (`25%`).',
  ].join('\n'),
  isTypeDescription: (description) => description.startsWith('IntOrString is a type that can hold'),
};

const DURATION: TypeHover = {
  label: 'duration',
  text: [
    'A duration as Go writes it: numbers with units, run together.',
    '',
    'Examples: `30s`, `5m`, `1h30m`, `500ms`. Units: `ms`, `s`, `m`, `h` (no days: `24h`).',
  ].join('\n'),
  isTypeDescription: (description) => description.startsWith('Duration is a wrapper around time.Duration'),
};

const LABEL_SELECTOR: TypeHover = {
  label: 'label selector',
  text: [
    'Which objects (here: pods) this one takes, by their labels; every condition must hold.',
    '',
    '- `matchLabels: {app: web}`: labelled `app=web`.',
    '- `matchExpressions: [{key: tier, operator: In, values: [web, api]}]`: operators `In`, `NotIn`, `Exists`, `DoesNotExist`.',
    '',
    'An empty selector (`{}`) takes everything; a workload’s selector must match its pod template’s labels.',
  ].join('\n'),
  isTypeDescription: (description) => description.startsWith('A label selector is a label query'),
};

/** A Go duration as CRDs constrain it (Flux's `interval`, cert-manager's `duration`). */
const DURATION_PATTERN = /\(ms\|s\|m\|h\)|ms\|s\|m\|h|\(ns\|us\|µs\|ms\|s\|m\|h\)/;

/** The short hover of a schema's value type, when it is one of the common ones. */
export function typeHoverOf(schema: SchemaNode): TypeHover | undefined {
  const definition = schema['x-driftless-definition'] ?? '';
  if (definition.endsWith('.Quantity')) return QUANTITY;
  if (definition.endsWith('.IntOrString') || schema['x-kubernetes-int-or-string']) return INT_OR_STRING;
  if (definition.endsWith('.LabelSelector')) return LABEL_SELECTOR;
  if (definition.endsWith('.Duration') || schema.format === 'duration') return DURATION;
  if (typeof schema.pattern === 'string' && DURATION_PATTERN.test(schema.pattern)) return DURATION;
  return undefined;
}
