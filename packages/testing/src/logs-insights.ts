/*
 * An evaluator for the subset of the CloudWatch Logs Insights query language that the saved
 * invocation-log queries use, run in memory over parsed log records. Anything outside the subset
 * throws, so a query the evaluator does not understand fails a test instead of matching silently.
 *
 * Commands (one per `|`; lines starting with `#` are comments):
 * - `fields f, g as alias`: the result columns (added to any earlier ones);
 * - `filter <condition>`: `ispresent(f)`, `f <op> <literal>` (`=`, `!=`, `<`, `<=`, `>`, `>=`;
 *   a number or a quoted string), combined with `and`, `or`, `not` and parentheses;
 * - `stats <aggregate> [as alias], ... [by <group> [as alias], ...]`: aggregates `count(*)`,
 *   `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`; groups are fields or `bin(<n>s|m|h|d)`;
 * - `sort f asc|desc[, g asc|desc]` (the direction is required);
 * - `limit n`.
 *
 * Fields are dotted paths into the record (`input.inputTokenCount`), as Logs Insights discovers
 * them in JSON events; a top-level `inputTokenCount` is a different field and is absent from
 * Bedrock's records. The record's own `timestamp` stands in for `@timestamp` (ingestion time).
 */

/** A parsed log event: one JSON object. */
export type LogRecord = Record<string, unknown>;

/** A result row: column to value, `null` where Logs Insights shows an empty cell. */
export type Row = Record<string, string | number | null>;

/** The value at a dotted path (`input.inputTokenCount`), or `undefined` if any step is missing. */
export function valueAt(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A field of a record or of an intermediate row: a column of that name if there is one (a `fields`
 * alias or a `stats` output), otherwise the dotted path into the record.
 */
export function fieldValue(item: LogRecord, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(item, name)) return item[name];
  if (name === '@timestamp') return item.timestamp;
  return valueAt(item, name);
}

/** Splits on commas that are outside parentheses and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0 && !quote) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `expr as alias` split into its parts (`alias` is absent without `as`). */
export function aliasOf(expr: string): { expr: string; alias?: string } {
  const m = /^(.*?)\s+as\s+(\w+)$/.exec(expr.trim());
  return m ? { expr: m[1].trim(), alias: m[2] } : { expr: expr.trim() };
}

const BIN_UNITS: Readonly<Record<string, { ms: number; chars: number }>> = {
  s: { ms: 1000, chars: 19 }, // 2026-11-03T09:30:00
  m: { ms: 60_000, chars: 16 }, // 2026-11-03T09:30
  h: { ms: 3_600_000, chars: 16 }, // 2026-11-03T09:00
  d: { ms: 86_400_000, chars: 10 }, // 2026-11-03
};

/**
 * The `bin(unit)` key of a record's time, e.g. `2026-11-03T09:00` for `1h` and `2026-11-03` for
 * `1d` (UTC). Throws for units other than `<n>s`, `<n>m`, `<n>h`, `<n>d` and for a record without
 * a parseable time.
 */
export function binKey(record: LogRecord, unit: string): string {
  const m = /^(\d+)([smhd])$/.exec(unit);
  if (!m || Number(m[1]) === 0) throw new Error(`unsupported bin(${unit})`);
  const { ms, chars } = BIN_UNITS[m[2]];
  const raw = fieldValue(record, '@timestamp');
  const time = typeof raw === 'string' || typeof raw === 'number' ? Date.parse(String(raw)) : NaN;
  if (Number.isNaN(time)) throw new Error(`bin(${unit}): record has no time (${String(raw)})`);
  const size = ms * Number(m[1]);
  return new Date(Math.floor(time / size) * size).toISOString().slice(0, chars);
}

/** The commands of a query, without comment lines, split on `|` outside quotes. */
export function commands(query: string): string[] {
  const text = query
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  const parts: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    if (ch === '|' && !quote) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((c) => c.trim()).filter((c) => c.length > 0);
}

/** A value as a result cell: strings and numbers as they are, booleans as text, else empty. */
function toCell(value: unknown): string | number | null {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return String(value);
  return null;
}

const FIELD = /^[@\w][\w.@]*$/;

function field(text: string, context: string): string {
  if (!FIELD.test(text)) throw new Error(`unsupported field in ${context}: ${text}`);
  return text;
}

// ----- filter conditions ---------------------------------------------------------------------

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

// ----- stats ---------------------------------------------------------------------------------

function numbersOf(members: readonly LogRecord[], name: string): number[] {
  return members.map((r) => fieldValue(r, name)).filter((v): v is number => typeof v === 'number');
}

function aggregate(expr: string): (members: readonly LogRecord[]) => number | null {
  const m = /^(count|sum|avg|min|max)\(\s*([^)]*?)\s*\)$/.exec(expr);
  if (!m) throw new Error(`unsupported aggregate: ${expr}`);
  const [, fn, arg] = m;
  if (fn === 'count' && arg === '*') return (members) => members.length;
  const name = field(arg, expr);
  // Like Logs Insights, the aggregates skip records without the field; none at all gives null.
  switch (fn) {
    case 'count':
      return (members) =>
        members.filter((r) => fieldValue(r, name) !== undefined && fieldValue(r, name) !== null)
          .length;
    case 'sum':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? v.reduce((x, y) => x + y, 0) : null;
      };
    case 'avg':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? v.reduce((x, y) => x + y, 0) / v.length : null;
      };
    case 'min':
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? Math.min(...v) : null;
      };
    default:
      return (members) => {
        const v = numbersOf(members, name);
        return v.length > 0 ? Math.max(...v) : null;
      };
  }
}

