// Parses a YAML file document by document: values from the fast parser, positions and exact errors from the
// positional parser only when needed. Parsed documents are cached by their text, so an edit re-parses one document.
import { isCollection, isSeq, visit, type Document } from 'yaml';
import { readBlockDocument } from './block-reader';
import { locatePath, type JsonPath, type LocateTarget, type SourceSpan } from './locate';
import { locateInBlockDocument } from './locate-block';
import { parsePositional, parseValueFast, positionalValue } from './parsers';
import { isEmptyDocument, splitDocuments, type DocumentSlice } from './split-documents';

export type SyntaxRule = 'yaml-syntax' | 'duplicate-key' | 'yaml-alias-limit' | 'yaml-too-deep';

export interface SyntaxProblem {
  rule: SyntaxRule;
  message: string;
  /** Offsets relative to the document's slice. */
  start: number;
  end: number;
}

/** What parsing a document's text yields; independent of where the document sits in its file. */
export class DocumentContent {
  /** Paths located by walking the text so far. */
  private walks = 0;

  constructor(
    readonly text: string,
    readonly empty: boolean,
    readonly value: unknown,
    readonly problems: readonly SyntaxProblem[],
    private positionalDocument?: Document.Parsed,
    /** Whether the block reader read the value: paths can then be located without the positional parse. */
    private readonly blockRead = false,
  ) {}

  /** The `yaml` document with source ranges, built on first use. */
  get positional(): Document.Parsed {
    this.positionalDocument ??= parsePositional(this.text);
    return this.positionalDocument;
  }

  /**
   * The source span of `path` (see locatePath). Findings are located here: in the plain block documents nearly all
   * manifests are, by walking the lines on the way to it, which costs a fraction of the positional parse.
   */
  locate(path: JsonPath, target: LocateTarget): SourceSpan {
    // A walk reads up to the whole text once; a document with many findings is parsed once instead.
    const walk = this.blockRead && !this.positionalDocument && this.walks++ < MAX_WALKS;
    const span = walk ? locateInBlockDocument(this.text, path, target) : undefined;
    return span ?? locatePath(this.positional, this.text, path, target);
  }

  /** Whether the document was refused as too deep to parse (nothing positional is available for it). */
  get tooDeep(): boolean {
    return this.problems.some((p) => p.rule === 'yaml-too-deep');
  }

  static parse(text: string): DocumentContent {
    if (isEmptyDocument(text)) return new DocumentContent(text, true, undefined, []);
    // The block reader leaves lines indented deeper than MAX_NESTING to the others, so its recursion stays bounded.
    const plain = readBlockDocument(text, MAX_NESTING);
    if (plain !== undefined) return new DocumentContent(text, false, plain, [], undefined, true);
    // The other parsers recurse per level; far past any real manifest, V8 can abort inside them instead of throwing.
    if (nestingDepth(text) > MAX_NESTING) return tooDeep(text);
    if (!MAY_HAVE_ALIAS.test(text) && !MAY_HAVE_COMPLEX_KEY.test(text)) {
      try {
        return new DocumentContent(text, false, parseValueFast(text), []);
      } catch (error) {
        if (error instanceof RangeError) return tooDeep(text);
        // Fall through: the positional parser words the error exactly, with its range.
      }
    }
    return parseSlowly(text);
  }
}

export interface ParsedDocument extends DocumentSlice {
  content: DocumentContent;
}

/**
 * Walks that cost less than one positional parse even in a large document: a walk to a deep path cost 1-3% of the parse
 * (a 1.4 MB CRD: 8-30 ms against 0.7-1.9 s; a Deployment: under 0.1 ms against 3 ms).
 */
const MAX_WALKS = 16;

// Aliases are rare in manifests; documents that may have one take the positional parser, which bounds expansion.
const MAY_HAVE_ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]/;
/**
 * A key that may be a sequence or mapping (`? [a, b]`, `[a, b]: c`): js-yaml would make a string of it, but Kubernetes
 * reads keys as strings and rejects such a key, so those documents take the positional parser, which reports it.
 */
