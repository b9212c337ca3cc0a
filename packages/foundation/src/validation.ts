import {
  ACCOUNT_ID,
  BUCKET_PREFIX,
  IAM_PRINCIPAL_ARN,
  IDENTITY_CENTER_INSTANCE_ARN,
  OIDC_PROVIDER_ARN,
  PROJECT_NAME,
  REGION,
  SAML_PROVIDER_ARN,
  SYSTEM_PROFILE_ID,
  TIER_NAME,
  TEAM_ID,
} from '@claude-code-bedrock/core';
import { Token } from 'cdktf';
import { z } from 'zod';

/**
 * Accepts an unresolved cdktf token as is (its value is only known at plan time) and validates
 * every literal string with `schema`, reporting the literal in the error.
 */
export function unlessToken(schema: z.ZodType<string>) {
  return z.string().superRefine((value, ctx) => {
    if (Token.isUnresolved(value)) return;
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, input: value });
      }
    }
  });
}

/** Session durations IAM roles accept. */
export const MAX_SESSION_DURATION = z
  .number()
  .int('must be a whole number of seconds')
  .min(3600, 'must be at least 3600 seconds (IAM minimum)')
  .max(43200, 'must be at most 43200 seconds (IAM maximum)');

export const TrustSchema = z
  .strictObject({
    principals: z.array(unlessToken(IAM_PRINCIPAL_ARN)).optional(),
    saml: z
      .strictObject({
        providerArn: unlessToken(SAML_PROVIDER_ARN),
        audience: z
          .string()
          .min(1, 'must not be empty (omit it for the AWS sign-in audience)')
          .optional(),
      })
      .optional(),
    oidc: z
      .strictObject({
        providerArn: unlessToken(OIDC_PROVIDER_ARN),
        audience: z.string().min(1, 'must name the OIDC audience (client id)'),
      })
      .optional(),
  })
  .refine((t) => (t.principals?.length ?? 0) > 0 || t.saml !== undefined || t.oidc !== undefined, {
    message: 'must name principals, saml or oidc: nobody could assume the role',
  });

export const TierSchema = z.object({
  name: TIER_NAME,
  profileId: SYSTEM_PROFILE_ID,
  destinationRegions: z
    .array(z.union([z.literal('*'), REGION]))
    .min(1, 'must list at least one destination region (or * for a global profile)'),
  group: TEAM_ID.optional(),
});

const TIERS = z.array(TierSchema).min(1, 'must list at least one model tier');
const REGIONS = z.array(REGION).min(1, 'must list at least one region (or omit it)');

const RoleBase = {
  project: PROJECT_NAME,
  accountId: unlessToken(ACCOUNT_ID),
  region: unlessToken(REGION),
  trust: TrustSchema,
  tagSession: z.boolean().optional(),
  maxSessionDurationSeconds: MAX_SESSION_DURATION.optional(),
  allowedRegions: REGIONS.optional(),
};

type Ctx = z.RefinementCtx;

/** The home region must be allowed, or nothing in it (the application profiles) is usable. */
function checkHomeRegion(p: { region: string; allowedRegions?: readonly string[] }, ctx: Ctx) {
  if (!p.allowedRegions || Token.isUnresolved(p.region)) return;
  if (!p.allowedRegions.includes(p.region)) {
    ctx.addIssue({
      code: 'custom',
      path: ['allowedRegions'],
      input: p.allowedRegions,
      message: `must include the home region '${p.region}', where the application inference profiles live`,
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

export const DeveloperRolePropsSchema = z
  .object({
    ...RoleBase,
    tiers: TIERS,
    identity: z.enum(['principalTag', 'username']).optional(),
  })
  .superRefine((p, ctx) => {
    checkHomeRegion(p, ctx);
    checkDestinations(p, ctx);
  });

export const AdminRolePropsSchema = z
  .object({ ...RoleBase, bucketPrefix: BUCKET_PREFIX })
  .superRefine((p, ctx) => checkHomeRegion(p, ctx));

export const ScpDocumentPropsSchema = z
  .object({
    project: PROJECT_NAME,
    allowedRegions: REGIONS.optional(),
    tiers: TIERS,
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).optional(),
  })
  .superRefine((p, ctx) => checkDestinations(p, ctx));

/** What {@link DeveloperPermissionSet} checks itself; the role's identity mode is checked there. */
export const DeveloperPermissionSetPropsSchema = z.looseObject({
  instanceArn: unlessToken(IDENTITY_CENTER_INSTANCE_ARN),
  name: unlessToken(
    z
      .string()
      .regex(/^[\w+=,.@-]{1,32}$/, 'must be 1-32 characters of letters, digits and +=,.@_-'),
  ),
  sessionDuration: z
    .string()
    .regex(/^PT(\d+H)?(\d+M)?$/, 'must be an ISO 8601 duration such as PT8H (1 to 12 hours)')
    .optional(),
});