function stats(rest: string, items: readonly LogRecord[]): { rows: Row[]; columns: string[] } {
  const [aggText, byText, extra] = rest.split(/\s+by\s+/);
  if (extra !== undefined || !aggText.trim()) throw new Error(`unsupported stats: ${rest}`);
  const aggs = splitTopLevel(aggText)
    .map(aliasOf)
    .map((a) => ({ column: a.alias ?? a.expr, fn: aggregate(a.expr) }));
  const groups = splitTopLevel(byText ?? '')
    .map(aliasOf)
    .map((g) => {
      const bin = /^bin\(\s*(\w+)\s*\)$/.exec(g.expr);
      const name = bin ? undefined : field(g.expr, `stats ... by ${byText}`);
      const key = bin
        ? (record: LogRecord) => binKey(record, bin[1])
        : (record: LogRecord) => toCell(fieldValue(record, name!));
      return { column: g.alias ?? g.expr, key };
    });
  const buckets = new Map<string, { key: Row; members: LogRecord[] }>();
  for (const record of items) {
    const key: Row = {};
    for (const g of groups) key[g.column] = g.key(record);
    const id = JSON.stringify(key);
    if (!buckets.has(id)) buckets.set(id, { key, members: [] });
    buckets.get(id)!.members.push(record);
  }
  const rows = [...buckets.values()].map(({ key, members }) => {
    const row: Row = { ...key };
    for (const a of aggs) row[a.column] = a.fn(members);
    return row;
  });
  return { rows, columns: [...groups.map((g) => g.column), ...aggs.map((a) => a.column)] };
}

// ----- sort ----------------------------------------------------------------------------------

/** Ascending order: empty cells first, then text, then numbers (as Logs Insights sorts). */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === undefined || v === null ? 0 : typeof v === 'number' ? 2 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const x = ra === 2 ? (a as number) : String(a);
  const y = rb === 2 ? (b as number) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sorter(rest: string): (a: LogRecord, b: LogRecord) => number {
  const keys = splitTopLevel(rest).map((part) => {
    const m = /^(\S+)\s+(asc|desc)$/i.exec(part);
    if (!m) throw new Error(`unsupported sort (a field and asc or desc): ${part}`);
    return { name: field(m[1], `sort ${rest}`), sign: m[2].toLowerCase() === 'asc' ? 1 : -1 };
  });
  if (keys.length === 0) throw new Error('sort without a field');
  return (a, b) => {
    for (const { name, sign } of keys) {
      const c = compareValues(fieldValue(a, name), fieldValue(b, name));
      if (c !== 0) return sign * c;
    }
    return 0;
  };
}

// ----- the evaluator -------------------------------------------------------------------------

/**
 * Runs a Logs Insights query over records and returns the result rows. Without `fields` or
 * `stats` the rows hold `@timestamp` and `@message` (the record as JSON), as in the console.
 * Throws on any command, function or syntax outside the supported subset.
 */
export function evaluateLogsInsights(query: string, records: readonly LogRecord[]): Row[] {
  let items: LogRecord[] = [...records];
  let columns: string[] | undefined;
  for (const command of commands(query)) {
    const [verb] = command.split(/\s+/, 1);
    const rest = command.slice(verb.length).trim();
    switch (verb) {
      case 'fields': {
        const parts = splitTopLevel(rest).map(aliasOf);
        if (parts.length === 0) throw new Error('fields without a field');
        const added = parts.map((p) => ({ name: field(p.expr, command), column: p.alias }));
        items = items.map((item) => {
          const extended = { ...item };
          for (const a of added) if (a.column) extended[a.column] = fieldValue(item, a.name);
          return extended;
        });
        columns = [...(columns ?? []), ...added.map((a) => a.column ?? a.name)];
        break;
      }
      case 'filter': {
        const condition = parseFilterCondition(rest);
        items = items.filter(condition);
        break;
      }
      case 'stats': {
        const result = stats(rest, items);
        items = result.rows;
        columns = result.columns;
        break;
      }
      case 'sort':
        items = [...items].sort(sorter(rest));
        break;
      case 'limit': {
        if (!/^\d+$/.test(rest) || Number(rest) === 0)
          throw new Error(`unsupported limit: ${rest}`);
        items = items.slice(0, Number(rest));
        break;
      }
      default:
        throw new Error(`unsupported command: ${verb}`);
    }
  }
  if (!columns) {
    return items.map((item) => ({
      '@timestamp': toCell(fieldValue(item, '@timestamp')),
      '@message': JSON.stringify(item),
    }));
  }
  const cols = columns;
  return items.map((item) => Object.fromEntries(cols.map((c) => [c, toCell(fieldValue(item, c))])));
}
