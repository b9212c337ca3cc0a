import * as z from 'zod/mini';
import { foundationModelId } from './regions';
import type { ModelPrice } from './schema';

/**
 * The one cost formula of the kit. A Bedrock invocation-log record carries up to four token
 * counts; each is priced by one field of the tier's {@link ModelPrice} (USD per million tokens):
 *
 *   cost = (input × price.input + output × price.output
 *           + cacheRead × price.cacheRead + cacheWrite × price.cacheWrite) / 1,000,000
 *
 * An absent count is 0. {@link TOKEN_KINDS} is the single table both the TypeScript reader
 * ({@link recordTokens}, {@link callCostUsd}) and the Athena SQL builder ({@link sqlCallCost})
 * are derived from, so the enforcer and the saved queries cannot price a call differently.
 */

const perMillionTokens = (description: string) =>
  z.number().check(z.nonnegative('must be >= 0 USD per million tokens'), z.meta({ description }));

/**
 * The price rule of one tier (a {@link ModelPrice}: USD per million tokens of each kind), written
 * once for both readers of prices: core's configuration schema builds its `prices` section
 * (`PriceSchema`, classic zod) from these fields, and the spend-cap enforcer validates the prices
 * of its caps document with it. It is a zod/mini schema, so the enforcer's Lambda bundle can
 * include it without core's configuration schema (classic zod, yaml, cdktf).
 */
export const ModelPriceMiniSchema = z.strictObject({
  input: perMillionTokens('USD per million input tokens.'),
  output: perMillionTokens('USD per million output tokens.'),
  cacheRead: perMillionTokens('USD per million tokens read from the prompt cache.'),
  cacheWrite: perMillionTokens('USD per million tokens written to the prompt cache.'),
});

/** One kind of token in an invocation-log record. */
export interface TokenKindSpec<K extends keyof ModelPrice = keyof ModelPrice> {
  /** Name of the kind (also the key of {@link CallTokens}). */
  readonly kind: K;
  /** Where the count lives in a record: `record[part][field]` (never at the top level). */
  readonly part: 'input' | 'output';
  readonly field: string;
  /** The {@link ModelPrice} field that prices it. */
  readonly price: keyof ModelPrice;
  /** Column name of that price in the queries' `prices` table. */
  readonly priceColumn: string;
}

/** The token kinds, in the order the formula sums them. */
export const TOKEN_KINDS = [
  {
    kind: 'input',
    part: 'input',
    field: 'inputTokenCount',
    price: 'input',
    priceColumn: 'input_usd',
  },
  {
    kind: 'output',
    part: 'output',
    field: 'outputTokenCount',
    price: 'output',
    priceColumn: 'output_usd',
  },
  {
    kind: 'cacheRead',
    part: 'input',
    field: 'cacheReadInputTokenCount',
    price: 'cacheRead',
    priceColumn: 'cache_read_usd',
  },
  {
    kind: 'cacheWrite',
    part: 'input',
    field: 'cacheWriteInputTokenCount',
    price: 'cacheWrite',
    priceColumn: 'cache_write_usd',
  },
] as const satisfies readonly TokenKindSpec[];

export type TokenKind = (typeof TOKEN_KINDS)[number]['kind'];

/** The token counts of one call. */
export type CallTokens = Record<TokenKind, number>;

/** Prices are per this many tokens. */
export const TOKENS_PER_PRICE_UNIT = 1_000_000;

/** A count as the formula sees it: a finite number, anything else (absent, null, text) is 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * The token counts of an invocation-log record (the parsed JSON object). Null-safe: a missing
 * `input`/`output` object or count reads as 0, as `COALESCE(…, 0)` does in the queries.
 */
export function recordTokens(record: unknown): CallTokens {
  const r = (record ?? {}) as Record<string, unknown>;
  const tokens = {} as CallTokens;
  for (const k of TOKEN_KINDS) {
    const part = r[k.part];
    tokens[k.kind] = count(
      part !== null && typeof part === 'object'
        ? (part as Record<string, unknown>)[k.field]
        : undefined,
    );
  }
  return tokens;
}

/** USD cost of one call: each count times its own price per million, summed in table order. */
export function callCostUsd(tokens: Readonly<CallTokens>, price: Readonly<ModelPrice>): number {
  let sum = 0;
  for (const k of TOKEN_KINDS) sum += tokens[k.kind] * price[k.price];
  return sum / TOKENS_PER_PRICE_UNIT;
}

/** A kind's record path (`input.inputTokenCount`), its literal type kept. */
export type TokenPath<K extends TokenKindSpec = TokenKindSpec> = `${K['part']}.${K['field']}`;

/**
 * Where a kind's count lives in a record, as CloudWatch Logs Insights and metric filters (after
 * `$.`) address it: `input.inputTokenCount`.
 */
export function tokenPath<K extends TokenKindSpec>(k: K): TokenPath<K> {
  return `${k.part}.${k.field}` as TokenPath<K>;
}

/** The record path of each token kind (see {@link tokenPath}). */
export const TOKEN_PATHS = Object.fromEntries(TOKEN_KINDS.map((k) => [k.kind, tokenPath(k)])) as {
  readonly [K in (typeof TOKEN_KINDS)[number] as K['kind']]: TokenPath<K>;
};

/**
 * The highest price of each kind across the tiers: an upper bound on the cost of a call whose tier
 * is not known (a metric filter sees an application inference profile ARN, not its tier). It is
 * the exact price when every tier has the same (see {@link pricesAgree}). Throws for an empty table.
 */
