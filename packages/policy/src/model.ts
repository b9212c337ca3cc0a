/**
 * A read-only view of a synthesized stack (`cdk.tf.json`): resources and data sources by
 * Terraform address, outputs, suppressions, and the reference helpers rules use to relate
 * resources to each other (`${aws_s3_bucket.x.id}`).
 */

/** A synthesized Terraform JSON document (what `TerraformStack.toTerraform()` returns). */
export type TerraformJson = Readonly<Record<string, unknown>>;

/** Key of the stack-level `//` comment block under which suppressions are recorded. */
export const SUPPRESSIONS_KEY = 'policy_suppressions';

/** A suppression as recorded in the synthesized JSON (`"//".policy_suppressions`). */
export interface PolicySuppression {
  /** The rule that is suppressed, e.g. `CCB-S3-1`. */
  readonly ruleId: string;
  /** Why the finding is acceptable; shown in the compliance report. */
  readonly reason: string;
  /** Construct path the suppression was declared on. */
  readonly path: string;
  /** Terraform addresses of the resources and data sources it covers (the construct's subtree). */
  readonly addresses: readonly string[];
  /** Declared on the stack itself: also covers stack-level findings (e.g. a missing team budget). */
  readonly stackWide: boolean;
}

/** One resource (`aws_s3_bucket.x`) or data source (`data.aws_iam_policy_document.y`). */
export interface TfElement {
  /** Terraform address: `type.name`, or `data.type.name` for data sources. */
  readonly address: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** The element's attributes and blocks (snake_case, tokens resolved), without `//`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Construct path (from cdktf's `//` metadata); the address when unknown. */
  readonly path: string;
}

/** A reference inside a Terraform expression, e.g. `${aws_s3_bucket.logs.id}`. */
export interface TfReference {
  readonly address: string;
  /** The attribute read, e.g. `id`; empty when the whole object is referenced. */
  readonly attribute: string;
}

/** A JSON object. */
export type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A nested block as a list: cdktf renders single blocks as objects and repeated ones as arrays. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first nested block, if any. */
export function block(value: unknown): Json | undefined {
  return blocks(value)[0];
}

/** A list of strings from a scalar or array attribute (objects and null dropped). */
export function strings(value: unknown): string[] {
  if (['string', 'number', 'boolean'].includes(typeof value)) return [String(value)];
  if (Array.isArray(value)) {
    return value.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).map(String);
  }
  return [];
}

/** `true`, `"true"` -> true; `false`, `"false"` -> false; anything else -> undefined. */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** A finite number from a number or numeric string. */
export function num(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Whether a string contains a Terraform interpolation (`${...}`). */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const REFERENCE =
  /(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)(?:\.([A-Za-z_]\w*))?/g;

/** Every resource or data-source reference inside the interpolations of a string. */
export function references(value: unknown): TfReference[] {
  if (typeof value !== 'string') return [];
  const out: TfReference[] = [];
  for (const [, expression] of value.matchAll(INTERPOLATION)) {
    for (const m of expression.matchAll(REFERENCE)) {
      out.push({ address: m[1], attribute: m[2] ?? '' });
    }
  }
  return out;
}

/** The single reference a string consists of (`"${aws_iam_policy.p.arn}"`), if it is one. */
export function soleReference(value: unknown): TfReference | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{([^}]*)\}$/.exec(value.trim());
  if (!m) return undefined;
  const refs = references(value);
  return refs.length === 1 && m[1].trim().startsWith(refs[0].address) ? refs[0] : undefined;
}

/** Parses a synthesized stack. Unknown or malformed sections are ignored. */
export class StackModel {
  /** Every resource and data source, in document order. */
  readonly elements: readonly TfElement[];
  /** Output name -> value (JSON strings are parsed). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The stack name (cdktf metadata), or `stack`. */
  readonly stackName: string;
  /** Suppressions recorded at synth (see `suppress`). */
  readonly suppressions: readonly PolicySuppression[];
  private readonly index: Map<string, TfElement>;

