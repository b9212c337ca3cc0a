import {
  ALLOWED_REGIONS,
  BUCKET_PREFIX,
  DeploymentContextSchema,
  IDENTITY_CENTER_INSTANCE_ARN,
  IDENTITY_MODE,
  MAX_SESSION_DURATION as CORE_MAX_SESSION_DURATION,
  PROJECT_NAME,
  ResolvedTierSchema,
  TIERS,
  TrustSchema as CORE_TRUST_SCHEMA,
  tokenOr,
  trustSchema,
} from '@claude-code-bedrock/core';
import { Token } from 'cdktf';
import { z } from 'zod';

/*
 * The foundation constructs' prop schemas, composed of core's field schemas: every rule is
 * written once, in core, and shared with the configuration file.
 */

/** @deprecated use `tokenOr` from @claude-code-bedrock/core; removed in the next minor */
export const unlessToken = tokenOr;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const MAX_SESSION_DURATION = CORE_MAX_SESSION_DURATION;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const TrustSchema = CORE_TRUST_SCHEMA;
/** @deprecated moved to @claude-code-bedrock/core as `ResolvedTierSchema`; removed in the next minor */
export const TierSchema = ResolvedTierSchema;

type Ctx = z.RefinementCtx;

/** The home region must be allowed, or nothing in it (the application profiles) is usable. */
function checkHomeRegion(
  p: { context: { region: string }; allowedRegions?: readonly string[] },
  ctx: Ctx,
) {
  const { region } = p.context;
  if (!p.allowedRegions || Token.isUnresolved(region)) return;
  if (!p.allowedRegions.includes(region)) {
    ctx.addIssue({
      code: 'custom',
      path: ['allowedRegions'],
      input: p.allowedRegions,
      message: `must include the home region '${region}', where the application inference profiles live`,
    });
  }
}

/**
 * Cross-region profiles route each request to any of their destination regions, and IAM checks
 * `aws:RequestedRegion` against the destination: a region restriction that leaves one out makes
 * a share of the calls fail at random.
 */
function checkDestinations(
  p: {
    allowedRegions?: readonly string[];
    tiers?: readonly { name: string; destinationRegions: readonly string[] }[];
  },
  ctx: Ctx,
) {
  if (!p.allowedRegions || !p.tiers) return;
  p.tiers.forEach((tier, i) => {
    const missing = tier.destinationRegions.filter(
      (r) => r !== '*' && !p.allowedRegions!.includes(r),
    );
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedRegions'],
        input: p.allowedRegions,
        message: `must include every destination region of tier '${tier.name}' (tiers[${i}]): missing ${missing.join(', ')}; Bedrock routes cross-region calls there`,
      });
    }
  });
}

const roleFields = (role: 'developer' | 'admin') => ({
  context: DeploymentContextSchema,
  trust: trustSchema(role),
  tagSession: z.boolean().optional(),
  maxSessionDurationSeconds: CORE_MAX_SESSION_DURATION.optional(),
  allowedRegions: ALLOWED_REGIONS.optional(),
});

export const DeveloperRolePropsSchema = z
  .object({ ...roleFields('developer'), tiers: TIERS, identity: IDENTITY_MODE.optional() })
  .superRefine((p, ctx) => {
    checkHomeRegion(p, ctx);
    checkDestinations(p, ctx);
  });

export const AdminRolePropsSchema = z
  .object({ ...roleFields('admin'), bucketPrefix: BUCKET_PREFIX })
  .superRefine((p, ctx) => checkHomeRegion(p, ctx));

export const ScpDocumentPropsSchema = z
  .object({
    project: PROJECT_NAME,
    allowedRegions: ALLOWED_REGIONS.optional(),
    tiers: TIERS,
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).optional(),
  })
  .superRefine((p, ctx) => checkDestinations(p, ctx));

/** What {@link DeveloperPermissionSet} checks itself; the role's identity mode is checked there. */
export const DeveloperPermissionSetPropsSchema = z.looseObject({
  instanceArn: tokenOr(IDENTITY_CENTER_INSTANCE_ARN),
  name: tokenOr(
    z
      .string()
      .regex(/^[\w+=,.@-]{1,32}$/, 'must be 1-32 characters of letters, digits and +=,.@_-'),
  ),
  sessionDuration: z
    .string()
    .regex(/^PT(\d+H)?(\d+M)?$/, 'must be an ISO 8601 duration such as PT8H (1 to 12 hours)')
    .optional(),
});
