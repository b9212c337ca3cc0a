import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { App, TerraformStack, Testing } from 'cdktf';
// Brings cdktf's jest matcher types (toBeValidTerraform, ...) into scope.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { PolicyOptions, PolicyRule, RuleResult, StackModel, TerraformJson } from '../src';

/** A stack with an AWS provider in a fresh test app. */
export function newStack(id = 'test'): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return { app, stack };
}

/** The stack's resolved Terraform JSON, as `cdk.tf.json` holds it. */
export function tfJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

/** Runs one rule over a stack. */
export function evaluateRule(
  rule: PolicyRule,
  stack: TerraformStack,
  options: PolicyOptions = {},
): RuleResult[] {
  return rule.evaluate({ model: new StackModel(tfJson(stack)), options });
}

/** The single result of a rule for one construct's address. */
export function resultFor(results: RuleResult[], address: string): RuleResult {
  const found = results.filter((r) => r.address === address);
  if (found.length !== 1) throw new Error(`${found.length} results for ${address}`);
  return found[0];
}

/** `type.name` address of a resource construct. */
export function addr(resource: {
  terraformResourceType: string;
  friendlyUniqueId: string;
}): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

export interface HardenedBucketParts {
  readonly bucket: S3Bucket;
  readonly document: DataAwsIamPolicyDocument;
}

/**
 * A bucket passing every S3 rule, built from raw provider resources in `scope/<id>`:
 * public access block, SSE-S3, versioning, lifecycle expiry, TLS-only policy.
 */
export function compliantBucket(scope: Construct, id: string): HardenedBucketParts {
  const parent = new Construct(scope, id);
  const bucket = new S3Bucket(parent, 'Resource', { bucket: `${id}-bucket` });
  new S3BucketPublicAccessBlock(parent, 'PublicAccessBlock', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketServerSideEncryptionConfigurationA(parent, 'Encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  new S3BucketVersioningA(parent, 'Versioning', {
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketLifecycleConfiguration(parent, 'Lifecycle', {
    bucket: bucket.id,
    rule: [{ id: 'expire', status: 'Enabled', filter: [{}], expiration: [{ days: 365 }] }],
  });
  const document = new DataAwsIamPolicyDocument(parent, 'PolicyDocument', {
    statement: [
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: 'AWS', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ],
  });
  new S3BucketPolicy(parent, 'Policy', { bucket: bucket.id, policy: document.json });
  return { bucket, document };
}

/** A synthesized environment stack (`apps/<env>` config) saved as a fixture. */
export function fixture(name: 'dev' | 'prod'): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(__dirname, 'fixtures', `${name}.cdk.tf.json`), 'utf8'),
  ) as Record<string, unknown>;
}
