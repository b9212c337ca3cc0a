import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CallTokens, TOKEN_KINDS, TokenKind } from '@claude-code-bedrock/core';
import { DEDUPE_PREFIX } from './caps';

/**
 * The usage table: one item per developer × period with its running totals and enforcement state,
 * plus short-lived dedupe items (`request#<requestId>` × period) that make a redelivered record a
 * no-op.
 */
export const USAGE_TABLE_KEYS = {
  /** Hash key (S): developer id, `unattributed`, or `request#<requestId>`. */
  hashKey: 'developer',
  /** Range key (S): `2026-12` (monthly) or `2026-12-01` (daily). */
  rangeKey: 'period',
  /** TTL attribute (N, epoch seconds) of the dedupe items. */
  ttlAttribute: 'expiresAt',
} as const;

/** How long a dedupe item outlives its record's timestamp (CloudWatch Logs retries for 24 h). */
export const DEDUPE_TTL_SECONDS = 3 * 24 * 60 * 60;

/** Usage row attribute of each token kind. */
export const TOKEN_ATTRIBUTES: Readonly<Record<TokenKind, string>> = Object.fromEntries(
  TOKEN_KINDS.map((k) => [k.kind, `${k.kind}Tokens`]),
) as Record<TokenKind, string>;

/** The additive totals of a usage row. */
export interface UsageTotals {
  readonly costUsd: number;
  readonly calls: number;
  readonly tokens: CallTokens;
}

/** A usage row as read back. */
export interface UsageRow extends UsageTotals {
  readonly developer: string;
  readonly period: string;
  readonly team?: string;
  readonly updatedAt?: string;
  /** Thresholds (percent) already alerted. */
  readonly warned: ReadonlySet<number>;
  readonly blocked: boolean;
  /** Profiles the enforcer tagged when it blocked this row. */
  readonly blockedProfiles: readonly string[];
  /** The cap set by the admin CLI for this row; wins over the caps document. */
  readonly capOverrideUsd?: number;
  /** Unblocked by an admin for the rest of the period (`caps unblock`): counted, never blocked. */
  readonly exempt: boolean;
}

export function zeroTotals(): UsageTotals {
  return { costUsd: 0, calls: 0, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } };
}

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  const tokens = { ...a.tokens };
  for (const k of TOKEN_KINDS) tokens[k.kind] += b.tokens[k.kind];
  return { costUsd: a.costUsd + b.costUsd, calls: a.calls + b.calls, tokens };
}

/** A DynamoDB number: decimal text, never exponent notation (`1e-7` → `0.0000001`). */
export function ddbNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const fixed = n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

export function usageKey(developer: string, period: string): Record<string, AttributeValue> {
  return {
    [USAGE_TABLE_KEYS.hashKey]: { S: developer },
    [USAGE_TABLE_KEYS.rangeKey]: { S: period },
  };
}

export function dedupeKey(requestId: string, period: string): Record<string, AttributeValue> {
  return usageKey(`${DEDUPE_PREFIX}${requestId}`, period);
}

/** `#name` placeholders for attribute names, so no name can collide with a reserved word. */
export function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}

function num(v: AttributeValue | undefined): number {
  return v?.N === undefined ? 0 : Number(v.N);
}

/** A usage item as a {@link UsageRow} (absent totals read 0). */
export function rowFromItem(item: Record<string, AttributeValue>): UsageRow {
  const tokens = {} as CallTokens;
  for (const k of TOKEN_KINDS) tokens[k.kind] = num(item[TOKEN_ATTRIBUTES[k.kind]]);
  return {
    developer: item[USAGE_TABLE_KEYS.hashKey]?.S ?? '',
    period: item[USAGE_TABLE_KEYS.rangeKey]?.S ?? '',
    costUsd: num(item.costUsd),
    calls: num(item.calls),
    tokens,
    team: item.team?.S,
    updatedAt: item.updatedAt?.S,
    warned: new Set((item.warned?.NS ?? []).map(Number)),
    blocked: item.blocked?.BOOL === true,
    blockedProfiles: item.blockedProfiles?.SS ?? [],
    capOverrideUsd:
      item.capOverrideUsd?.N === undefined ? undefined : Number(item.capOverrideUsd.N),
    exempt: item.exempt?.BOOL === true,
  };
}

/** The cap that applies to a row: its override, else the caps document's. */
export function capOf(row: Pick<UsageRow, 'capOverrideUsd'> | undefined, capUsd: number): number {
  return row?.capOverrideUsd ?? capUsd;
}

/** Whether spending `costUsd` reaches `percent` % of `capUsd` (exact for whole percents). */
export function reaches(costUsd: number, capUsd: number, percent: number): boolean {
  return costUsd * 100 >= capUsd * percent;
}
