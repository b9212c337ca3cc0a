import { TrustConfig } from '@claude-code-bedrock/core';
import { Fn, Token } from 'cdktf';
import { PolicyStatement } from './statements';

/** The audience AWS sign-in uses for SAML federation to the console and CLI. */
export const DEFAULT_SAML_AUDIENCE = 'https://signin.aws.amazon.com/saml';

/** `oidc-provider/<host>` -> `<host>`, the prefix of the provider's condition keys. */
export function oidcProviderHost(providerArn: string): string {
  if (Token.isUnresolved(providerArn)) return Fn.replace(providerArn, '/^.*:oidc-provider\\//', '');
  return providerArn.slice(providerArn.indexOf('oidc-provider/') + 'oidc-provider/'.length);
}

/**
 * Trust policy statements for a role: who may assume it and how.
 *
 * - IAM principals: `sts:AssumeRole`. With `tagSession`, also `sts:TagSession`, but only when the
 *   `User` session tag equals the caller's own `User` principal tag: callers choose their session
 *   tags, so without this condition a developer could claim someone else's identity and use that
 *   person's inference profiles.
 * - SAML: `sts:AssumeRoleWithSAML` (+ `sts:TagSession`: the IdP asserts the tags) for one provider
 *   and audience (`SAML:aud`).
 * - OIDC: `sts:AssumeRoleWithWebIdentity` (+ `sts:TagSession`) for one provider and audience
 *   (`<host>:aud`).
 */
export function trustStatements(trust: TrustConfig, tagSession: boolean): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  const principals = trust.principals ?? [];
  if (principals.length > 0) {
    const aws = [{ type: 'AWS' as const, identifiers: principals }];
    out.push({
      sid: 'AssumeFromIamPrincipals',
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: aws,
    });
    if (tagSession) {
      out.push({
        sid: 'TagSessionWithOwnUserTag',
        effect: 'Allow',
        actions: ['sts:TagSession'],
        principals: aws,
        conditions: [
          {
            test: 'StringEquals',
            variable: 'aws:RequestTag/User',
            values: ['${aws:PrincipalTag/User}'],
          },
        ],
      });
    }
  }
  if (trust.saml) {
    out.push({
      sid: 'AssumeWithSaml',
      effect: 'Allow',
      actions: tagSession
        ? ['sts:AssumeRoleWithSAML', 'sts:TagSession']
        : ['sts:AssumeRoleWithSAML'],
      principals: [{ type: 'Federated', identifiers: [trust.saml.providerArn] }],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'SAML:aud',
          values: [trust.saml.audience ?? DEFAULT_SAML_AUDIENCE],
        },
      ],
    });
  }
  if (trust.oidc) {
    out.push({
      sid: 'AssumeWithWebIdentity',
      effect: 'Allow',
      actions: tagSession
        ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']
        : ['sts:AssumeRoleWithWebIdentity'],
      principals: [{ type: 'Federated', identifiers: [trust.oidc.providerArn] }],
      conditions: [
        {
          test: 'StringEquals',
          variable: `${oidcProviderHost(trust.oidc.providerArn)}:aud`,
          values: [trust.oidc.audience],
        },
      ],
    });
  }
  return out;
}
