// The globs of an Argo CD directory source (`directory.include`, `directory.exclude`), matched as Argo CD matches them
// against a file's path relative to the source folder: github.com/gobwas/glob without separators. So `*` and `**`
// match any run of characters, `/` included (`*.yaml` takes files in subfolders too); `?` one character; `[abc]`,
// `[a-z]` and `[!...]` a class; `{a,b}` alternatives, which may nest and hold patterns; `\` escapes. A pattern that
// does not compile matches nothing, as Argo CD's Match answers false then.

const compiled = new Map<string, RegExp | null>();

export function argoGlobMatches(pattern: string, path: string): boolean {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    regexp = compile(pattern);
    // Patterns come from the repository's files, edited a keystroke at a time: keep the cache bounded.
    if (compiled.size >= 500) compiled.clear();
    compiled.set(pattern, regexp);
  }
  return regexp !== null && regexp.test(path);
}

const SPECIAL = /[.*+?^${}()|[\]\\/-]/g;
const literal = (text: string) => text.replace(SPECIAL, '\\$&');

function compile(pattern: string): RegExp | null {
  let source = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      if (i + 1 >= pattern.length) return null;
      source += literal(pattern[++i]!);
    } else if (char === '*') {
      while (pattern[i + 1] === '*') i++;
      source += '[\\s\\S]*';
    } else if (char === '?') {
      source += '[\\s\\S]';
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) return null;
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      if (body === '') return null;
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (char === '{') {
      depth++;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth--;
      source += ')';
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else {
      source += literal(char);
    }
  }
  if (depth !== 0) return null;
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return null;
  }
}