export function highestPrice(prices: Readonly<Record<string, ModelPrice>>): ModelPrice {
  const tiers = Object.values(prices);
  if (tiers.length === 0) throw new Error('highestPrice: the price table has no tier');
  const price = {} as ModelPrice;
  for (const k of TOKEN_KINDS) price[k.price] = Math.max(...tiers.map((p) => p[k.price]));
  return price;
}

/** Whether every tier prices every kind the same (then one price is exact for every call). */
export function pricesAgree(prices: Readonly<Record<string, ModelPrice>>): boolean {
  const [first, ...rest] = Object.values(prices);
  return rest.every((p) => TOKEN_KINDS.every((k) => p[k.price] === first[k.price]));
}

/** A price as a plain decimal literal (never `1e-7`: not every expression language reads that). */
function decimal(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

/**
 * The formula as arithmetic over one term per kind, in the syntax CloudWatch metric math and Logs
 * Insights share: `(<input term> * 5 + <output term> * 25 + ...) / 1000000`. Each term must be a
 * count that is 0, not missing, when there were no tokens of its kind (`FILL(m, 0)` in metric
 * math, `coalesce(field, 0)` in Logs Insights).
 */
export function callCostExpression(
  terms: Readonly<Record<TokenKind, string>>,
  price: Readonly<ModelPrice>,
): string {
  const sum = TOKEN_KINDS.map((k) => `${terms[k.kind]} * ${decimal(price[k.price])}`).join(' + ');
  return `(${sum}) / ${TOKENS_PER_PRICE_UNIT}`;
}

/** The Athena (Trino) column of a kind's count: the lowercased struct path, e.g. `input.inputtokencount`. */
export function tokenColumn(k: TokenKindSpec): string {
  return tokenPath(k).toLowerCase();
}

/** Every token column of the log table, as Athena lowercases them. */
export const TOKEN_COLUMNS: readonly string[] = TOKEN_KINDS.map(tokenColumn);

/** The SQL pieces of the formula for one query. */
export interface SqlCallCost {
  /** `COALESCE(<record>.<column>, 0)` per kind. */
  readonly tokens: Readonly<Record<TokenKind, string>>;
  /** `COALESCE(<prices>.<price column>, 0)` per kind (an unpriced call costs 0). */
  readonly prices: Readonly<Record<TokenKind, string>>;
  /** The formula: `(tokens × price + …) / 1000000.0`, a double. */
  readonly costUsd: string;
  /** The price columns in table order, for the `prices` VALUES list. */
  readonly priceColumns: readonly string[];
  /** One price row's cells in table order. */
  priceCells(price: Readonly<ModelPrice>): number[];
}

export interface SqlCallCostOptions {
  /** Alias of the invocation-log table. */
  readonly record: string;
  /** Alias of the joined price row. */
  readonly prices: string;
  /** Whitespace before each `+` after the first term (layout only). @default - one space */
  readonly continuation?: string;
}

/** The SQL denominator of the formula, a double literal. */
export const SQL_TOKENS_PER_PRICE_UNIT = `${TOKENS_PER_PRICE_UNIT}.0`;

/** The formula as Athena SQL over a log record alias and a price row alias. */
export function sqlCallCost(opts: SqlCallCostOptions): SqlCallCost {
  const tokens = {} as Record<TokenKind, string>;
  const prices = {} as Record<TokenKind, string>;
  for (const k of TOKEN_KINDS) {
    tokens[k.kind] = `COALESCE(${opts.record}.${tokenColumn(k)}, 0)`;
    prices[k.kind] = `COALESCE(${opts.prices}.${k.priceColumn}, 0)`;
  }
  const terms = TOKEN_KINDS.map((k) => `${tokens[k.kind]} * ${prices[k.kind]}`);
  const joiner = `${opts.continuation ?? ' '}+ `;
  return {
    tokens,
    prices,
    costUsd: `(${terms.join(joiner)}) / ${SQL_TOKENS_PER_PRICE_UNIT}`,
    priceColumns: TOKEN_KINDS.map((k) => k.priceColumn),
    priceCells: (price) => TOKEN_KINDS.map((k) => price[k.price]),
  };
}

/**
 * Calls made with a system profile id or ARN, or straight to a foundation model, carry no developer
 * profile; they are priced by the tier whose system profile they name. The key is the model id's
 * last path segment (this pattern, in SQL's `regexp_replace` and in {@link modelKey}).
 */
export const MODEL_KEY_PATTERN = '^.*/';

const MODEL_KEY_RE = new RegExp(MODEL_KEY_PATTERN);

/** The key a call's `modelId` is matched on: `us.anthropic.claude-opus-4-6-v1` for its ARN too. */
export function modelKey(modelId: string): string {
  return modelId.replace(MODEL_KEY_RE, '');
}

/** {@link modelKey} in SQL, over a column. */
export function sqlModelKey(column: string): string {
  return `regexp_replace(${column}, '${MODEL_KEY_PATTERN}', '')`;
}

/**
 * Tier of each system profile id and of its foundation model id, in tier order; when two tiers
 * share a model, the first tier wins.
 */
export function systemModelTiers(
  tiers: readonly { readonly name: string; readonly profileId: string }[],
): Map<string, string> {
  const keys = new Map<string, string>();
  for (const t of tiers) {
    for (const key of [t.profileId, foundationModelId(t.profileId)]) {
      if (!keys.has(key)) keys.set(key, t.name);
    }
  }
  return keys;
}
