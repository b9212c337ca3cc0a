import { z } from 'zod';
import { REGION } from './fields';

const CLI_PROFILE = z.string().regex(/^[\w.-]{1,64}$/, 'must be an AWS CLI profile name');

export const ClaudeCodeSchema = z.strictObject({
  awsProfile: CLI_PROFILE.default('claude-bedrock').meta({
    description:
      '`AWS_PROFILE` in the settings (IAM users, Identity Center, SAML/OIDC) and the CLI profile name.',
  }),
  sourceProfile: CLI_PROFILE.default('default').meta({
    description:
      "AWS CLI profile holding the developer's own IAM credentials, from which `awsCredentialExport` assumes the developer role with the `User` session tag (IAM principals with `identity: principalTag`).",
  }),
  awsAuthRefresh: z.string().min(1).optional().meta({
    description:
      '`awsAuthRefresh` in the settings: the command Claude Code runs to refresh credentials.',
    defaultDescription: 'none (`aws sso login` with `ssoStartUrl`)',
  }),
  ssoStartUrl: z.string().url().optional().meta({
    description:
      'IAM Identity Center start URL: the AWS CLI profile signs in to the permission set. Needs `attribution.identityCenterInstanceArn`.',
    defaultDescription: 'no Identity Center profile (a role-assumption profile)',
  }),
  cleanupPeriodDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .meta({ description: '`cleanupPeriodDays` of the managed settings.' }),
  denyPaths: z
    .array(z.string().min(1))
    .default(['.env', '.env.*', '**/secrets/**', '~/.aws/credentials', '~/.ssh/**', '**/*.pem'])
    .meta({
      description: 'Paths Claude Code must never read (managed settings `permissions.deny`).',
    }),
});

export const BackendSchema = z.strictObject({
  s3: z
    .strictObject({
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
        .meta({ description: 'An existing state bucket (dots are allowed).' }),
      key: z.string().min(1).optional().meta({
        description: 'State key.',
        defaultDescription: '`{project}/{environment}/terraform.tfstate`',
      }),
      region: REGION.optional().meta({
        description: 'Region of the state bucket.',
        defaultDescription: "the environment's region",
      }),
      useLockfile: z.boolean().default(true).meta({
        description: 'S3 native state locking (`use_lockfile`, Terraform ≥ 1.10).',
      }),
    })
    .meta({ description: 'S3 state with native locking.' }),
});

/** Default quota "Application inference profiles per account" (per account and region). */
export const DEFAULT_PROFILE_QUOTA = 1000;

/**
 * The profile-quota rule, shared by the config and the allocation construct: the profiles a roster
 * needs, plus those already in the account and region, must fit the quota. Reads its inputs
 * defensively (they may have failed their own checks): a quota that is not a whole number counts
 * as {@link DEFAULT_PROFILE_QUOTA}, and `existing` as 0. Returns the quota and total when they do
 * not fit, for the caller's message; otherwise `undefined`.
 */
export function profileQuotaExcess(
  required: number,
  quota: unknown,
  existing: unknown = 0,
): { quota: number; total: number } | undefined {
  const limit = Number.isInteger(quota) ? (quota as number) : DEFAULT_PROFILE_QUOTA;
  const total = required + (Number.isInteger(existing) ? (existing as number) : 0);
  return total > limit ? { quota: limit, total } : undefined;
}

/** Application inference profiles allowed per account and region. */
export const PROFILE_QUOTA = z
  .number()
  .int('must be a whole number of profiles')
  .positive('must be at least 1');

export const AllocationSchema = z.strictObject({
  quota: PROFILE_QUOTA.default(DEFAULT_PROFILE_QUOTA).meta({
    description:
      'Application inference profiles allowed per account and region; synthesis fails when the roster needs more.',
  }),
  shardBy: z.enum(['none', 'team']).default('none').meta({
    description:
      'Split allocation (profiles, per-developer budgets and outputs) into one stack per team.',
  }),
});
