/*
 * An evaluator for CloudWatch Logs metric filters with JSON filter patterns, run in memory over
 * parsed log records. The supported subset (anything else throws, so a pattern the evaluator does
 * not understand fails a test instead of matching silently):
 *
 *   { $.a.b = "text" }     quoted strings (JSON escapes), `*` matches any run of characters;
 *   { $.a != "x*" }        `=` and `!=` only on strings;
 *   { $.a.b >= 0 }         numbers with `=`, `!=`, `<`, `<=`, `>`, `>=`;
 *   { $.a = bare-word }    unquoted strings (not IS, NOT, EXISTS, NULL, TRUE, FALSE);
 *   { ($.a = 1 && $.b = "x") || $.c > 2 }   `&&` binds tighter than `||`; parentheses group;
 *   $.list[0].name         array elements by index.
 *
 * A record without the selected property, or with a value of the other type (a string where the
 * pattern has a number, or the reverse), matches no comparison, not even `!=`.
 */

export type MetricFilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** `$.path <op> value`: the property path (array indices as strings), operator and value. */
export interface MetricFilterComparison {
  readonly kind: 'comparison';
  readonly path: readonly string[];
  readonly op: MetricFilterOperator;
  readonly value: string | number;
}

/** `left && right` or `left || right`. */
export interface MetricFilterJunction {
  readonly kind: 'and' | 'or';
  readonly left: MetricFilterExpression;
  readonly right: MetricFilterExpression;
}

/** A parsed JSON filter pattern. */
export type MetricFilterExpression = MetricFilterComparison | MetricFilterJunction;

/** A metric filter as `PutMetricFilter` takes it (one metric transformation). */
export interface MetricFilterDefinition {
  readonly pattern: string;
  /** `metricValue`: a number published per match (`1`) or `$.path` of a numeric property. */
  readonly metricTransformation: { readonly metricValue: string };
}

export interface MetricFilterResult<T> {
  /** The records the pattern matches, in input order. */
  readonly matched: T[];
  /** The metric's sum over the matched records (0 when nothing matched). */
  readonly value: number;
}

type Token =
  | { kind: 'selector'; path: string[] }
  | { kind: 'op'; text: MetricFilterOperator }
  | { kind: 'junction'; text: '&&' | '||' }
  | { kind: 'paren'; text: '(' | ')' }
  | { kind: 'value'; value: string | number };

const KEYWORDS = new Set(['IS', 'NOT', 'EXISTS', 'NULL', 'TRUE', 'FALSE']);

/** `$.a.b[0].c` as `['a', 'b', '0', 'c']`, or `undefined` if it is not a selector. */
function parseSelector(text: string): string[] | undefined {
  if (!/^\$(?:\.[A-Za-z0-9_]+|\[\d+\])+$/.test(text)) return undefined;
  return [...text.slice(1).matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2]);
}

function tokenize(body: string, pattern: string): Token[] {
  const fail = (why: string): never => {
    throw new Error(`pattern outside the supported subset: ${pattern} (${why})`);
  };
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const rest = body.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) {
      // whitespace
    } else if ((m = /^"(?:[^"\\]|\\.)*"/.exec(rest))) {
      tokens.push({ kind: 'value', value: JSON.parse(m[0]) as string });
    } else if ((m = /^(?:&&|\|\|)/.exec(rest))) {
      tokens.push({ kind: 'junction', text: m[0] as '&&' | '||' });
    } else if ((m = /^(?:!=|<=|>=|=|<|>)/.exec(rest))) {
      tokens.push({ kind: 'op', text: m[0] as MetricFilterOperator });
    } else if ((m = /^[()]/.exec(rest))) {
      tokens.push({ kind: 'paren', text: m[0] as '(' | ')' });
    } else if ((m = /^[^\s()&|"=!<>{}]+/.exec(rest))) {
      const word = m[0];
      if (word.startsWith('$')) {
        const path = parseSelector(word);
        if (!path) fail(`selector ${word}`);
        tokens.push({ kind: 'selector', path: path! });
      } else if (/^-?\d+(?:\.\d+)?$/.test(word)) {
        tokens.push({ kind: 'value', value: Number(word) });
      } else if (KEYWORDS.has(word.toUpperCase())) {
        fail(`keyword ${word}`);
      } else {
        tokens.push({ kind: 'value', value: word });
      }
    } else {
      fail(`unexpected ${JSON.stringify(rest[0])}`);
    }
    i += m![0].length;
  }
  return tokens;
}

/**
 * Parses a JSON filter pattern (`{ ... }`). Throws for term patterns (`ERROR`), space-delimited
 * patterns (`[ip, user, ...]`), the empty pattern and anything else outside the subset.
 */
