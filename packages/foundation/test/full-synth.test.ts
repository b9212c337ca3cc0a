import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { terraformValidate } from '@claude-code-bedrock/testing';
import { AdminRole, DeveloperRole, ScpDocument } from '../src';
import { ACCOUNT, CONTEXT, GLOBAL_TIER, REGION, ROOT_TRUST, TIERS, US_REGIONS } from './helpers';

test('synthesizes valid Terraform in a full stack with a provider', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'foundation');
  new AwsProvider(stack, 'aws', { region: REGION });
  const tiers = [...TIERS, GLOBAL_TIER];
  const developer = new DeveloperRole(stack, 'developer', {
    context: CONTEXT,
    trust: { ...ROOT_TRUST, saml: { providerArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` } },
    tiers,
    allowedRegions: US_REGIONS,
  });
  const admin = new AdminRole(stack, 'admin', {
    context: CONTEXT,
    bucketPrefix: 'acme-claude-dev',
    trust: ROOT_TRUST,
  });
  const scp = new ScpDocument(stack, 'scp', {
    project: 'acme-claude',
    tiers,
    allowedRegions: US_REGIONS,
  });
  new TerraformOutput(stack, 'developer_role_arn', { value: developer.roleArn });
  new TerraformOutput(stack, 'admin_role_arn', { value: admin.roleArn });
  new TerraformOutput(stack, 'scp_policy_json', { value: scp.json });

  // `terraform init` (provider from the machine's mirror) and `validate` of a full synth.
  expect(terraformValidate(stack)).toMatchObject({ valid: true });
}, 120_000);
