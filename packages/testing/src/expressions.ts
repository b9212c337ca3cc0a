/*
 * An evaluator for the Terraform expressions that for_each resources synthesize, run in memory: a
 * `for_each` over a local, and the resource's arguments for each instance (`each.key`,
 * `each.value.<field>`, `local.<name>`, indexing and `lookup`), so a test can check what Terraform
 * would create from the synthesized JSON. Anything outside that subset throws, as do the errors
 * Terraform itself would raise (an absent local, attribute or map key).
 *
 * Supported inside `${...}`: `each.key`, `each.value`, `local.<name>`, attribute access `.a`,
 * indexing `[<expr>]`, string and number literals, `lookup(map, key)` and
 * `lookup(map, key, default)`. Templates may mix text and interpolations; `$${` is a literal `${`.
 */

/** The `each` object of one for_each instance. */
export interface EachObject {
  readonly key: string;
  readonly value: unknown;
}

/** What an expression can refer to: the module's locals, and `each` inside a for_each resource. */
export interface ExpressionScope {
  readonly locals?: Record<string, unknown>;
  readonly each?: EachObject;
}

/** A local's name as cdktf renders it. */
const LOCAL_NAME = '[A-Za-z_][A-Za-z0-9_-]*';

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of `local.<name>`; throws when the configuration has no such local. */
export function localValue(locals: Record<string, unknown> | undefined, name: string): unknown {
  if (!locals || !has(locals, name)) {
    throw new Error(`no local ${name} (locals: ${Object.keys(locals ?? {}).join(', ')})`);
  }
  return locals[name];
}

/**
 * The name of the local a whole-string `${local.<name>}` refers to (what cdktf renders for a
 * `for_each` over a `TerraformLocal`). Throws on any other form, an inline map included.
 */
export function forEachLocal(forEach: unknown): string {
  const match =
    typeof forEach === 'string'
      ? new RegExp(`^\\$\\{local\\.(${LOCAL_NAME})\\}$`).exec(forEach)
      : null;
  if (!match) throw new Error(`for_each is not a reference to a local: ${JSON.stringify(forEach)}`);
  return match[1];
}

/**
 * The map a whole-string `${local.<name>}` refers to. Throws on any other form (an inline map
 * included), a missing local or a local that is not a map.
 */
export function forEachMap(
  forEach: unknown,
  locals: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const name = forEachLocal(forEach);
  const value = localValue(locals, name);
  if (!isMap(value)) throw new Error(`local ${name} is not a map: ${JSON.stringify(value)}`);
  return value;
}

/** Terraform's `lookup(map, key[, default])`: without a default, a missing key is an error. */
export function lookup(map: unknown, key: unknown, ...fallback: [unknown?]): unknown {
  if (!isMap(map)) throw new Error(`lookup: not a map: ${JSON.stringify(map)}`);
  if (typeof key !== 'string') throw new Error(`lookup: key is not a string: ${String(key)}`);
  if (has(map, key)) return map[key];
  if (fallback.length > 0) return fallback[0];
  throw new Error(`lookup: no key ${JSON.stringify(key)} in ${JSON.stringify(map)}`);
}

// ----- expressions ---------------------------------------------------------------------------

type Token = { kind: 'name' | 'string' | 'number' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_][A-Za-z0-9_-]*)|"((?:[^"\\]|\\.)*)"|(\d+)|([.,()[\]]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    pattern.lastIndex = pos;
    const m = pattern.exec(text);
    if (!m) throw new Error(`unsupported expression: ${text} (at ${text.slice(pos)})`);
    pos = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'name', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(`"${m[2]}"`) });
    else if (m[3] !== undefined) tokens.push({ kind: 'number', text: m[3] });
    else tokens.push({ kind: 'punct', text: m[4] });
  }
  return tokens;
}

