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
  principals: z.array(tokenOr(IAM_PRINCIPAL_ARN)).optional().meta({
    description: 'IAM principals (account roots, users, roles) allowed to assume the role.',
    defaultDescription: 'none',
  }),
  saml: z
    .strictObject({
      providerArn: tokenOr(SAML_PROVIDER_ARN).meta({
        description: 'ARN of the IAM SAML provider.',
      }),
      audience: z
        .string()
        .min(1, 'must not be empty (omit it for the AWS sign-in audience)')
        .optional()
        .meta({
          description: 'Expected `SAML:aud`.',
          defaultDescription: '`https://signin.aws.amazon.com/saml`',
        }),
    })
    .optional()
    .meta({
      description:
        'SAML federation (`sts:AssumeRoleWithSAML`); the IdP asserts `PrincipalTag:User`.',
      defaultDescription: 'none',
    }),
  oidc: z
    .strictObject({
      providerArn: tokenOr(OIDC_PROVIDER_ARN).meta({
        description: 'ARN of the IAM OIDC provider.',
      }),
      audience: z
        .string()
        .min(1, 'must name the OIDC audience (client id)')
        .meta({ description: 'The OIDC audience (client id).' }),
    })
    .optional()
    .meta({
      description:
        'OIDC federation (`sts:AssumeRoleWithWebIdentity`); the IdP asserts `principal_tags.User`.',
      defaultDescription: 'none',
    }),
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
  developers: trustSchema('developer').meta({
    description:
      'Who may assume `{project}-developer`: at least one of `principals`, `saml`, `oidc`.',
  }),
  admins: trustSchema('admin').optional().meta({
    description: 'Who may assume `{project}-admin`.',
    defaultDescription:
      "the developers' IAM principals (then `access.developers.principals` is required)",
  }),
  identity: IDENTITY_MODE.default('principalTag').meta({
    description:
      "ABAC: match the profile's `User` tag to `${aws:PrincipalTag/User}` (`principalTag`) or `${aws:username}` (`username`, IAM users named after the id). `principalTag` is required with `attribution.identityCenterInstanceArn`.",
  }),
  tagSession: z.boolean().default(true).meta({
    description:
      'Allow `sts:TagSession`, so federated and assumed sessions can carry the `User` tag.',
  }),
  maxSessionDurationSeconds: MAX_SESSION_DURATION.default(3600).meta({
    description: 'Maximum session duration of both roles, in seconds.',
  }),
  allowedRegions: ALLOWED_REGIONS.optional().meta({
    description:
      'Deny every action outside these regions (`aws:RequestedRegion`), in the roles and the SCP.',
    defaultDescription: 'no restriction',
  }),
});
