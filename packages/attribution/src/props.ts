import {
  ACCOUNT_ID,
  BUCKET_PREFIX,
  ConfigError,
  ConfigProblem,
  COST_CENTER,
  DEVELOPER_ID,
  ModelPrice,
  PROJECT_NAME,
  REGION,
  renderValue,
  ResolvedTier,
  SYSTEM_PROFILE_ID,
  TEAM_ID,
  TIER_NAME,
} from '@claude-code-bedrock/core';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Token } from 'cdktf';

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

export interface CostAttributionProps {
  /** Project name: database `{glueName(project)}_bedrock_logs`, workgroup `{project}-bedrock-logs`. */
  readonly project: string;
  /** Results bucket `{bucketPrefix}-athena-results`. */
  readonly bucketPrefix: string;
  /** Account whose invocation logs are read (may be an unresolved token). */
  readonly accountId: string;
  /** Region whose invocation logs are read. */
  readonly region: string;
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
  /**
   * Tags for the taggable resources (added to the provider's default tags).
   * @default - none beyond the provider's default tags and a `Name` tag on the workgroup
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Props with defaults applied and slashes normalised. */
export type ResolvedCostAttributionProps = Required<CostAttributionProps>;

export const DEFAULT_PROJECTION_START_DATE = '2025/01/01';
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1_073_741_824;
export const DEFAULT_RESULTS_EXPIRATION_DAYS = 30;
/** Athena's smallest allowed bytes-scanned cutoff. */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;

/** Anything with zod's `safeParse` (core's field schemas). */
interface FieldSchema {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: readonly { message: string }[] };
  };
}

/** Checks a rule on a value; returns the message of the first failure. */
type Rule = (value: unknown) => string | undefined;

const schemaRule =
  (schema: FieldSchema): Rule =>
  (value) => {
    const result = schema.safeParse(value);
    return result.success ? undefined : (result.error?.issues[0]?.message ?? 'is invalid');
  };

const regexRule =
  (re: RegExp, message: string): Rule =>
  (value) =>
    typeof value === 'string' && re.test(value) ? undefined : message;

