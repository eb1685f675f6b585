// Inline suppressions in comments:
//   # driftless-disable-next-line rule-a, rule-b   silences those rules on the next line
//   # driftless-disable rule-a                     silences them from here to the end of the YAML document
// Without rule ids, every rule is silenced.

const DIRECTIVE = /(?:^|\s)#\s*driftless-(disable-next-line|disable)\b([^\n]*)$/;

interface Suppression {
  /** First and last line (0-based, inclusive) the suppression covers. */
  fromLine: number;
  toLine: number;
  /** Undefined means every rule. */
  rules?: Set<string>;
}

export class Suppressions {
  constructor(private readonly entries: readonly Suppression[]) {}

  isSuppressed(rule: string, line: number): boolean {
    return this.entries.some((s) => line >= s.fromLine && line <= s.toLine && (!s.rules || s.rules.has(rule)));
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }
}

function parseRuleList(text: string): Set<string> | undefined {
  const ids = text
    .replace(/\s+--.*$/, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  return ids.length ? new Set(ids) : undefined;
}

/**
 * Reads the directives of one document. `firstLine` is the document's first line in the file, `lines` its lines.
 * A quoted `#` could look like a directive only if it is followed by the directive's exact name, so a line scan is
 * enough.
 */
export function readSuppressions(lines: readonly string[], firstLine: number): Suppressions {
  const entries: Suppression[] = [];
  const lastLine = firstLine + lines.length - 1;
  lines.forEach((text, index) => {
    if (!text.includes('driftless-disable')) return;
    const match = DIRECTIVE.exec(text);
    if (!match) return;
    const line = firstLine + index;
    const rules = parseRuleList(match[2] ?? '');
    if (match[1] === 'disable-next-line') {
      let next = index + 1;
      while (next < lines.length && /^\s*(#.*)?$/.test(lines[next]!)) next++;
      entries.push({ fromLine: firstLine + next, toLine: firstLine + next, ...(rules ? { rules } : {}) });
    } else {
      entries.push({ fromLine: line, toLine: lastLine, ...(rules ? { rules } : {}) });
    }
  });
  return new Suppressions(entries);
}
