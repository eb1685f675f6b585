// The two YAML parsers, configured to resolve scalars identically (see scalars.ts):
// js-yaml is about ten times faster and gives values only; `yaml` gives positions, comments and exact errors.
import jsyaml from 'js-yaml';
import { Document, isCollection, parseDocument, Scalar, visit, type ScalarTag } from 'yaml';
import { BOOLEAN_FALSE, BOOLEAN_TRUE, NULL_SCALAR, resolveFloat, resolveInteger } from './scalars';

// js-yaml tries every implicit type on every plain scalar; a first-character test keeps most strings off the regexes.
const mayBeNull = (data: string) => data.length <= 4 && NULL_SCALAR.test(data);
const mayBeBoolean = (data: string) =>
  data.length <= 5 && /^[yYnNtTfFoO]/.test(data) && (BOOLEAN_TRUE.test(data) || BOOLEAN_FALSE.test(data));
const mayBeNumber = (data: string) => {
  const first = data.charCodeAt(0);
  return (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46; // 0-9 + - .
};

const fastTypes = [
  new jsyaml.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (data: string | null) => data === null || mayBeNull(data),
    construct: () => null,
  }),
  new jsyaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && mayBeBoolean(data),
    construct: (data: string) => BOOLEAN_TRUE.test(data),
  }),
  new jsyaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && mayBeNumber(data) && resolveInteger(data) !== undefined,
    construct: (data: string) => resolveInteger(data),
  }),
  new jsyaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && mayBeNumber(data) && resolveFloat(data) !== undefined,
    construct: (data: string) => resolveFloat(data),
  }),
  // `<<` merge keys; js-yaml's loader applies the merge when it sees this tag.
  new jsyaml.Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (data: string | null) => data === '<<' }),
];

const FAST_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: fastTypes });

/** Parses one document's text into plain values, or throws (any error means: use the positional parser). */
export function parseValueFast(text: string): unknown {
  return jsyaml.load(text, { schema: FAST_SCHEMA });
}

const positionalTags: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:null', default: true, test: /^(?:~|null|Null|NULL)?$/, resolve: () => null },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOLEAN_TRUE, resolve: () => true },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOLEAN_FALSE, resolve: () => false },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/,
    resolve: (source: string) => resolveInteger(source) ?? source,
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: /^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (source: string) => resolveFloat(source) ?? source,
  },
];

/** How many aliases one document may expand; more is an alias bomb, not a manifest. */
export const MAX_ALIAS_COUNT = 1000;

/** Parses one document's text with positions, comments and every syntax error. */
export function parsePositional(text: string): Document.Parsed {
  return parseDocument(text, {
    schema: 'failsafe',
    customTags: positionalTags,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
    strict: true,
    // Its warnings (a key that is a collection) would go to stderr; such keys are reported as findings instead.
    logLevel: 'error',
  });
}

/** The plain value of a positional document; throws when aliases expand past MAX_ALIAS_COUNT. */
export function positionalValue(document: Document.Parsed): unknown {
  return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

/**
 * The plain value of a document being edited, as far as it can be made: editing help works on documents with errors,
 * where positionalValue may throw. Aliases then read as null and keys that are collections as their text (in a copy:
 * the document stays as parsed); undefined when even that fails.
 */
export function valueForEditing(document: Document.Parsed): unknown {
  try {
    return positionalValue(document);
  } catch {
    const copy = document.clone();
    visit(copy, {
      Alias: () => new Scalar(null),
      Pair(_, pair) {
        if (isCollection(pair.key)) pair.key = new Scalar(String(pair.key));
      },
    });
    try {
      return positionalValue(copy as Document.Parsed);
    } catch {
      return undefined;
    }
  }
}