const APPLICATION_PROFILE_ARN = regexRule(
  /^arn:aws(-us-gov|-cn)?:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/,
  'must be an application inference profile ARN (arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>)',
);
/** CSV cells of the profile mapping must not contain separators, quotes or line breaks. */
const CSV_SAFE = regexRule(
  /^[^,"\r\n]*$/,
  'must not contain commas, quotes or line breaks (CSV cell)',
);
const LOG_KEY_PREFIX: Rule = (v) =>
  typeof v !== 'string' || v.length > 512
    ? 'must be a string of at most 512 characters'
    : !/^[A-Za-z0-9!_.*'()/-]*$/.test(v)
      ? "must use only S3-safe key characters (A-Z a-z 0-9 ! _ . * ' ( ) / -)"
      : v.replace(/^\/+|\/+$/g, '').includes('//')
        ? 'must not contain empty path segments (//)'
        : undefined;
const PROJECTION_DATE = regexRule(
  /^\d{4}\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/,
  'must be a date written YYYY/MM/DD',
);
const CUTOFF: Rule = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= MIN_BYTES_SCANNED_CUTOFF
    ? undefined
    : `must be a whole number of bytes, at least ${MIN_BYTES_SCANNED_CUTOFF} (Athena minimum is 10 MB)`;
const DAYS: Rule = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1
    ? undefined
    : 'must be a whole number of days, at least 1';
const PRICE: Rule = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? undefined
    : 'must be >= 0 USD per million tokens';
/** An IANA zone name such as `Europe/Paris` or `UTC` (the off-hours query embeds it in SQL). */
const TIME_ZONE = regexRule(
  /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/,
  'must be an IANA time zone such as Europe/Paris',
);
const HOUR: Rule = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 24
    ? undefined
    : 'must be a whole hour 0-24';

/**
 * Applies defaults, validates every prop and throws one {@link ConfigError} listing every problem
 * (path, offending value, message). Unresolved tokens are skipped: Terraform checks them later.
 */
export function resolveCostAttributionProps(
  props: CostAttributionProps,
): ResolvedCostAttributionProps {
  const p = {
    ...props,
    projectionStartDate: props.projectionStartDate ?? DEFAULT_PROJECTION_START_DATE,
    bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF,
    resultsExpirationDays: props.resultsExpirationDays ?? DEFAULT_RESULTS_EXPIRATION_DAYS,
    activateCostAllocationTags: props.activateCostAllocationTags ?? false,
    offHoursTimeZone: props.offHoursTimeZone ?? 'UTC',
    workingHours: props.workingHours ?? ([8, 18] as const),
    tags: props.tags ?? {},
  };
  const problems: ConfigProblem[] = [];
  const report = (path: string, value: unknown, message: string) =>
    problems.push({ path, value: renderValue(value), message });
  const check = (path: string, value: unknown, ...rules: Rule[]) => {
    if (typeof value === 'string' && Token.isUnresolved(value)) return;
    for (const rule of rules) {
      const message = rule(value);
      if (message !== undefined) {
        report(path, value, message);
        return;
      }
    }
  };

  check('project', p.project, schemaRule(PROJECT_NAME));
  check('bucketPrefix', p.bucketPrefix, schemaRule(BUCKET_PREFIX));
  check('accountId', p.accountId, schemaRule(ACCOUNT_ID));
  check('region', p.region, schemaRule(REGION));
  check('logKeyPrefix', p.logKeyPrefix, LOG_KEY_PREFIX);
  check('projectionStartDate', p.projectionStartDate, PROJECTION_DATE);
  check('bytesScannedCutoffPerQuery', p.bytesScannedCutoffPerQuery, CUTOFF);
  check('resultsExpirationDays', p.resultsExpirationDays, DAYS);
  check('offHoursTimeZone', p.offHoursTimeZone, TIME_ZONE);
  check('workingHours[0]', p.workingHours[0], HOUR);
  check('workingHours[1]', p.workingHours[1], HOUR);
  if (!(p.workingHours[0] < p.workingHours[1])) {
    report('workingHours', p.workingHours, 'must be [start, end) with start < end');
  }

  const tierNames: string[] = [];
  if (p.tiers.length === 0) report('tiers', p.tiers, 'must list at least one model tier');
  p.tiers.forEach((t, i) => {
    check(`tiers[${i}].name`, t.name, schemaRule(TIER_NAME));
    check(`tiers[${i}].profileId`, t.profileId, schemaRule(SYSTEM_PROFILE_ID));
    if (tierNames.includes(t.name))
      report(`tiers[${i}].name`, t.name, 'duplicates another tier name');
    tierNames.push(t.name);
  });

  for (const [tier, price] of Object.entries(p.prices)) {
    check(`prices.${tier}`, tier, schemaRule(TIER_NAME));
    for (const field of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) {
      check(`prices.${tier}.${field}`, price?.[field], PRICE);
    }
  }
  for (const tier of tierNames) {
    if (!(tier in p.prices))
      report('prices', Object.keys(p.prices), `has no price for model tier '${tier}'`);
  }

  const seenArns = new Map<string, number>();
  const seenDeveloperTiers = new Map<string, number>();
  p.profiles.forEach((m, i) => {
    check(`profiles[${i}].developerId`, m.developerId, schemaRule(DEVELOPER_ID), CSV_SAFE);
    check(`profiles[${i}].team`, m.team, schemaRule(TEAM_ID));
    check(`profiles[${i}].costCenter`, m.costCenter, schemaRule(COST_CENTER), CSV_SAFE);
    check(`profiles[${i}].profileArn`, m.profileArn, APPLICATION_PROFILE_ARN);
    if (!tierNames.includes(m.tier)) {
      report(`profiles[${i}].tier`, m.tier, `is not a model tier (${tierNames.join(', ')})`);
    }
    // Two rows with one ARN would count every call of that profile twice.
    const arnIndex = seenArns.get(m.profileArn);
    if (arnIndex !== undefined) {
      report(
        `profiles[${i}].profileArn`,
        m.profileArn,
        `duplicates profiles[${arnIndex}].profileArn`,
      );
    } else seenArns.set(m.profileArn, i);
    const key = `${m.developerId}\u0000${m.tier}`;
    const devIndex = seenDeveloperTiers.get(key);
    if (devIndex !== undefined) {
      report(
        `profiles[${i}]`,
        `${m.developerId} / ${m.tier}`,
        `duplicates profiles[${devIndex}] (same developer and tier)`,
      );
    } else seenDeveloperTiers.set(key, i);
  });

  if (problems.length > 0) throw new ConfigError(problems, 'CostAttribution props');
  return {
    ...p,
    logKeyPrefix: Token.isUnresolved(p.logKeyPrefix)
      ? p.logKeyPrefix
      : p.logKeyPrefix.replace(/^\/+|\/+$/g, ''),
  };
}
