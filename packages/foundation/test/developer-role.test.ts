import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ResolvedTier, resolveTiers, validateConfig } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import {
  DeveloperRole,
  DeveloperRoleProps,
  MANAGED_POLICY_MAX_CHARS,
  renderPolicyJson,
} from '../src';
import {
  ACCOUNT,
  CONTEXT,
  GLOBAL_TIER,
  REGION,
  ROOT_TRUST,
  TIERS,
  US_REGIONS,
  bySid,
  synthDocuments,
} from './helpers';

const BASE: DeveloperRoleProps = {
  context: CONTEXT,
  trust: ROOT_TRUST,
  tiers: TIERS,
};

function developer(props: Partial<DeveloperRoleProps> = {}) {
  return synthDocuments(
    (scope) => new DeveloperRole(scope, 'developer', { ...BASE, ...props }),
    (d) => ({ policy: d.policyDocument, trust: d.trustPolicyDocument }),
  );
}

const APP_PROFILES = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/*`;
const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const VIA_APP_PROFILE = [
  { test: 'ArnLike', variable: 'bedrock:InferenceProfileArn', values: [APP_PROFILES] },
];

describe('DeveloperRole resources', () => {
  test('creates the role {project}-developer with the configured session duration', () => {
    const { synth } = developer({ maxSessionDurationSeconds: 14400 });
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'acme-claude-developer',
      max_session_duration: 14400,
    });
  });

  test('defaults the session duration to one hour', () => {
    const { synth } = developer();
    expect(synth).toHaveResourceWithProperties(IamRole, { max_session_duration: 3600 });
  });

  test('attaches the permissions as the customer-managed policy {project}-developer', () => {
    const { synth } = developer();
    expect(synth).toHaveResourceWithProperties(IamPolicy, {
      name: 'acme-claude-developer',
      policy: expect.stringMatching(
        /^\$\{data\.aws_iam_policy_document\..*PolicyDocument.*\.json\}$/,
      ),
    });
    expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: expect.stringContaining('aws_iam_role.'),
      policy_arn: expect.stringContaining('aws_iam_policy.'),
    });
  });

  test('attachToGroup attaches the developer policy to an IAM group', () => {
    const synth = Testing.synthScope((scope) => {
      const role = new DeveloperRole(scope, 'developer', { ...BASE, identity: 'username' });
      role.attachToGroup(new IamGroup(scope, 'developers', { name: 'developers' }));
    });
    expect(synth).toHaveResourceWithProperties(IamGroupPolicyAttachment, {
      group: expect.stringContaining('aws_iam_group.'),
      policy_arn: expect.stringContaining('aws_iam_policy.'),
    });
  });

  test('accepts an unresolved account id and uses it in every ARN', () => {
    const { docs } = synthDocuments(
      (scope) =>
        new DeveloperRole(scope, 'developer', {
          ...BASE,
          context: { ...CONTEXT, accountId: new DataAwsCallerIdentity(scope, 'caller').accountId },
        }),
      (d) => ({ policy: d.policyDocument }),
    );
    expect(bySid(docs.policy, 'InvokeOwnApplicationInferenceProfiles').resources).toEqual([
      'arn:aws:bedrock:us-east-1:${data.aws_caller_identity.caller.account_id}:application-inference-profile/*',
    ]);
  });
});

describe('DeveloperRole permissions', () => {
  test('allows invoking application inference profiles only when their User tag is the caller (principal tag)', () => {
    const s = bySid(developer().docs.policy, 'InvokeOwnApplicationInferenceProfiles');
    expect(s.effect).toBe('Allow');
    expect(s.actions).toEqual(INVOKE);
    expect(s.resources).toEqual([APP_PROFILES]);
    // `&{...}` is how aws_iam_policy_document spells the IAM policy variable `${...}`.
    expect(s.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'aws:ResourceTag/User',
        values: ['&{aws:PrincipalTag/User}'],
      },
      { test: 'StringEquals', variable: 'aws:ResourceTag/Project', values: ['acme-claude'] },
    ]);
  });

  test('matches the User tag to the IAM user name in username mode', () => {
    const s = bySid(
      developer({ identity: 'username' }).docs.policy,
      'InvokeOwnApplicationInferenceProfiles',
    );
    expect(s.condition).toContainEqual({
      test: 'StringEquals',
      variable: 'aws:ResourceTag/User',
      values: ['&{aws:username}'],
    });
  });

  test('allows the system profiles of the tiers only as a hop of an application-profile call', () => {
    const s = bySid(developer().docs.policy, 'InvokeSystemProfilesOnlyViaApplicationProfiles');
    expect(s.effect).toBe('Allow');
    expect(s.actions).toEqual(INVOKE);
    expect(s.resources).toEqual([
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-opus-4-6-v1`,
      `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0`,
    ]);
    expect(s.condition).toEqual(VIA_APP_PROFILE);
  });

  test('allows each foundation model in every destination region, only via an application profile', () => {
    const s = bySid(developer().docs.policy, 'InvokeModelsOnlyViaApplicationProfiles');
    expect(s.actions).toEqual(INVOKE);
    for (const region of US_REGIONS) {
      expect(s.resources).toContain(
        `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-opus-4-6-v1`,
      );
    }
    expect(s.resources).toHaveLength(3 * US_REGIONS.length);
    expect(s.condition).toEqual(VIA_APP_PROFILE);
  });

  test('covers a global profile with the region wildcard and the region-less model ARN', () => {
    const s = bySid(
      developer({ tiers: [GLOBAL_TIER] }).docs.policy,
      'InvokeModelsOnlyViaApplicationProfiles',
    );
    expect(s.resources).toEqual([
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    ]);
  });

  test('lists each system profile and model once when tiers share a model', () => {
    const twice = resolveTiers({
      models: {
        sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        sonnetb: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
    });
    const docs = developer({ tiers: twice }).docs.policy;
    expect(bySid(docs, 'InvokeSystemProfilesOnlyViaApplicationProfiles').resources).toHaveLength(1);
    expect(bySid(docs, 'InvokeModelsOnlyViaApplicationProfiles').resources).toHaveLength(4);
  });

  test('never allows invocation without a condition except on application profiles', () => {
    const { docs } = developer();
    const invoking = docs.policy.filter(
      (s) => s.effect === 'Allow' && s.actions?.some((a) => a.startsWith('bedrock:Invoke')),
    );
    expect(invoking).toHaveLength(3);
    for (const s of invoking) expect(s.condition?.length).toBeGreaterThan(0);
  });

  test('allows listing models and profiles', () => {
    const s = bySid(developer().docs.policy, 'ListModelsAndProfiles');
    expect(s).toMatchObject({
      effect: 'Allow',
      actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    });
  });

  test('allows reading models and profiles, scoped to model and profile ARNs', () => {
    const s = bySid(developer().docs.policy, 'ReadModelsAndProfiles');
    expect(s.actions).toEqual(['bedrock:GetFoundationModel', 'bedrock:GetInferenceProfile']);
    expect(s.resources).toEqual([
      'arn:aws:bedrock:*::foundation-model/*',
      `arn:aws:bedrock:*:${ACCOUNT}:inference-profile/*`,
      APP_PROFILES,
    ]);
  });

  test('denies calling Bedrock with an API key (bearer token)', () => {
    const s = bySid(developer().docs.policy, 'DenyBedrockApiKeys');
    expect(s).toEqual({
      sid: 'DenyBedrockApiKeys',
      effect: 'Deny',
      actions: ['bedrock:CallWithBearerToken'],
      resources: ['*'],
    });
  });

  test('denies creating Bedrock service-specific credentials (long-term API keys)', () => {
    const s = bySid(developer().docs.policy, 'DenyBedrockApiKeyCreation');
    expect(s.effect).toBe('Deny');
    expect(s.actions).toEqual(['iam:CreateServiceSpecificCredential']);
    expect(s.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'iam:ServiceSpecificCredentialServiceName',
        values: ['bedrock.amazonaws.com'],
      },
    ]);
  });

  test('has no region restriction by default', () => {
    const sids = developer().docs.policy.map((s) => s.sid);
    expect(sids).not.toContain('DenyBedrockOutsideAllowedRegions');
  });

  test('denies Bedrock outside the allowed regions', () => {
    const s = bySid(
      developer({ allowedRegions: US_REGIONS }).docs.policy,
      'DenyBedrockOutsideAllowedRegions',
    );
    expect(s).toEqual({
      sid: 'DenyBedrockOutsideAllowedRegions',
      effect: 'Deny',
      actions: ['bedrock:*'],
      resources: ['*'],
      condition: [{ test: 'StringNotEquals', variable: 'aws:RequestedRegion', values: US_REGIONS }],
    });
  });

  test('lets global-profile calls through the region restriction (requested region "unspecified")', () => {
    const { docs } = developer({ allowedRegions: US_REGIONS, tiers: [...TIERS, GLOBAL_TIER] });
    const s = bySid(docs.policy, 'DenyBedrockOutsideAllowedRegions');
    expect(s.condition?.[0].values).toEqual([...US_REGIONS, 'unspecified']);
  });
});

describe('DeveloperRole policy size', () => {
  function rosterConfig(developers: number) {
    return validateConfig({
      project: 'acme-claude',
      environment: 'dev',
      region: REGION,
      bucketPrefix: 'acme-claude-dev',
      models: {
        sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        opus: { profileId: 'us.anthropic.claude-opus-4-6-v1', group: 'opus-users' },
        haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
      prices: {
        sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
        opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
        haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
      },
      teams: [{ id: 'platform', costCenter: 'CC-1', monthlyBudgetUsd: 100 }],
      developers: Array.from({ length: developers }, (_, i) => ({
        id: `dev${i}@example.com`,
        team: 'platform',
        ...(i % 3 === 0 ? { groups: ['opus-users'] } : {}),
      })),
      access: { developers: ROOT_TRUST },
      budgets: { monthlyUsd: 1000, alertEmails: ['finops@example.com'] },
      allocation: { quota: 20000 },
    });
  }

  test('is byte-identical for 5 and 5,000 developers (the policy never lists developers)', () => {
    const render = (developers: number) => {
      const config = rosterConfig(developers);
      return Testing.synthScope((scope) => {
        new DeveloperRole(scope, 'developer', {
          ...BASE,
          trust: config.access.developers,
          tiers: resolveTiers(config),
        });
      });
    };
    const small = render(5);
    const large = render(5000);
    expect(large).toBe(small);
  });

  test('stays under the managed-policy limit with 4 tiers in 4 geographies and a region restriction', () => {
    const tiers: ResolvedTier[] = resolveTiers({
      models: {
        opus: 'us.anthropic.claude-opus-4-6-v1',
        sonnet: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
        sonnetapac: 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0',
        haiku: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    let role: DeveloperRole | undefined;
    Testing.synthScope((scope) => {
      role = new DeveloperRole(scope, 'developer', {
        ...BASE,
        tiers,
        allowedRegions: [...new Set(tiers.flatMap((t) => t.destinationRegions))].filter(
          (r) => r !== '*',
        ),
      });
    });
    const json = renderPolicyJson(role!.statements);
    expect(json.length).toBe(role!.policySize);
    expect(role!.policySize).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
  });

  test('throws when the tiers make the policy exceed the managed-policy limit', () => {
    const models = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`t${i}`, `apac.anthropic.claude-model-${i}-v1:0`]),
    );
    expect(() =>
      Testing.synthScope((scope) => {
        new DeveloperRole(scope, 'developer', { ...BASE, tiers: resolveTiers({ models }) });
      }),
    ).toThrow(/tiers: make the policy longer than the 6144-character/);
  });
});

describe('DeveloperRole trust policy', () => {
  test('lets the IAM principals assume the role', () => {
    const s = bySid(developer().docs.trust, 'AssumeFromIamPrincipals');
    expect(s).toEqual({
      sid: 'AssumeFromIamPrincipals',
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'AWS', identifiers: ROOT_TRUST.principals }],
    });
  });

  test('lets IAM principals tag the session only with their own User tag', () => {
    const s = bySid(developer().docs.trust, 'TagSessionWithOwnUserTag');
    expect(s.actions).toEqual(['sts:TagSession']);
    expect(s.principals).toEqual([{ type: 'AWS', identifiers: ROOT_TRUST.principals }]);
    expect(s.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'aws:RequestTag/User',
        values: ['&{aws:PrincipalTag/User}'],
      },
    ]);
  });

  test('omits sts:TagSession when tagSession is false', () => {
    const { docs } = developer({
      tagSession: false,
      trust: { ...ROOT_TRUST, saml: { providerArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` } },
    });
    expect(docs.trust.flatMap((s) => s.actions)).not.toContain('sts:TagSession');
    expect(docs.trust.map((s) => s.sid)).toEqual(['AssumeFromIamPrincipals', 'AssumeWithSaml']);
  });

  test('trusts a SAML provider for the AWS sign-in audience by default', () => {
    const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/okta`;
    const s = bySid(developer({ trust: { saml: { providerArn } } }).docs.trust, 'AssumeWithSaml');
    expect(s.actions).toEqual(['sts:AssumeRoleWithSAML', 'sts:TagSession']);
    expect(s.principals).toEqual([{ type: 'Federated', identifiers: [providerArn] }]);
    expect(s.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'SAML:aud',
        values: ['https://signin.aws.amazon.com/saml'],
      },
    ]);
  });

  test('uses the configured SAML audience', () => {
    const trust = {
      saml: {
        providerArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta`,
        audience: 'urn:amazon:webservices',
      },
    };
    const s = bySid(developer({ trust }).docs.trust, 'AssumeWithSaml');
    expect(s.condition?.[0].values).toEqual(['urn:amazon:webservices']);
  });

  test('trusts an OIDC provider for one audience, keyed by the provider host', () => {
    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const trust = { oidc: { providerArn, audience: 'sts.amazonaws.com' } };
    const s = bySid(developer({ trust }).docs.trust, 'AssumeWithWebIdentity');
    expect(s.actions).toEqual(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    expect(s.principals).toEqual([{ type: 'Federated', identifiers: [providerArn] }]);
    expect(s.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'token.actions.githubusercontent.com:aud',
        values: ['sts.amazonaws.com'],
      },
    ]);
  });

  test('derives the OIDC condition key in Terraform when the provider ARN is a token', () => {
    const { docs } = synthDocuments(
      (scope) => {
        const provider = new IamOpenidConnectProvider(scope, 'idp', {
          url: 'https://idp.example.com',
          clientIdList: ['claude'],
        });
        return new DeveloperRole(scope, 'developer', {
          ...BASE,
          trust: { oidc: { providerArn: provider.arn, audience: 'claude' } },
        });
      },
      (d) => ({ trust: d.trustPolicyDocument }),
    );
    const s = bySid(docs.trust, 'AssumeWithWebIdentity');
    expect(s.condition?.[0].variable).toMatch(
      /^\$\{replace\(aws_iam_openid_connect_provider\.idp\.arn, .*\}:aud$/,
    );
  });
});

describe('DeveloperRole validation', () => {
  const build = (props: Partial<DeveloperRoleProps>) => () =>
    Testing.synthScope((scope) => {
      new DeveloperRole(scope, 'developer', { ...BASE, ...props });
    });

  test('rejects an empty trust', () => {
    expect(build({ trust: {} })).toThrow(/trust: must name principals, saml or oidc.*\(got \{\}\)/);
  });

  test('rejects a trust with an empty principal list', () => {
    expect(build({ trust: { principals: [] } })).toThrow(/\(got \{"principals":\[\]\}\)/);
  });

  test('rejects a malformed principal ARN, naming it', () => {
    expect(build({ trust: { principals: ['arn:aws:iam::12345:user/jane'] } })).toThrow(
      /trust\.principals\[0\]: must be an IAM principal ARN.*"arn:aws:iam::12345:user\/jane"/,
    );
  });

  test('rejects a malformed SAML provider ARN, naming it', () => {
    expect(
      build({ trust: { saml: { providerArn: 'arn:aws:iam::123456789012:oidc-provider/x' } } }),
    ).toThrow(
      /trust\.saml\.providerArn: must be a SAML provider ARN.*"arn:aws:iam::123456789012:oidc-provider\/x"/,
    );
  });

  test('rejects a malformed OIDC provider ARN, naming it', () => {
    expect(
      build({
        trust: { oidc: { providerArn: 'token.actions.githubusercontent.com', audience: 'sts' } },
      }),
    ).toThrow(
      /trust\.oidc\.providerArn: must be an OIDC provider ARN.*"token\.actions\.githubusercontent\.com"/,
    );
  });

  test('rejects a malformed account id', () => {
    expect(build({ context: { ...CONTEXT, accountId: '1234' } })).toThrow(
      /accountId: must be a 12-digit AWS account id.*"1234"/,
    );
  });

  test('rejects a malformed region', () => {
    expect(build({ context: { ...CONTEXT, region: 'useast1' } })).toThrow(
      /region: must be an AWS region code.*"useast1"/,
    );
  });

  test('rejects an invalid project name', () => {
    expect(build({ context: { ...CONTEXT, project: 'Acme_Claude' } })).toThrow(
      /project: .*"Acme_Claude"/,
    );
  });

  test('rejects a session duration outside what IAM allows', () => {
    expect(build({ maxSessionDurationSeconds: 600 })).toThrow(
      /maxSessionDurationSeconds: .*3600.*\(got 600\)/,
    );
  });

  test('rejects a tier whose profile id is not a system cross-region profile', () => {
    const tiers = [{ ...TIERS[0], profileId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }];
    expect(build({ tiers })).toThrow(
      /tiers\[0\]\.profileId: .*"anthropic\.claude-sonnet-4-5-20250929-v1:0"/,
    );
  });

  test('rejects an empty tier list', () => {
    expect(build({ tiers: [] })).toThrow(/tiers: must list at least one model tier/);
  });

  test('rejects allowed regions without the home region', () => {
    expect(
      build({
        context: { ...CONTEXT, region: 'us-west-2' },
        allowedRegions: ['us-east-1', 'us-east-2', 'us-west-1'],
      }),
    ).toThrow(/allowedRegions: must include the home region 'us-west-2'/);
  });

  test('rejects allowed regions missing a destination region of a tier', () => {
    expect(build({ allowedRegions: ['us-east-1', 'us-west-2'] })).toThrow(
      /allowedRegions: must include every destination region of tier 'sonnet' \(tiers\[0\]\): missing us-east-2, us-west-1/,
    );
  });

  test('lists every problem at once', () => {
    expect(build({ context: { ...CONTEXT, accountId: 'x' }, trust: {} })).toThrow(/has 2 problems/);
  });
});

describe('DeveloperRole deprecated top-level project, accountId and region', () => {
  const { context, ...rest } = BASE;
  const synth = (props: DeveloperRoleProps) => () =>
    Testing.synthScope((scope) => {
      new DeveloperRole(scope, 'developer', props);
    });

  test('build what context builds, and cannot be combined with it', () => {
    const flat = { ...rest, ...CONTEXT };
    expect(synth(flat)()).toEqual(synth(BASE)());
    expect(synth({ ...flat, context })).toThrow(
      /accountId: cannot be combined with context: pass it as context\.accountId/,
    );
  });
});