export function parseMetricFilterPattern(pattern: string): MetricFilterExpression {
  const fail = (why: string): never => {
    throw new Error(`pattern outside the supported subset: ${pattern} (${why})`);
  };
  const outer = /^\s*\{([\s\S]*)\}\s*$/.exec(pattern);
  if (!outer) return fail('only JSON patterns "{ ... }" are supported');
  const tokens = tokenize(outer[1], pattern);
  let pos = 0;

  function or(): MetricFilterExpression {
    let left = and();
    while (tokens[pos]?.kind === 'junction' && (tokens[pos] as { text: string }).text === '||') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): MetricFilterExpression {
    let left = primary();
    while (tokens[pos]?.kind === 'junction' && (tokens[pos] as { text: string }).text === '&&') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  }
  function primary(): MetricFilterExpression {
    const t = tokens[pos++];
    if (!t) return fail('unexpected end');
    if (t.kind === 'paren' && t.text === '(') {
      const inner = or();
      const close = tokens[pos++];
      if (close?.kind !== 'paren' || close.text !== ')') fail('missing )');
      return inner;
    }
    if (t.kind !== 'selector') return fail(`expected $.property, got ${JSON.stringify(t)}`);
    const op = tokens[pos++];
    if (op?.kind !== 'op') return fail(`expected an operator after $.${t.path.join('.')}`);
    const value = tokens[pos++];
    if (value?.kind !== 'value') return fail(`expected a value after ${op.text}`);
    if (typeof value.value === 'string' && op.text !== '=' && op.text !== '!=') {
      fail(`operator ${op.text} on a string`);
    }
    return { kind: 'comparison', path: t.path, op: op.text, value: value.value };
  }

  if (tokens.length === 0) fail('empty pattern');
  const expression = or();
  if (pos !== tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos])}`);
  return expression;
}

function at(record: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (cur, key) =>
      cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined,
    record,
  );
}

function matchesComparison(record: unknown, c: MetricFilterComparison): boolean {
  const actual = at(record, c.path);
  if (typeof c.value === 'string') {
    if (typeof actual !== 'string') return false; // absent properties never match
    const escaped = c.value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    const equal = new RegExp(`^${escaped}$`, 's').test(actual);
    return c.op === '=' ? equal : !equal;
  }
  if (typeof actual !== 'number') return false;
  switch (c.op) {
    case '=':
      return actual === c.value;
    case '!=':
      return actual !== c.value;
    case '>=':
      return actual >= c.value;
    case '<=':
      return actual <= c.value;
    case '>':
      return actual > c.value;
    case '<':
      return actual < c.value;
  }
}

function evaluate(record: unknown, e: MetricFilterExpression): boolean {
  switch (e.kind) {
    case 'comparison':
      return matchesComparison(record, e);
    case 'and':
      return evaluate(record, e.left) && evaluate(record, e.right);
    case 'or':
      return evaluate(record, e.left) || evaluate(record, e.right);
  }
}

/** Whether a record matches a pattern (text, parsed here, or already parsed). */
export function matchesMetricFilter(
  record: unknown,
  pattern: string | MetricFilterExpression,
): boolean {
  return evaluate(
    record,
    typeof pattern === 'string' ? parseMetricFilterPattern(pattern) : pattern,
  );
}

/**
 * The value a metric transformation publishes for one matched record: the constant for a number
 * (`1`), the property for `$.path` (`undefined`, publishing nothing, when it is absent or not a
 * number). Throws for any other metric value.
 */
export function metricValueOf(metricValue: string): (record: unknown) => number | undefined {
  if (/^-?\d+(?:\.\d+)?$/.test(metricValue.trim())) {
    const constant = Number(metricValue);
    return () => constant;
  }
  const path = parseSelector(metricValue.trim());
  if (!path) throw new Error(`unsupported metric value: ${metricValue} (a number or $.path)`);
  return (record) => {
    const v = at(record, path);
    return typeof v === 'number' ? v : undefined;
  };
}

/** Applies a metric filter to records: the records it matches and the sum of the metric. */
export function applyMetricFilter<T>(
  filter: MetricFilterDefinition,
  records: readonly T[],
): MetricFilterResult<T> {
  const expression = parseMetricFilterPattern(filter.pattern);
  const valueOf = metricValueOf(filter.metricTransformation.metricValue);
  const matched = records.filter((r) => evaluate(r, expression));
  const value = matched.reduce((sum, r) => sum + (valueOf(r) ?? 0), 0);
  return { matched, value };
}
