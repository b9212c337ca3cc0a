import {
  BYTES_SCANNED_CUTOFF,
  COST_CENTER,
  DAYS,
  DEVELOPER_ID,
  DeploymentContext,
  DeploymentContextProps,
  validateContextProps,
  DeploymentContextSchema,
  BUCKET_PREFIX,
  checkPriced,
  MIN_BYTES_SCANNED_CUTOFF as CORE_MIN_BYTES_SCANNED_CUTOFF,
  ModelPrice,
  PRICES,
  PROJECTION_START_DATE,
  ResolvedTier,
  TEAM_ID,
  TIERS,
  tokenOr,
} from '@claude-code-bedrock/core';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Token } from 'cdktf';
import { z } from 'zod';

/** One row of the profile → developer mapping the cost queries join on. */
export interface ProfileMapping {
  readonly developerId: string;
  readonly team: string;
  readonly costCenter: string;
  /** Model tier of the profile; must be one of `tiers` and priced in `prices`. */
  readonly tier: string;
  /** ARN of the developer's application inference profile (usually an unresolved token). */
  readonly profileArn: string;
}

/**
 * `context`: the project names the database `{glueName(project)}_bedrock_logs` and the workgroup
 * `{project}-bedrock-logs`; the invocation logs of the account (may be a token) and region are
 * read. `context.tags` are added to the taggable resources (beyond the provider's default tags
 * and a `Name` tag on the workgroup).
 */
export interface CostAttributionProps extends DeploymentContextProps {
  /** Results bucket `{bucketPrefix}-athena-results`. */
  readonly bucketPrefix: string;
  /** The invocation-log bucket (from the logging package). */
  readonly logBucket: S3Bucket;
  /**
   * Key prefix of the invocation logs: records are read from
   * `{logKeyPrefix}/AWSLogs/{accountId}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/`.
   * Leading and trailing slashes are ignored; `''` means the bucket root.
   */
  readonly logKeyPrefix: string;
  /** USD per million tokens for each model tier: input, output, cacheRead, cacheWrite. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** Model tiers (tier → system profile id), to price calls made with a system profile id directly. */
  readonly tiers: readonly ResolvedTier[];
  /** Profile ARN → developer, team, cost center and tier. */
  readonly profiles: readonly ProfileMapping[];
  /**
   * First day of the projected hourly partitions, `YYYY/MM/DD` (UTC).
   * @default '2025/01/01'
   */
  readonly projectionStartDate?: string;
  /**
   * Athena cancels a query of the workgroup once it has scanned this many bytes (minimum 10 MB).
   * @default 1073741824 (1 GiB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Days after which query results under `results/` expire.
   * @default 30
   */
  readonly resultsExpirationDays?: number;
  /**
   * Activate the `User`, `Team`, `Project` and `CostCenter` cost allocation tags (payer account only).
   * @default false
   */
  readonly activateCostAllocationTags?: boolean;
  /**
   * IANA time zone in which the off-hours query judges working hours.
   * @default 'UTC'
   */
  readonly offHoursTimeZone?: string;
  /**
   * Working hours `[start, end)` on Monday–Friday for the off-hours query (0–24).
   * @default [8, 18]
   */
  readonly workingHours?: readonly [number, number];
  /** @deprecated pass `context.tags`; removed in the next minor */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Props with defaults applied, the context resolved and slashes normalised. */
export type ResolvedCostAttributionProps = Required<
  Omit<CostAttributionProps, keyof DeploymentContextProps | 'tags'>
> & {
  readonly context: DeploymentContext & { readonly tags: Readonly<Record<string, string>> };
};

export const DEFAULT_PROJECTION_START_DATE = '2025/01/01';
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1_073_741_824;
export const DEFAULT_RESULTS_EXPIRATION_DAYS = 30;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const MIN_BYTES_SCANNED_CUTOFF = CORE_MIN_BYTES_SCANNED_CUTOFF;

const APPLICATION_PROFILE_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/,
    'must be an application inference profile ARN (arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>)',
  );

/** CSV cells of the profile mapping must not contain separators, quotes or line breaks. */
const CSV_CELL = z
  .string()
  .regex(/^[^,"\r\n]*$/, 'must not contain commas, quotes or line breaks (CSV cell)');

/** Any prefix the logs may be under; checked one rule after the other (first failure only). */
const LOG_KEY_PREFIX = z
  .string('must be a string of at most 512 characters')
  .max(512, 'must be a string of at most 512 characters')
  .pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9!_.*'()/-]*$/,
        "must use only S3-safe key characters (A-Z a-z 0-9 ! _ . * ' ( ) / -)",
      ),
  )
  .pipe(
    z
      .string()
      .refine(
        (v) => !v.replace(/^\/+|\/+$/g, '').includes('//'),
        'must not contain empty path segments (//)',
      ),
  );

