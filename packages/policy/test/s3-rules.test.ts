import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import {
  s3Encryption,
  s3LifecycleExpiration,
  s3PublicAccessBlock,
  s3TlsOnly,
  s3Versioning,
} from '../src';
import { addr, compliantBucket, evaluateRule, newStack, resultFor } from './helpers';

function bareBucket() {
  const { stack } = newStack();
  const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
  return { stack, bucket };
}

describe('CCB-S3-1 public access block', () => {
  test('compliant: all four flags on a block referencing the bucket', () => {
    const { stack } = newStack();
    const { bucket } = compliantBucket(stack, 'logs');
    const result = resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket));
    expect(result.status).toBe('compliant');
  });

  test('compliant: a block naming the bucket literally', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketPublicAccessBlock(stack, 'pab', {
      bucket: 'bare-bucket',
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket)).status).toBe(
      'compliant',
    );
  });

  test('compliant: an account-level block with all four flags', () => {
    const { stack, bucket } = bareBucket();
    new S3AccountPublicAccessBlock(stack, 'account', {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket)).status).toBe(
      'compliant',
    );
  });

  test('non-compliant: a flag left off is named', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketPublicAccessBlock(stack, 'pab', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
    });
    const result = resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket));
    expect(result).toMatchObject({ status: 'non-compliant' });
    expect(result.reason).toContain('restrict_public_buckets');
  });

  test('non-compliant: no public access block', () => {
    const { stack, bucket } = bareBucket();
    const result = resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket));
    expect(result).toEqual({
      address: addr(bucket),
      status: 'non-compliant',
      reason: 'has no aws_s3_bucket_public_access_block',
    });
  });

  test("another bucket's block does not count", () => {
    const { stack } = newStack();
    compliantBucket(stack, 'other');
    const bucket = new S3Bucket(stack, 'bare', { bucket: 'bare-bucket' });
    expect(resultFor(evaluateRule(s3PublicAccessBlock, stack), addr(bucket)).status).toBe(
      'non-compliant',
    );
  });
});

describe('CCB-S3-2 default encryption', () => {
  test('compliant: SSE-S3', () => {
    const { stack } = newStack();
    const { bucket } = compliantBucket(stack, 'logs');
    const result = resultFor(evaluateRule(s3Encryption, stack), addr(bucket));
    expect(result.status).toBe('compliant');
    expect(result.reason).toContain('AES256');
  });

  test('compliant: SSE-KMS', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketServerSideEncryptionConfigurationA(stack, 'sse', {
      bucket: bucket.bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }],
    });
    expect(resultFor(evaluateRule(s3Encryption, stack), addr(bucket)).status).toBe('compliant');
  });

  test('non-compliant: no encryption configuration', () => {
    const { stack, bucket } = bareBucket();
    const result = resultFor(evaluateRule(s3Encryption, stack), addr(bucket));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('no aws_s3_bucket_server_side_encryption_configuration');
  });
});

describe('CCB-S3-3 TLS-only bucket policy', () => {
  test('compliant: a policy document data source denying insecure transport', () => {
    const { stack } = newStack();
    const { bucket, document } = compliantBucket(stack, 'logs');
    const result = resultFor(evaluateRule(s3TlsOnly, stack), addr(bucket));
    expect(result.status).toBe('compliant');
    expect(result.reason).toContain(`data.aws_iam_policy_document.${document.friendlyUniqueId}`);
  });

  test('compliant: a JSON policy string denying insecure transport', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketPolicy(stack, 'policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': false } },
          },
        ],
      }),
    });
    expect(resultFor(evaluateRule(s3TlsOnly, stack), addr(bucket)).status).toBe('compliant');
  });

  test('non-compliant: a policy without the deny', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketPolicy(stack, 'policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${bucket.arn}/*`,
          },
        ],
      }),
    });
    const result = resultFor(evaluateRule(s3TlsOnly, stack), addr(bucket));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('aws:SecureTransport');
  });

  test('non-compliant: a deny conditioned on TLS being used (true) is not TLS-only', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketPolicy(stack, 'policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          },
        ],
      }),
    });
    expect(resultFor(evaluateRule(s3TlsOnly, stack), addr(bucket)).status).toBe('non-compliant');
  });

  test('non-compliant: no bucket policy', () => {
    const { stack, bucket } = bareBucket();
    expect(resultFor(evaluateRule(s3TlsOnly, stack), addr(bucket))).toMatchObject({
      status: 'non-compliant',
      reason: 'has no aws_s3_bucket_policy',
    });
  });
});

describe('CCB-S3-4 versioning', () => {
  test('compliant: status Enabled', () => {
    const { stack } = newStack();
    const { bucket } = compliantBucket(stack, 'logs');
    expect(resultFor(evaluateRule(s3Versioning, stack), addr(bucket)).status).toBe('compliant');
  });

  test('non-compliant: status Suspended', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketVersioningA(stack, 'versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Suspended' },
    });
    const result = resultFor(evaluateRule(s3Versioning, stack), addr(bucket));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('Suspended');
  });

  test('non-compliant: no versioning resource', () => {
    const { stack, bucket } = bareBucket();
    expect(resultFor(evaluateRule(s3Versioning, stack), addr(bucket)).status).toBe('non-compliant');
  });
});

describe('CCB-S3-5 lifecycle expiration', () => {
  test('compliant: an enabled rule expiring objects', () => {
    const { stack } = newStack();
    const { bucket } = compliantBucket(stack, 'logs');
    const result = resultFor(evaluateRule(s3LifecycleExpiration, stack), addr(bucket));
    expect(result.status).toBe('compliant');
    expect(result.reason).toContain('365 days');
  });

  test('non-compliant: the expiring rule is disabled', () => {
    const { stack, bucket } = bareBucket();
    new S3BucketLifecycleConfiguration(stack, 'lifecycle', {
      bucket: bucket.id,
      rule: [{ id: 'expire', status: 'Disabled', filter: [{}], expiration: [{ days: 30 }] }],
    });
    expect(resultFor(evaluateRule(s3LifecycleExpiration, stack), addr(bucket)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: no lifecycle configuration', () => {
    const { stack, bucket } = bareBucket();
    expect(resultFor(evaluateRule(s3LifecycleExpiration, stack), addr(bucket)).reason).toBe(
      'has no aws_s3_bucket_lifecycle_configuration',
    );
  });
});
