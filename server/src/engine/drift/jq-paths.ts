// The jq path expressions of Argo CD's ignoreDifferences (jqPathExpressions), in the subset its users write: field
// paths (`.spec.replicas`, `.metadata.annotations."a/b"`, `.x["a.b"]`), iteration (`[]`, `[]?`), indexes (`[0]`),
// pipes, and `select(...)` with `==`, `!=`, `and`, `or`, `not`, parentheses, and `test`, `startswith`, `endswith`,
// `contains` on strings. Argo CD runs `del(<expression>)` with gojq; here an expression yields the paths it selects,
// which are then removed. Anything else is refused with a message naming what is supported.
import type { JsonPath } from '../yaml/locate';
import { deepEqual, isRecord } from '../json';

export const SUPPORTED_JQ =
  'paths (.a.b, ."a/b", ["a"], [0], [], []?), pipes, and select() with ==, !=, and, or, not, test(), startswith(), endswith(), contains()';

type Token = { type: 'punct' | 'ident' | 'string' | 'number'; text: string; value?: unknown };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (source.startsWith('==', i) || source.startsWith('!=', i)) {
      tokens.push({ type: 'punct', text: source.slice(i, i + 2) });
      i += 2;
    } else if ('.[]()|?,'.includes(char)) {
      tokens.push({ type: 'punct', text: char });
      i++;
    } else if (char === '"') {
      let end = i + 1;
      while (end < source.length && source[end] !== '"') end += source[end] === '\\' ? 2 : 1;
      if (end >= source.length) throw new Error('unterminated string');
      const text = source.slice(i, end + 1);
      tokens.push({ type: 'string', text, value: JSON.parse(text) as unknown });
      i = end + 1;
    } else if (/[-0-9]/.test(char)) {
      const match = /^-?[0-9]+(?:\.[0-9]+)?/.exec(source.slice(i));
      if (!match) throw new Error(`unexpected "${char}"`);
      tokens.push({ type: 'number', text: match[0], value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      tokens.push({ type: 'ident', text: match[0] });
      i += match[0].length;
    } else {
      throw new Error(`unexpected "${char}"`);
    }
  }
  return tokens;
}

/** One step of a path: a field, an index, or every item (`optional`: `[]?`, no error on a non-collection). */
type Step = { field: string } | { index: number } | { each: true };
type Condition =
  | { op: 'and' | 'or'; left: Condition; right: Condition }
  | { op: 'not'; of: Condition }
  | { op: '==' | '!='; left: Operand; right: Operand }
  | { op: 'test' | 'startswith' | 'endswith' | 'contains'; of: Operand; argument: string }
  | { op: 'truthy'; of: Operand };
type Operand = { path: Step[] } | { literal: unknown };
type Stage = { path: Step[] } | { select: Condition };

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.at];
    return text === undefined || token?.text === text ? token : undefined;
  }
  private take(text?: string): Token {
    const token = this.tokens[this.at];
    if (!token || (text !== undefined && token.text !== text)) throw new Error(text ? `expected "${text}"` : 'unexpected end');
    this.at++;
    return token;
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }

  pipeline(): Stage[] {
    const stages = [this.stage()];
    while (this.peek('|')) {
      this.take('|');
      stages.push(this.stage());
    }
    if (!this.done()) throw new Error(`unexpected "${this.tokens[this.at]!.text}"`);
    return stages;
  }

  private stage(): Stage {
    if (this.peek('select')) {
      this.take('select');
      this.take('(');
      const condition = this.condition();
      this.take(')');
      return { select: condition };
    }
    return { path: this.path() };
  }

  /** `.a.b[0][]?."c"` — must start with a dot. */
  path(): Step[] {
    const steps: Step[] = [];
    this.take('.');
    this.afterDot(steps, true);
    for (;;) {
      if (this.peek('.')) {
        this.take('.');
        this.afterDot(steps, false);
      } else if (this.peek('[')) {
        this.bracket(steps);
      } else if (this.peek('?')) {
        this.take('?');
      } else return steps;
    }
  }

  private afterDot(steps: Step[], first: boolean): void {
    const token = this.peek();
    if (token?.type === 'ident' && !['and', 'or'].includes(token.text)) steps.push({ field: this.take().text });
    else if (token?.type === 'string') steps.push({ field: this.take().value as string });
    else if (token?.text === '[') this.bracket(steps);
    else if (!first) throw new Error('expected a field name after "."');
  }

  private bracket(steps: Step[]): void {
    this.take('[');
    if (this.peek(']')) steps.push({ each: true });
    else {
      const token = this.take();
      if (token.type === 'number' && Number.isInteger(token.value)) steps.push({ index: token.value as number });
      else if (token.type === 'string') steps.push({ field: token.value as string });
      else throw new Error(`unsupported index "${token.text}"`);
    }
    this.take(']');
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.peek('or')) {
      this.take('or');
      left = { op: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.atom();
    while (this.peek('and')) {
      this.take('and');
      left = { op: 'and', left, right: this.atom() };
    }
    return left;
  }

  private atom(): Condition {
    let condition: Condition;
    if (this.peek('(')) {
      this.take('(');
      condition = this.condition();
      this.take(')');
    } else {
      const left = this.operand();
      const compare = this.peek('==') ?? this.peek('!=');
      if (compare) {
        this.take();
        condition = { op: compare.text as '==' | '!=', left, right: this.operand() };
      } else if (this.peek('|') && ['test', 'startswith', 'endswith', 'contains'].includes(this.tokens[this.at + 1]?.text ?? '')) {
        this.take('|');
        const op = this.take().text as 'test' | 'startswith' | 'endswith' | 'contains';
        this.take('(');
        const argument = this.take();
        if (argument.type !== 'string') throw new Error(`${op}() takes a string`);
        this.take(')');
        condition = { op, of: left, argument: argument.value as string };
      } else condition = { op: 'truthy', of: left };
    }
    while (this.peek('|') && this.tokens[this.at + 1]?.text === 'not') {
      this.take('|');
      this.take('not');
      condition = { op: 'not', of: condition };
    }
    return condition;
  }

  private operand(): Operand {
    const token = this.peek();
    if (token?.type === 'string' || token?.type === 'number') return { literal: this.take().value };
    if (token?.type === 'ident' && ['true', 'false', 'null'].includes(token.text)) {
      this.take();
      return { literal: token.text === 'null' ? null : token.text === 'true' };
    }
    return { path: this.path() };
  }
}

