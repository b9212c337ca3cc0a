/*
 * `filter` conditions of the Logs Insights subset (see logs-insights.ts): comparisons with a
 * literal, `ispresent`, `and`/`or`/`not` and parentheses, parsed into a predicate over records.
 */
import { LogRecord, fieldValue } from './logs-insights-syntax';

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; text: string }
  | { kind: 'paren'; text: '(' | ')' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const str = /^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'/.exec(rest);
    if (str) {
      const body = str[1] ?? str[2];
      tokens.push({ kind: 'string', value: body.replace(/\\(.)/g, '$1') });
      i += str[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const op = /^(?:!=|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] });
      i += op[0].length;
      continue;
    }
    if (rest[0] === '(' || rest[0] === ')') {
      tokens.push({ kind: 'paren', text: rest[0] });
      i += 1;
      continue;
    }
    const word = /^[@\w][\w.@]*/.exec(rest) ?? /^`([^`]+)`/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[1] ?? word[0] });
      i += word[0].length;
      continue;
    }
    throw new Error(`unsupported filter syntax at: ${rest}`);
  }
  return tokens;
}

type Condition = (item: LogRecord) => boolean;

function compare(actual: unknown, op: string, expected: string | number): boolean {
  // A missing field, or one of another type, satisfies no comparison (not even `!=`).
  if (typeof actual !== typeof expected) return false;
  const a = actual as string | number;
  switch (op) {
    case '=':
      return a === expected;
    case '!=':
      return a !== expected;
    case '<':
      return a < expected;
    case '<=':
      return a <= expected;
    case '>':
      return a > expected;
    case '>=':
      return a >= expected;
    default:
      throw new Error(`unsupported operator ${op}`);
  }
}

/** Parses a `filter` condition into a predicate; throws on anything outside the subset. */
export function parseFilterCondition(text: string): Condition {
  const tokens = tokenize(text);
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`unsupported filter: ${text} (${why})`);
  };
  const isWord = (t: Token | undefined, w: string) =>
    t?.kind === 'word' && t.text.toLowerCase() === w;

  function or(): Condition {
    let left = and();
    while (isWord(tokens[pos], 'or')) {
      pos++;
      const l = left;
      const r = and();
      left = (item) => l(item) || r(item);
    }
    return left;
  }
  function and(): Condition {
    let left = not();
    while (isWord(tokens[pos], 'and')) {
      pos++;
      const l = left;
      const r = not();
      left = (item) => l(item) && r(item);
    }
    return left;
  }
  function not(): Condition {
    if (isWord(tokens[pos], 'not')) {
      pos++;
      const inner = not();
      return (item) => !inner(item);
    }
    return primary();
  }
  function primary(): Condition {
    const t = tokens[pos++];
    if (!t) return fail('unexpected end');
    if (t.kind === 'paren' && t.text === '(') {
      const inner = or();
      const close = tokens[pos++];
      if (close?.kind !== 'paren' || close.text !== ')') fail('missing )');
      return inner;
    }
    if (t.kind !== 'word') return fail(`unexpected ${JSON.stringify(t)}`);
    const next = tokens[pos];
    if (next?.kind === 'paren' && next.text === '(') {
      if (t.text.toLowerCase() !== 'ispresent') fail(`function ${t.text}`);
      const arg = tokens[pos + 1];
      const close = tokens[pos + 2];
      if (arg?.kind !== 'word' || close?.kind !== 'paren' || close.text !== ')') {
        fail('ispresent takes one field');
      }
      pos += 3;
      const name = (arg as { text: string }).text;
      return (item) => fieldValue(item, name) !== undefined && fieldValue(item, name) !== null;
    }
    if (next?.kind !== 'op') return fail(`expected a comparison after ${t.text}`);
    const literal = tokens[pos + 1];
    if (literal?.kind !== 'string' && literal?.kind !== 'number') {
      return fail(`expected a number or quoted string after ${t.text} ${next.text}`);
    }
    pos += 2;
    const name = t.text;
    return (item) => compare(fieldValue(item, name), next.text, literal.value);
  }

  const condition = or();
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos])}`);
  return condition;
}
