import { ModelPrice, ModelPriceMiniSchema, UNATTRIBUTED } from '@claude-code-bedrock/core';
import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini loads no locale; English messages only (the full zod would triple the bundle).
z.config(en());

/**
 * The caps document: every developer's cap and profiles, the price table and the alert thresholds,
 * as one JSON object in S3. Terraform writes it (one resource, whatever the roster size); the
 * enforcer reads it, cached for a short time per container.
 */

export const CAPS_DOCUMENT_VERSION = 1;

export const PERIODS = ['monthly', 'daily'] as const;
export type Period = (typeof PERIODS)[number];

/** Developer row of usage nobody could be identified for (never blocked): core's reserved name. */
export { UNATTRIBUTED };

/** Prefix of the usage table's dedupe items (`request#<requestId>`); no developer id may use it. */
export const DEDUPE_PREFIX = 'request#';

const usd = z.number().check(z.minimum(0, 'must be >= 0 USD'));

const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));

const PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/\S+$/;

const DeveloperCaps = z.strictObject({
  /** The cap, in USD per period. A row's `capOverrideUsd` (set by the admin CLI) wins. */
  capUsd: usd,
  team: z.optional(nonEmpty),
  costCenter: z.optional(nonEmpty),
  /** Tier → the developer's application inference profile ARN in that tier. */
  profiles: z.record(
    nonEmpty,
    z.string().check(z.regex(PROFILE_ARN, 'must be an application inference profile ARN')),
  ),
});

const CapsDocumentSchema = z.strictObject({
  version: z.literal(CAPS_DOCUMENT_VERSION),
  period: z.enum(PERIODS),
  /** Alert thresholds in percent of the cap (100 is always alerted: it is the block). */
  warnAt: z.array(z.number().check(z.gt(0, 'must be > 0 percent'))),
  /** Tier → USD per million tokens (core's price rule, the one the configuration is checked with). */
  prices: z.record(nonEmpty, ModelPriceMiniSchema),
  /**
   * System profile id or foundation model id → tier (core's `systemModelTiers`), to price calls
   * that name no developer profile. @default - such calls cost 0
   */
  models: z.optional(z.record(nonEmpty, nonEmpty)),
  developers: z.record(nonEmpty, DeveloperCaps),
});

/** The caps document as Terraform writes it. */
export type CapsDocument = z.input<typeof CapsDocumentSchema>;
/** One developer's entry. */
export type DeveloperCapsEntry = z.input<typeof DeveloperCaps>;

/** Where a developer profile ARN leads. */
export interface ProfileOwner {
  readonly developer: string;
  readonly tier: string;
}

/** A validated caps document with its lookups. */
export interface Caps {
  readonly document: CapsDocument;
  readonly period: Period;
  /** warnAt ∪ {100}, ascending, without duplicates. */
  readonly thresholds: readonly number[];
  readonly prices: ReadonlyMap<string, ModelPrice>;
  readonly models: ReadonlyMap<string, string>;
  readonly developers: ReadonlyMap<string, DeveloperCapsEntry>;
  /** The inverted `profiles` maps. */
  readonly byProfile: ReadonlyMap<string, ProfileOwner>;
}

/** The caps document could not be read or is invalid; the message lists every problem. */
export class CapsDocumentError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`caps document ${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CapsDocumentError';
  }
}

/** Problems a JSON schema cannot see: reserved ids, unpriced tiers, an ARN owned twice. */
function crossCheck(
  raw: Record<string, unknown>,
  doc: z.output<typeof CapsDocumentSchema>,
): string[] {
  const problems: string[] = [];
  for (const field of ['prices', 'models', 'developers'] as const) {
    const value = raw[field];
    if (value && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
      problems.push(`${field}: the key __proto__ is not allowed`);
    }
  }
  const owners = new Map<string, string>();
  for (const [id, dev] of Object.entries(doc.developers)) {
    if (id === UNATTRIBUTED || id.startsWith(DEDUPE_PREFIX)) {
      problems.push(`developers.${id}: the id is reserved by the usage table`);
    }
    for (const [tier, arn] of Object.entries(dev.profiles)) {
      if (!Object.hasOwn(doc.prices, tier)) {
        problems.push(`developers.${id}.profiles.${tier}: no price for tier '${tier}' in prices`);
      }
      const owner = owners.get(arn);
      if (owner !== undefined) {
        problems.push(`developers.${id}.profiles.${tier}: ${arn} is also ${owner}'s profile`);
      }
      owners.set(arn, `${id}`);
    }
  }
  for (const [model, tier] of Object.entries(doc.models ?? {})) {
    if (!Object.hasOwn(doc.prices, tier)) {
      problems.push(`models.${model}: no price for tier '${tier}' in prices`);
    }
  }
  return problems;
}

/** Parses and validates a caps document; `source` names it in errors (e.g. `s3://bucket/key`). */
export function parseCapsDocument(text: string, source: string): Caps {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CapsDocumentError(source, [`not JSON: ${(e as Error).message}`]);
  }
  const parsed = CapsDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CapsDocumentError(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`),
    );
  }
  const doc = parsed.data;
  const problems = crossCheck(raw as Record<string, unknown>, doc);
  if (problems.length > 0) throw new CapsDocumentError(source, problems);
  const byProfile = new Map<string, ProfileOwner>();
  for (const [developer, dev] of Object.entries(doc.developers)) {
    for (const [tier, arn] of Object.entries(dev.profiles)) byProfile.set(arn, { developer, tier });
  }
  return {
    document: doc,
    period: doc.period,
    thresholds: [...new Set([...doc.warnAt, 100])].sort((a, b) => a - b),
    prices: new Map(Object.entries(doc.prices)),
    models: new Map(Object.entries(doc.models ?? {})),
    developers: new Map(Object.entries(doc.developers)),
    byProfile,
  };
}

const UTC_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$/;

/**
 * The usage period a time falls in, in UTC: `2026-12` (monthly) or `2026-12-01` (daily). Keys of
 * one kind sort as the periods do.
 */
export function periodOf(period: Period, time: string | number | Date): string {
  // Fast path for the records' own format (UTC, `Z`): the key is a prefix of the text.
  if (typeof time === 'string' && UTC_TIME.test(time)) {
    return period === 'monthly' ? time.slice(0, 7) : time.slice(0, 10);
  }
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a time: ${String(time)}`);
  const iso = date.toISOString();
  return period === 'monthly' ? iso.slice(0, 7) : iso.slice(0, 10);
}

/** Reads the caps document's text. */
export type ReadCapsText = (bucket: string, key: string) => Promise<string>;

export interface CapsSourceOptions {
  readonly bucket: string;
  readonly key: string;
  /** How long a container reuses a document. @default 60_000 (one minute) */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch, for the cache only. @default Date.now */
  readonly now?: () => number;
}

/**
 * The current caps, read from S3 at most once per TTL per container (concurrent callers share one
 * read). A failed read or an invalid document throws, and is retried on the next call.
 */
export function capsSource(read: ReadCapsText, opts: CapsSourceOptions): () => Promise<Caps> {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let cached: { caps: Promise<Caps>; at: number } | undefined;
  return () => {
    const t = now();
    if (cached === undefined || t - cached.at >= ttl) {
      const entry = {
        caps: read(opts.bucket, opts.key).then((text) =>
          parseCapsDocument(text, `s3://${opts.bucket}/${opts.key}`),
        ),
        at: t,
      };
      cached = entry;
      entry.caps.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.caps;
  };
}