export type JqPaths = { ok: true; stages: Stage[] } | { ok: false; error: string };

/** Parses an expression once; `pathsOf` then runs it on each object. */
export function parseJqPaths(expression: string): JqPaths {
  try {
    const parser = new Parser(tokenize(expression));
    return { ok: true, stages: parser.pipeline() };
  } catch (error) {
    return { ok: false, error: `${(error as Error).message} (Driftless supports ${SUPPORTED_JQ})` };
  }
}

type Selected = { path: JsonPath; value: unknown };

function follow(from: Selected[], steps: readonly Step[]): Selected[] {
  let current = from;
  for (const step of steps) {
    const next: Selected[] = [];
    for (const { path, value } of current) {
      if ('field' in step) {
        if (isRecord(value) && step.field in value) next.push({ path: [...path, step.field], value: value[step.field] });
      } else if ('index' in step) {
        const index = step.index < 0 && Array.isArray(value) ? value.length + step.index : step.index;
        if (Array.isArray(value) && index >= 0 && index < value.length) next.push({ path: [...path, index], value: value[index] });
      } else if (Array.isArray(value)) value.forEach((item, i) => next.push({ path: [...path, i], value: item }));
      else if (isRecord(value)) for (const [key, item] of Object.entries(value)) next.push({ path: [...path, key], value: item });
    }
    current = next;
  }
  return current;
}

function operandValue(operand: Operand, input: unknown): unknown {
  if ('literal' in operand) return operand.literal;
  return follow([{ path: [], value: input }], operand.path)[0]?.value ?? null;
}

function holds(condition: Condition, input: unknown): boolean {
  switch (condition.op) {
    case 'and':
      return holds(condition.left, input) && holds(condition.right, input);
    case 'or':
      return holds(condition.left, input) || holds(condition.right, input);
    case 'not':
      return !holds(condition.of, input);
    case '==':
    case '!=':
      return deepEqual(operandValue(condition.left, input), operandValue(condition.right, input)) === (condition.op === '==');
    case 'truthy': {
      const value = operandValue(condition.of, input);
      return value !== null && value !== false;
    }
    default: {
      const value = operandValue(condition.of, input);
      if (typeof value !== 'string') return false;
      if (condition.op === 'startswith') return value.startsWith(condition.argument);
      if (condition.op === 'endswith') return value.endsWith(condition.argument);
      if (condition.op === 'contains') return value.includes(condition.argument);
      try {
        return new RegExp(condition.argument).test(value);
      } catch {
        return false;
      }
    }
  }
}

/** The paths of `object` the expression selects (existing values only). */
export function pathsOf(parsed: Extract<JqPaths, { ok: true }>, object: unknown): JsonPath[] {
  let selected: Selected[] = [{ path: [], value: object }];
  for (const stage of parsed.stages)
    selected = 'select' in stage ? selected.filter(({ value }) => holds(stage.select, value)) : follow(selected, stage.path);
  return selected.map((s) => s.path).filter((path) => path.length > 0);
}