  constructor(readonly json: TerraformJson) {
    const elements: TfElement[] = [];
    const collect = (section: unknown, mode: 'resource' | 'data') => {
      if (!isObject(section)) return;
      for (const [type, byName] of Object.entries(section)) {
        if (!isObject(byName)) continue;
        for (const [name, raw] of Object.entries(byName)) {
          if (!isObject(raw)) continue;
          const { '//': meta, ...config } = raw;
          const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const metaPath =
            isObject(meta) && isObject(meta.metadata) ? meta.metadata.path : undefined;
          const path = typeof metaPath === 'string' ? metaPath : address;
          elements.push({ address, mode, type, name, config, path });
        }
      }
    };
    collect(json.resource, 'resource');
    collect(json.data, 'data');
    this.elements = elements;
    this.index = new Map(elements.map((e) => [e.address, e]));

    const outputs: Record<string, unknown> = {};
    if (isObject(json.output)) {
      for (const [name, out] of Object.entries(json.output)) {
        if (isObject(out)) outputs[name] = parseMaybeJson(out.value);
      }
    }
    this.outputs = outputs;

    const comment = isObject(json['//']) ? json['//'] : {};
    const meta = isObject(comment.metadata) ? comment.metadata : {};
    this.stackName = typeof meta.stackName === 'string' ? meta.stackName : 'stack';
    this.suppressions = (Array.isArray(comment[SUPPRESSIONS_KEY]) ? comment[SUPPRESSIONS_KEY] : [])
      .filter(isObject)
      .map((s) => ({
        ruleId: String(s.ruleId ?? ''),
        reason: String(s.reason ?? ''),
        path: String(s.path ?? ''),
        addresses: strings(s.addresses),
        stackWide: s.stackWide === true,
      }));
  }

  /**
   * A value with local references followed: `"${local.x}"` becomes the synthesized value of local
   * `x` (repeatedly, for a local that is itself a reference). Anything else, including a local
   * Terraform computes (an expression string) or an unknown local, is returned as it is.
   */
  followLocals(value: unknown): unknown {
    const locals = isObject(this.json.locals) ? this.json.locals : {};
    let current = value;
    for (let hops = 0; hops < 16; hops++) {
      const name =
        typeof current === 'string' ? /^\$\{local\.([\w-]+)\}$/.exec(current)?.[1] : undefined;
      if (name === undefined || !Object.prototype.hasOwnProperty.call(locals, name)) return current;
      current = locals[name];
    }
    return current;
  }

  /** The element at a Terraform address (`aws_s3_bucket.x`, `data.aws_iam_policy_document.y`). */
  get(address: string): TfElement | undefined {
    return this.index.get(address);
  }

  /** Resources of a type; pass `data.<type>` for data sources. */
  ofType(type: string): TfElement[] {
    const data = type.startsWith('data.');
    const bare = data ? type.slice(5) : type;
    return this.elements.filter((e) => e.type === bare && (e.mode === 'data') === data);
  }

  /**
   * Whether `value` designates `target`: a reference to it (any of `attributes`, or any attribute
   * when none are given), or, for a literal string, equality with the target's literal
   * `literalKey` attribute (e.g. a bucket's name).
   */
  designates(
    value: unknown,
    target: TfElement,
    opts: { attributes?: readonly string[]; literalKey?: string } = {},
  ): boolean {
    if (isExpression(value)) {
      return references(value).some(
        (r) =>
          r.address === target.address &&
          (!opts.attributes || opts.attributes.includes(r.attribute)),
      );
    }
    if (typeof value !== 'string' || !opts.literalKey) return false;
    const literal = target.config[opts.literalKey];
    return typeof literal === 'string' && !isExpression(literal) && literal === value;
  }

  /** Elements of `type` whose `attribute` designates `target` (see {@link designates}). */
  pointingAt(
    type: string,
    attribute: string,
    target: TfElement,
    opts: { attributes?: readonly string[]; literalKey?: string } = {},
  ): TfElement[] {
    return this.ofType(type).filter((e) => {
      const value = e.config[attribute];
      return Array.isArray(value)
        ? value.some((v) => this.designates(v, target, opts))
        : this.designates(value, target, opts);
    });
  }
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}