/** Evaluates one expression (the text inside `${...}`). */
export function evaluateExpression(text: string, scope: ExpressionScope): unknown {
  const tokens = tokenize(text);
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`unsupported expression: ${text} (${why})`);
  };
  const expect = (punct: string) => {
    const t = tokens[pos++];
    if (t?.kind !== 'punct' || t.text !== punct) fail(`expected ${punct}`);
  };
  const attribute = (value: unknown, name: string, path: string): unknown => {
    if (!isMap(value) || !has(value, name)) {
      throw new Error(`${path} has no attribute ${name}: ${JSON.stringify(value)}`);
    }
    return value[name];
  };
  const index = (value: unknown, key: unknown, path: string): unknown => {
    if (Array.isArray(value) && typeof key === 'number' && key < value.length) return value[key];
    if (isMap(value) && typeof key === 'string' && has(value, key)) return value[key];
    throw new Error(`${path}[${JSON.stringify(key)}]: no such element in ${JSON.stringify(value)}`);
  };

  function root(name: string): { value: unknown; path: string } {
    if (name === 'local') {
      expect('.');
      const local = tokens[pos++];
      if (local?.kind !== 'name') fail('local without a name');
      return { value: localValue(scope.locals, local.text), path: `local.${local.text}` };
    }
    if (name === 'each') {
      if (!scope.each) throw new Error(`${text}: each is only available in a for_each resource`);
      expect('.');
      const attr = tokens[pos++];
      if (attr?.text !== 'key' && attr?.text !== 'value') fail('each has only key and value');
      return { value: scope.each[attr.text as 'key' | 'value'], path: `each.${attr.text}` };
    }
    return fail(`unknown name ${name}`);
  }

  function expression(): unknown {
    const t = tokens[pos++];
    if (!t) return fail('unexpected end');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind !== 'name') return fail(`unexpected ${t.text}`);
    if (tokens[pos]?.text === '(') {
      if (t.text !== 'lookup') fail(`function ${t.text}`);
      pos++;
      const args = [expression()];
      while (tokens[pos]?.text === ',') {
        pos++;
        args.push(expression());
      }
      expect(')');
      if (args.length !== 2 && args.length !== 3) fail('lookup takes 2 or 3 arguments');
      return lookup(args[0], args[1], ...(args.slice(2) as [unknown?]));
    }
    let { value, path } = root(t.text);
    for (;;) {
      const next = tokens[pos];
      if (next?.kind === 'punct' && next.text === '.') {
        pos++;
        const name = tokens[pos++];
        if (name?.kind !== 'name') fail('expected an attribute name');
        value = attribute(value, name.text, path);
        path = `${path}.${name.text}`;
      } else if (next?.kind === 'punct' && next.text === '[') {
        pos++;
        const key = expression();
        expect(']');
        value = index(value, key, path);
        path = `${path}[${JSON.stringify(key)}]`;
      } else return value;
    }
  }

  const value = expression();
  if (pos !== tokens.length) fail(`unexpected ${tokens[pos].text}`);
  return value;
}

// ----- templates -----------------------------------------------------------------------------

/** The index of the `}` that closes the interpolation whose body starts at `start`. */
function closingBrace(template: string, start: number): number {
  let depth = 0;
  for (let i = start; i < template.length; i++) {
    const ch = template[i];
    if (ch === '"') {
      for (i++; i < template.length && template[i] !== '"'; i++) if (template[i] === '\\') i++;
    } else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error(`unterminated interpolation in ${template}`);
}

/**
 * Evaluates a string as Terraform does: a whole-string `${expr}` yields the expression's value
 * (a map stays a map); text with interpolations yields a string. Throws on template directives
 * (`%{...}`), on an interpolation of a map or list into text, and as `evaluateExpression` does.
 */
export function evaluateTemplate(template: string, scope: ExpressionScope = {}): unknown {
  const whole = /^\$\{([\s\S]*)\}$/.exec(template);
  if (whole && closingBrace(template, 2) === template.length - 1) {
    return evaluateExpression(whole[1], scope);
  }
  let out = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      out += template.slice(i + 1, i + 3);
      i += 3;
    } else if (template.startsWith('%{', i)) {
      throw new Error(`unsupported template directive in ${template}`);
    } else if (template.startsWith('${', i)) {
      const end = closingBrace(template, i + 2);
      const value = evaluateExpression(template.slice(i + 2, end), scope);
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new Error(`cannot include ${JSON.stringify(value)} in the text of ${template}`);
      }
      out += String(value);
      i = end + 1;
    } else out += template[i++];
  }
  return out;
}

/** Evaluates every string inside a value (objects and lists included) with `evaluateTemplate`. */
export function evaluateValue(value: unknown, scope: ExpressionScope = {}): unknown {
  if (typeof value === 'string') return evaluateTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateValue(v, scope)]));
  }
  return value;
}

/** Meta-arguments and cdktf metadata, which are not arguments of an instance. */
const META = new Set(['//', 'for_each', 'count', 'depends_on', 'lifecycle', 'provider']);

/**
 * The instances Terraform plans for a resource whose `for_each` is `${local.<name>}`: for_each key
 * -> the resource's arguments with `each` and the locals evaluated (meta-arguments left out).
 */
export function expandForEach(
  resource: Record<string, unknown>,
  locals: Record<string, unknown> | undefined,
): Record<string, Record<string, unknown>> {
  const args = Object.fromEntries(Object.entries(resource).filter(([k]) => !META.has(k)));
  return Object.fromEntries(
    Object.entries(forEachMap(resource.for_each, locals)).map(([key, value]) => [
      key,
      evaluateValue(args, { locals, each: { key, value } }) as Record<string, unknown>,
    ]),
  );
}