const MAY_HAVE_COMPLEX_KEY = /(?:^|[\s[{,])\?(?:[ \t]|$)|(?:^|[\s[{,-])[[{][^\n]*[\]}][ \t]*:(?:[ \t]|$)/m;

/** Deeper than any real manifest (a pod template sits about 12 levels down), well within the parsers' stacks. */
export const MAX_NESTING = 500;

/**
 * An upper bound of the document's nesting depth, in one pass: open flow brackets plus the indentation and inline
 * "- " of each line. Brackets inside quoted strings count too; a manifest does not come near the limit either way.
 */
export function nestingDepth(text: string): number {
  let flow = 0;
  let deepest = 0;
  let lineDepth = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) {
      atLineStart = true;
      lineDepth = 0;
      continue;
    }
    if (atLineStart) {
      if (code === 32 || code === 45) {
        lineDepth++; // Indentation and "- " both open a level at most once per character.
        if (lineDepth + flow > deepest) deepest = lineDepth + flow;
        continue;
      }
      atLineStart = false;
    }
    if (code === 91 || code === 123) {
      flow++;
      if (lineDepth + flow > deepest) deepest = lineDepth + flow;
    } else if ((code === 93 || code === 125) && flow > 0) {
      flow--;
    }
  }
  return deepest;
}

function tooDeep(text: string): DocumentContent {
  const problem: SyntaxProblem = {
    rule: 'yaml-too-deep',
    message: `This document nests deeper than ${MAX_NESTING} levels, far beyond any manifest; it was not read or checked.`,
    start: 0,
    end: Math.min(text.length, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')),
  };
  // An empty positional document: hover, outline and quick fixes find nothing instead of parsing the text.
  return new DocumentContent(text, false, undefined, [problem], parsePositional(''));
}

function parseSlowly(text: string): DocumentContent {
  let document: Document.Parsed;
  try {
    document = parsePositional(text);
  } catch (error) {
    if (error instanceof RangeError) return tooDeep(text);
    throw error;
  }
  // An error at the end of input would sit on the next document's `---` line: keep it on this document's last text.
  const contentEnd = Math.max(1, text.trimEnd().length);
  const problems: SyntaxProblem[] = document.errors.map((error) => {
    const start = Math.min(error.pos[0], contentEnd - 1);
    return {
      rule: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
      message: wordSyntaxError(error.code, error.message),
      start,
      end: Math.min(Math.max(error.pos[1], start + 1), contentEnd),
    };
  });
  if (problems.length === 0) problems.push(...collectionKeys(document));
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = positionalValue(document);
    } catch (error) {
      if (error instanceof RangeError) return tooDeep(text);
      problems.push(unreadable(document, text, error instanceof Error ? error.message : String(error)));
    }
  }
  return new DocumentContent(text, false, value, problems, document);
}

/** Keys that are sequences or mappings: sigs.k8s.io/yaml, which kubectl and the API server read YAML with, rejects them. */
function collectionKeys(document: Document.Parsed): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  visit(document, {
    Pair(_, pair) {
      if (!isCollection(pair.key) || !pair.key.range) return;
      const [start, end] = pair.key.range;
      problems.push({
        rule: 'yaml-syntax',
        message: `This key is a ${isSeq(pair.key) ? 'sequence' : 'mapping'}; Kubernetes reads every key as a string and rejects it.`,
        start,
        end: Math.max(end, start + 1),
      });
    },
  });
  return problems;
}

/** Why a document without syntax errors still has no plain value: an alias to no anchor, or an alias bomb. */
function unreadable(document: Document.Parsed, text: string, message: string): SyntaxProblem {
  const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message)?.[1];
  if (unresolved !== undefined) {
    let range: readonly number[] | undefined;
    visit(document, {
      Alias(_, alias) {
        if (alias.source === unresolved && alias.range) {
          range = alias.range;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    const start = range?.[0] ?? 0;
    return {
      rule: 'yaml-syntax',
      message: `The alias \`*${unresolved}\` refers to no anchor \`&${unresolved}\` set before it.`,
      start,
      end: Math.max(range?.[1] ?? Math.min(text.length, 3), start + 1),
    };
  }
  if (/alias count/i.test(message))
    return {
      rule: 'yaml-alias-limit',
      message: 'Aliases in this document expand too many times (an alias bomb); it was not checked.',
      start: 0,
      end: Math.min(text.length, 3),
    };
  return { rule: 'yaml-syntax', message: `This document could not be read: ${message}`, start: 0, end: Math.min(text.length, 3) };
}

function wordSyntaxError(code: string, message: string): string {
  const firstLine = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'This key appears twice in the same mapping; Kubernetes rejects duplicate keys.';
    case 'TAB_AS_INDENT':
      return 'Tabs cannot indent YAML; use spaces.';
    default:
      return `YAML syntax error: ${firstLine.charAt(0).toLowerCase()}${firstLine.slice(1)}`;
  }
}

/** Per-file parse cache: documents whose text did not change are reused as they are. */
export class DocumentCache {
  private entries = new Map<string, DocumentContent>();

  parse(text: string): ParsedDocument[] {
    const next = new Map<string, DocumentContent>();
    const documents = splitDocuments(text).map((slice) => {
      const content = this.entries.get(slice.text) ?? next.get(slice.text) ?? DocumentContent.parse(slice.text);
      next.set(slice.text, content);
      return { ...slice, content };
    });
    this.entries = next;
    return documents;
  }
}

/** The document holding `offset` (the last one for an offset at the very end of the file). */
export function documentAt(documents: readonly ParsedDocument[], offset: number): ParsedDocument | undefined {
  return documents.find((d) => offset >= d.start && offset < d.end) ?? documents[documents.length - 1];
}

export function parseDocuments(text: string): ParsedDocument[] {
  return splitDocuments(text).map((slice) => ({ ...slice, content: DocumentContent.parse(slice.text) }));
}
