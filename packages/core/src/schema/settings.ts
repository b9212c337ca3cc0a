import { z } from 'zod';
import { REGION } from './fields';

const CLI_PROFILE = z.string().regex(/^[\w.-]{1,64}$/, 'must be an AWS CLI profile name');

export const ClaudeCodeSchema = z.strictObject({
  /** AWS CLI profile name developers use. @default 'claude-bedrock' */
  awsProfile: CLI_PROFILE.default('claude-bedrock'),
  /**
   * AWS CLI profile holding the developer's own IAM credentials, from which Claude Code's
   * `awsCredentialExport` assumes the developer role with the `User` session tag (IAM principals
   * with `identity: principalTag`). @default 'default'
   */
  sourceProfile: CLI_PROFILE.default('default'),
  /** Command Claude Code runs to refresh credentials. @default - none */
  awsAuthRefresh: z.string().min(1).optional(),
  /** AWS IAM Identity Center start URL for the CLI profile snippet. @default - role-assumption profile */
  ssoStartUrl: z.string().url().optional(),
  /** @default 30 */
  cleanupPeriodDays: z.number().int().min(1).max(3650).default(30),
  /** Paths Claude Code must never read. */
  denyPaths: z
    .array(z.string().min(1))
    .default(['.env', '.env.*', '**/secrets/**', '~/.aws/credentials', '~/.ssh/**', '**/*.pem']),
});

export const BackendSchema = z.strictObject({
  s3: z.strictObject({
    /** An existing state bucket: dots are allowed. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    /** @default '{project}/{environment}/terraform.tfstate' */
    key: z.string().min(1).optional(),
    /** @default - the environment's region */
    region: REGION.optional(),
    /** @default true */
    useLockfile: z.boolean().default(true),
  }),
});

/** Default quota "Application inference profiles per account" (per account and region). */
export const DEFAULT_PROFILE_QUOTA = 1000;

/** Application inference profiles allowed per account and region. */
export const PROFILE_QUOTA = z
  .number()
  .int('must be a whole number of profiles')
  .positive('must be at least 1');

export const AllocationSchema = z.strictObject({
  /** Application inference profiles allowed per account and region. @default 1000 */
  quota: PROFILE_QUOTA.default(DEFAULT_PROFILE_QUOTA),
  /** Split allocation into one stack per team. @default 'none' */
  shardBy: z.enum(['none', 'team']).default('none'),
});
