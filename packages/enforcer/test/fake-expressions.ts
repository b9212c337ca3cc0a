import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * A small interpreter of DynamoDB update and condition expressions for the in-memory table: the
 * subset the enforcer writes, and an error for anything else (so an expression the fake cannot
 * evaluate fails the test instead of passing silently).
 *
 * Update: `SET p = :v | if_not_exists(p, :v), …`, `ADD p :v, …` (numbers and sets),
 * `DELETE p :v, …` (sets), `REMOVE p, …`.
 * Condition: `attribute_exists(p)`, `attribute_not_exists(p)`, `contains(p, :v)`,
 * `p = | <> operand`, `NOT`, `AND`, `OR`, parentheses. `p` is `#name` or a bare name.
 */

export type Item = Record<string, AttributeValue>;

export interface ExpressionContext {
  readonly item: Item | undefined;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

const TOKEN = /\s*(#?\w+|:\w+|<>|[=(),])/y;

const tokenized = new Map<string, readonly string[]>();

/** The tokens of an expression (memoized: the enforcer sends a handful of distinct texts). */
function tokenize(text: string): readonly string[] {
  let tokens = tokenized.get(text);
  if (tokens === undefined) {
    tokens = scan(text);
    tokenized.set(text, tokens);
  }
  return tokens;
}

function scan(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`fake DynamoDB: cannot read '${text.slice(at).trim()}' in '${text}'`);
    tokens.push(m[1]);
  }
  return tokens;
}

function nameOf(token: string, ctx: ExpressionContext): string {
  if (token.startsWith('#')) {
    const name = ctx.names[token];
    if (name === undefined)
      throw new Error(`fake DynamoDB: no ExpressionAttributeNames entry ${token}`);
    return name;
  }
  if (!/^[A-Za-z]\w*$/.test(token))
    throw new Error(`fake DynamoDB: not an attribute name: ${token}`);
  return token;
}

function valueOf(token: string, ctx: ExpressionContext): AttributeValue {
  const value = ctx.values[token];
  if (value === undefined)
    throw new Error(`fake DynamoDB: no ExpressionAttributeValues entry ${token}`);
  return value;
}

function operand(token: string, ctx: ExpressionContext): AttributeValue | undefined {
  return token.startsWith(':') ? valueOf(token, ctx) : ctx.item?.[nameOf(token, ctx)];
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

const normalizeNumber = (n: string): string => String(Number(n));

/** Evaluates a condition against the current item; no condition is true. */
export function evaluateCondition(text: string | undefined, ctx: ExpressionContext): boolean {
  if (text === undefined) return true;
  const tokens = tokenize(text);
  let i = 0;
  const expect = (t: string): void => {
    if (tokens[i++] !== t) throw new Error(`fake DynamoDB: expected '${t}' in '${text}'`);
  };
  const primary = (): boolean => {
    const t = tokens[i++];
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t === 'attribute_exists' || t === 'attribute_not_exists' || t === 'contains') {
      expect('(');
      const path = nameOf(tokens[i++], ctx);
      const current = ctx.item?.[path];
      if (t !== 'contains') {
        expect(')');
        return (current !== undefined) === (t === 'attribute_exists');
      }
      expect(',');
      const needle = operand(tokens[i++], ctx);
      expect(')');
      if (current?.SS && needle?.S !== undefined) return current.SS.includes(needle.S);
      if (current?.NS && needle?.N !== undefined) {
        return current.NS.map(normalizeNumber).includes(normalizeNumber(needle.N));
      }
      if (current?.S !== undefined && needle?.S !== undefined) return current.S.includes(needle.S);
      return false;
    }
    const left = operand(t, ctx);
    const op = tokens[i++];
    const right = operand(tokens[i++], ctx);
    if (op === '=') return equal(left, right);
    if (op === '<>') return !equal(left, right);
    throw new Error(`fake DynamoDB: unsupported operator '${op}' in '${text}'`);
  };
  const not = (): boolean => {
    if (tokens[i] === 'NOT') {
      i++;
      return !not();
    }
    return primary();
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === 'AND') {
      i++;
      v = not() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === 'OR') {
      i++;
      v = and() || v;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length)
    throw new Error(`fake DynamoDB: trailing '${tokens.slice(i).join(' ')}' in '${text}'`);
  return result;
}

const CLAUSES = new Set(['SET', 'ADD', 'DELETE', 'REMOVE']);

function add(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (value.N !== undefined) {
    if (current !== undefined && current.N === undefined)
      throw new Error('fake DynamoDB: ADD to a non-number');
    return { N: String(Number(current?.N ?? 0) + Number(value.N)) };
  }
  if (value.NS !== undefined) {
    const set = new Set([...(current?.NS ?? []), ...value.NS].map(normalizeNumber));
    return { NS: [...set] };
  }
  if (value.SS !== undefined) return { SS: [...new Set([...(current?.SS ?? []), ...value.SS])] };
  throw new Error('fake DynamoDB: ADD takes a number or a set');
}

/** Applies an update expression to `ctx.item` in place. */
export function applyUpdate(text: string, ctx: ExpressionContext & { item: Item }): void {
  const tokens = tokenize(text);
  let i = 0;
  const item = ctx.item;
  while (i < tokens.length) {
    const clause = tokens[i++];
    if (!CLAUSES.has(clause))
      throw new Error(`fake DynamoDB: expected SET/ADD/DELETE/REMOVE in '${text}'`);
    do {
      const path = nameOf(tokens[i++], ctx);
      if (clause === 'SET') {
        if (tokens[i++] !== '=') throw new Error(`fake DynamoDB: expected '=' in '${text}'`);
        if (tokens[i] === 'if_not_exists') {
          i += 2;
          const other = nameOf(tokens[i++], ctx);
          i++;
          const fallback = valueOf(tokens[i++], ctx);
          i++;
          item[path] = item[other] ?? fallback;
        } else {
          item[path] = valueOf(tokens[i++], ctx);
        }
      } else if (clause === 'ADD') {
        item[path] = add(item[path], valueOf(tokens[i++], ctx));
      } else if (clause === 'DELETE') {
        const value = valueOf(tokens[i++], ctx);
        const current = item[path];
        if (current?.NS && value.NS) {
          const drop = new Set(value.NS.map(normalizeNumber));
          const left = current.NS.filter((n) => !drop.has(normalizeNumber(n)));
          if (left.length > 0) item[path] = { NS: left };
          else delete item[path];
        } else if (current?.SS && value.SS) {
          const left = current.SS.filter((s) => !value.SS!.includes(s));
          if (left.length > 0) item[path] = { SS: left };
          else delete item[path];
        } else if (current !== undefined) {
          throw new Error('fake DynamoDB: DELETE takes a set of the attribute type');
        }
      } else {
        delete item[path];
      }
    } while (tokens[i] === ',' && ++i);
  }
}
