import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformStack, Testing } from 'cdktf';
import { terraformValidate } from '@claude-code-bedrock/testing';
import { BedrockAuditLogging } from '../src';

// `terraform init` + `validate`, with the provider from the machine's filesystem mirror.

test('a stack with every option on is valid Terraform', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'logging');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const me = new DataAwsCallerIdentity(stack, 'me');
  const logging = new BedrockAuditLogging(stack, 'logs', {
    context: { project: 'acme', accountId: me.accountId, region: 'us-east-1' },
    bucketPrefix: 'acme-dev',
    objectLock: { mode: 'GOVERNANCE', days: 365 },
    expirationDays: 400,
    delivery: { image: true },
    cloudtrail: { cloudWatchLogs: true, multiRegion: false, expirationDays: 730 },
  });
  logging.grantRead(new IamRole(stack, 'analyst', { name: 'analyst', assumeRolePolicy: '{}' }));
  expect(terraformValidate(stack)).toMatchObject({ valid: true });
}, 60_000);
