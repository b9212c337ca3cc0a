import { z } from 'zod';
import { ALLOWED_REGIONS, IAM_PRINCIPAL_ARN, OIDC_PROVIDER_ARN, SAML_PROVIDER_ARN } from './fields';
import { tokenOr } from './token';

/** Session durations IAM roles accept. */
export const MAX_SESSION_DURATION = z
  .number()
  .int('must be a whole number of seconds')
  .min(3600, 'must be at least 3600 seconds (IAM minimum)')
  .max(43200, 'must be at most 43200 seconds (IAM maximum)');

/** How a caller is matched to the `User` tag of a profile. */
export const IDENTITY_MODE = z.enum(['principalTag', 'username']);

const TrustFields = z.strictObject({
  /** IAM principals (account roots, users, roles) allowed to assume the role. @default - none */
  principals: z.array(tokenOr(IAM_PRINCIPAL_ARN)).optional(),
  /** SAML federation (sts:AssumeRoleWithSAML). @default - none */
  saml: z
    .strictObject({
      providerArn: tokenOr(SAML_PROVIDER_ARN),
      /** @default 'https://signin.aws.amazon.com/saml' */
      audience: z
        .string()
        .min(1, 'must not be empty (omit it for the AWS sign-in audience)')
        .optional(),
    })
    .optional(),
  /** OIDC federation (sts:AssumeRoleWithWebIdentity). @default - none */
  oidc: z
    .strictObject({
      providerArn: tokenOr(OIDC_PROVIDER_ARN),
      audience: z.string().min(1, 'must name the OIDC audience (client id)'),
    })
    .optional(),
});

/** Whether a trust names anyone who could assume the role. */
export function hasTrust(t: { principals?: readonly unknown[]; saml?: unknown; oidc?: unknown }) {
  return (t.principals?.length ?? 0) > 0 || t.saml !== undefined || t.oidc !== undefined;
}

/** Who may assume a role; at least one of principals, saml or oidc. */
export function trustSchema(role?: 'developer' | 'admin') {
  return TrustFields.refine(hasTrust, {
    message: `must name principals, saml or oidc: nobody could assume the ${role ? `${role} ` : ''}role`,
  });
}

export const TrustSchema = trustSchema();
export type TrustConfig = z.output<typeof TrustSchema>;

export const AccessSchema = z.strictObject({
  /** Who may assume `{project}-developer`. */
  developers: trustSchema('developer'),
  /** Who may assume `{project}-admin`. @default - the developers' IAM principals */
  admins: trustSchema('admin').optional(),
  /** How a caller is matched to the `User` tag of a profile. @default 'principalTag' */
  identity: IDENTITY_MODE.default('principalTag'),
  /** Allow sts:TagSession so federated sessions can carry a `User` tag. @default true */
  tagSession: z.boolean().default(true),
  /** @default 3600 */
  maxSessionDurationSeconds: MAX_SESSION_DURATION.default(3600),
  /** Deny every action outside these regions (aws:RequestedRegion). @default - no restriction */
  allowedRegions: ALLOWED_REGIONS.optional(),
});
