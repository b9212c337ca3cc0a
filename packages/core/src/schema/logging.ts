import { z } from 'zod';
import { DAYS } from './fields';

/** Valid CloudWatch Logs retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

export const LOG_RETENTION = z
  .number()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
  });

/** Days before objects move to STANDARD_IA. */
export const IA_TRANSITION_DAYS = DAYS.min(30, 'S3 requires at least 30 days before STANDARD_IA');

/** S3 Object Lock default retention. */
export const OBJECT_LOCK = z.strictObject({
  mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).meta({ description: 'Object Lock mode.' }),
  days: DAYS.max(36500, 'must be at most 36500 days (100 years)').meta({
    description: 'Retention in days.',
  }),
});

/** A key prefix without leading or trailing slash, made of S3 safe characters. */
export const KEY_PREFIX = z
  .string()
  .regex(
    /^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/,
    "must be S3-safe path segments (A-Z a-z 0-9 ! _ . * ' ( ) -) separated by single slashes, without a leading or trailing slash",
  );

interface Lifecycle {
  readonly expirationDays: number;
  readonly transitionToIaDays?: number;
  readonly objectLock?: { readonly days: number };
}

/** Locked objects cannot expire early; the IA transition must come before expiry. */
export function checkLifecycle(
  p: Lifecycle & { readonly cloudtrail?: { enabled: boolean; expirationDays: number } },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: string[], input: number, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });
  const lock = p.objectLock;
  if (lock && p.expirationDays < lock.days) {
    issue(
      ['expirationDays'],
      p.expirationDays,
      `must not be shorter than objectLock.days (${lock.days}): locked objects cannot expire`,
    );
  }
  if (lock && p.cloudtrail?.enabled && p.cloudtrail.expirationDays < lock.days) {
    issue(
      ['cloudtrail', 'expirationDays'],
      p.cloudtrail.expirationDays,
      `must not be shorter than objectLock.days (${lock.days}): the trail bucket is locked too`,
    );
  }
  if (p.transitionToIaDays !== undefined && p.transitionToIaDays >= p.expirationDays) {
    issue(
      ['transitionToIaDays'],
      p.transitionToIaDays,
      `must be less than expirationDays (${p.expirationDays})`,
    );
  }
}

/** The audit-logging settings: the config's `logging` section and BedrockAuditLogging's props. */
export const LOGGING_FIELDS = {
  manageInvocationLogging: z.boolean().default(true).meta({
    description:
      'Manage the account- and region-wide invocation logging setting. Only one environment per account and region may: turn it off in the others.',
  }),
  logRetentionDays: LOG_RETENTION.default(30).meta({
    description: `Retention of the log groups; one of CloudWatch Logs' periods (${LOG_RETENTION_DAYS.join(', ')}).`,
  }),
  transitionToIaDays: IA_TRANSITION_DAYS.default(90).meta({
    description:
      'Days before invocation-log objects move to STANDARD_IA (at least 30, less than `expirationDays`).',
  }),
  expirationDays: DAYS.default(365).meta({
    description: 'Days before invocation-log objects expire (not shorter than `objectLock.days`).',
  }),
  noncurrentExpirationDays: DAYS.default(30).meta({
    description: 'Days before noncurrent object versions are removed.',
  }),
  objectLock: OBJECT_LOCK.optional().meta({
    description:
      'Object Lock default retention (immutable logs) on the invocation-log and trail buckets.',
    defaultDescription: 'off',
  }),
  delivery: z
    .strictObject({
      text: z
        .literal(true, {
          message:
            'must be true: Claude Code calls are text, so nothing would be logged (attribution and budgets would see no usage)',
        })
        .default(true)
        .meta({
          description:
            'Record text prompts and completions. Must be `true`: Claude Code calls are text, and attribution and budgets need them.',
        }),
      image: z.boolean().default(false).meta({ description: 'Record image data.' }),
      embedding: z.boolean().default(false).meta({ description: 'Record embeddings.' }),
      video: z.boolean().default(false).meta({ description: 'Record video data.' }),
    })
    .default({ text: true, image: false, embedding: false, video: false })
    .meta({ description: 'What invocation logging records.' }),
  cloudtrail: z
    .strictObject({
      enabled: z.boolean().default(true).meta({
        description:
          "Create the trail and its bucket (turn it off when an organization trail already records this account's management events).",
      }),
      multiRegion: z.boolean().default(true).meta({ description: 'Record every region.' }),
      cloudWatchLogs: z.boolean().default(false).meta({
        description: 'Also deliver to CloudWatch Logs (retention `logRetentionDays`).',
      }),
      expirationDays: DAYS.default(365).meta({
        description: 'Days before trail objects expire (not shorter than `objectLock.days`).',
      }),
    })
    .default({ enabled: true, multiRegion: true, cloudWatchLogs: false, expirationDays: 365 })
    .meta({ description: 'The CloudTrail trail recording Bedrock API calls.' }),
};

export const LoggingSchema = z.strictObject(LOGGING_FIELDS).superRefine(checkLifecycle);