/** An IANA zone name such as `Europe/Paris` or `UTC` (the off-hours query embeds it in SQL). */
const TIME_ZONE = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/,
    'must be an IANA time zone such as Europe/Paris',
  );

const HOUR = z
  .number()
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 24, 'must be a whole hour 0-24');

const ProfileMappingSchema = z.object({
  developerId: tokenOr(DEVELOPER_ID.pipe(CSV_CELL)),
  team: tokenOr(TEAM_ID),
  costCenter: tokenOr(COST_CENTER.pipe(CSV_CELL)),
  tier: z.string(),
  profileArn: tokenOr(APPLICATION_PROFILE_ARN),
});

export const CostAttributionPropsSchema = z
  .object({
    context: DeploymentContextSchema,
    bucketPrefix: tokenOr(BUCKET_PREFIX),
    logKeyPrefix: tokenOr(LOG_KEY_PREFIX),
    prices: PRICES,
    tiers: TIERS,
    profiles: z.array(ProfileMappingSchema),
    projectionStartDate: tokenOr(PROJECTION_START_DATE).default(DEFAULT_PROJECTION_START_DATE),
    bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.default(DEFAULT_BYTES_SCANNED_CUTOFF),
    resultsExpirationDays: DAYS.default(DEFAULT_RESULTS_EXPIRATION_DAYS),
    activateCostAllocationTags: z.boolean().default(false),
    offHoursTimeZone: tokenOr(TIME_ZONE).default('UTC'),
    workingHours: z
      .tuple([HOUR, HOUR])
      .refine(([start, end]) => start < end, 'must be [start, end) with start < end')
      .default([8, 18]),
  })
  .superRefine(crossCheck, { when: () => true });

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Checks that span fields: every tier priced, every profile of a tier, no profile twice. Runs
 * even when field checks failed, so one error lists every problem; it reads the input defensively.
 */
function crossCheck(raw: unknown, ctx: z.RefinementCtx): void {
  const p = obj(raw);
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });
  const tierNames = arr(p.tiers).map((t) => obj(t).name);
  checkPriced(
    tierNames.filter((t): t is string => typeof t === 'string'),
    obj(p.prices),
    ctx,
  );
  const seenArns = new Map<unknown, number>();
  const seenDeveloperTiers = new Map<string, number>();
  arr(p.profiles).forEach((raw, i) => {
    const m = obj(raw);
    if (!tierNames.includes(m.tier)) {
      issue(['profiles', i, 'tier'], m.tier, `is not a model tier (${tierNames.join(', ')})`);
    }
    // Two rows with one ARN would count every call of that profile twice.
    const arnIndex = seenArns.get(m.profileArn);
    if (arnIndex !== undefined) {
      issue(
        ['profiles', i, 'profileArn'],
        m.profileArn,
        `duplicates profiles[${arnIndex}].profileArn`,
      );
    } else seenArns.set(m.profileArn, i);
    const key = `${m.developerId}\u0000${m.tier}`;
    const devIndex = seenDeveloperTiers.get(key);
    if (devIndex !== undefined) {
      issue(
        ['profiles', i],
        `${m.developerId} / ${m.tier}`,
        `duplicates profiles[${devIndex}] (same developer and tier)`,
      );
    } else seenDeveloperTiers.set(key, i);
  });
}

/**
 * Applies defaults, validates every prop and throws one `ConfigError` listing every problem
 * (path, offending value, message). Unresolved tokens are skipped: Terraform checks them later.
 */
export function resolveCostAttributionProps(
  props: CostAttributionProps,
): ResolvedCostAttributionProps {
  const p = validateContextProps(CostAttributionPropsSchema, props, 'CostAttribution props');
  return {
    ...p,
    context: { ...p.context, tags: p.context.tags ?? {} },
    logBucket: props.logBucket,
    // Validated above; the originals keep their readonly types (and any tokens).
    prices: props.prices,
    tiers: props.tiers,
    profiles: props.profiles,
    logKeyPrefix: Token.isUnresolved(p.logKeyPrefix)
      ? p.logKeyPrefix
      : p.logKeyPrefix.replace(/^\/+|\/+$/g, ''),
  };
}
