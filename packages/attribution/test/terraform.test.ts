import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { terraformValidate } from '@claude-code-bedrock/testing';
import { CostAttribution } from '../src';
import { CONTEXT, PRICES, PROFILES, TIERS } from './helpers';

jest.setTimeout(120_000);

test('a full stack with every option is valid Terraform', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'attribution');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const logBucket = new S3Bucket(stack, 'LogBucket', {
    bucket: 'acme-claude-dev-bedrock-invocation-logs',
  });
  new CostAttribution(stack, 'attribution', {
    context: CONTEXT,
    bucketPrefix: 'acme-claude-dev',
    logBucket,
    logKeyPrefix: 'bedrock',
    prices: PRICES,
    tiers: TIERS,
    profiles: [
      ...PROFILES,
      { ...PROFILES[0], tier: 'sonnet', profileArn: `${logBucket.arn}-profile` },
    ],
    activateCostAllocationTags: true,
  });
  expect(terraformValidate(stack)).toMatchObject({ valid: true });
});
