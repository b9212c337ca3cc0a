import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DeveloperPermissionSet, DeveloperPermissionSetProps, DeveloperRole } from '../src';
import { CONTEXT, ROOT_TRUST, TIERS, US_REGIONS } from './helpers';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

function build(
  scope: Construct,
  props: Partial<DeveloperPermissionSetProps> = {},
  identity: 'principalTag' | 'username' = 'principalTag',
) {
  const developerRole = new DeveloperRole(scope, 'developer', {
    context: CONTEXT,
    trust: ROOT_TRUST,
    tiers: TIERS,
    identity,
    allowedRegions: US_REGIONS,
  });
  const set = new DeveloperPermissionSet(scope, 'sso', {
    instanceArn: INSTANCE,
    name: 'acme-claude-bedrock',
    developerRole,
    ...props,
  });
  return { developerRole, set };
}

describe('DeveloperPermissionSet', () => {
  test('creates the permission set with a working-day session', () => {
    const synth = Testing.synthScope((scope) => {
      build(scope);
    });
    expect(synth).toHaveResourceWithProperties(SsoadminPermissionSet, {
      name: 'acme-claude-bedrock',
      instance_arn: INSTANCE,
      session_duration: 'PT8H',
    });
  });

  test('carries exactly the developer role policy: the same rendered document', () => {
    const synth = Testing.synthScope((scope) => {
      build(scope);
    });
    const json = JSON.parse(synth);
    const [policy] = Object.values(json.resource.aws_iam_policy) as { policy: string }[];
    const [inline] = Object.values(json.resource.aws_ssoadmin_permission_set_inline_policy) as {
      inline_policy: string;
    }[];
    // Both reference the one aws_iam_policy_document the role renders: they cannot drift.
    expect(inline.inline_policy).toBe(policy.policy);
    expect(inline.inline_policy).toMatch(
      /^\$\{data\.aws_iam_policy_document\.developer_PolicyDocument_[0-9A-F]+\.json\}$/,
    );
    expect(synth).toHaveResource(IamPolicy);
    expect(synth).toHaveResource(SsoadminPermissionSetInlinePolicy);
  });

  test('rejects a developer role that matches callers by IAM user name', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        build(scope, {}, 'username');
      }),
    ).toThrow(/developerRole: must match callers by their User session tag .*\(got "username"\)/);
  });

  test('rejects an instance ARN of another shape, a bad name and a bad duration, all at once', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        build(scope, {
          instanceArn: 'arn:aws:sso:::permissionSet/x',
          name: 'has spaces in it',
          sessionDuration: '8 hours',
        });
      }),
    ).toThrow(
      /instanceArn: must be an IAM Identity Center instance ARN[\s\S]*name: must be 1-32 characters[\s\S]*sessionDuration: must be an ISO 8601 duration/,
    );
  });
});
