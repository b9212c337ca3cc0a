import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { AthenaResultsBucket } from '../src';
import { only, synth, Synthesized } from './helpers';

describe('Athena results bucket', () => {
  const raw = Testing.synthScope((scope) => {
    new AthenaResultsBucket(scope, 'results', {
      bucketName: 'acme-claude-dev-athena-results',
      resultsExpirationDays: 30,
    });
  });
  const json = JSON.parse(raw) as Synthesized;

  test('is named {bucketPrefix}-athena-results and never force-destroyed', () => {
    const bucket = Object.values(synth().resource.aws_s3_bucket).find(
      (b) => b.bucket === 'acme-claude-dev-athena-results',
    );
    expect(bucket).toEqual(expect.objectContaining({ force_destroy: false }));
  });

  test('encrypts with SSE-S3 (AES256)', () => {
    expect(raw).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  test('is versioned', () => {
    expect(raw).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
    });
  });

  test('blocks every kind of public access', () => {
    expect(raw).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('disables ACLs (bucket owner enforced)', () => {
    expect(raw).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  test('denies every request made without TLS', () => {
    const doc = Object.values(json.data!.aws_iam_policy_document)[0] as {
      statement: Record<string, unknown>[];
    };
    expect(doc.statement).toEqual([
      expect.objectContaining({
        effect: 'Deny',
        actions: ['s3:*'],
        principals: [{ type: 'AWS', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      }),
    ]);
    expect(only(json, 'aws_s3_bucket_policy').policy).toMatch(
      /data\.aws_iam_policy_document\..*\.json/,
    );
  });

  test('expires results after the configured days, only under results/', () => {
    const rules = only(json, 'aws_s3_bucket_lifecycle_configuration').rule as Record<
      string,
      unknown
    >[];
    expect(rules).toContainEqual(
      expect.objectContaining({
        filter: [{ prefix: 'results/' }],
        expiration: [{ days: 30 }],
        status: 'Enabled',
      }),
    );
    const expiring = rules.filter((r) => r.expiration !== undefined);
    expect(expiring).toHaveLength(1);
  });

  test('expires noncurrent versions and aborts stale multipart uploads', () => {
    const rules = only(json, 'aws_s3_bucket_lifecycle_configuration').rule as Record<
      string,
      unknown
    >[];
    expect(rules).toContainEqual(
      expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 7 }] }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      }),
    );
  });

  test('uses the configured results expiration', () => {
    const rules = only(synth({ resultsExpirationDays: 3 }), 'aws_s3_bucket_lifecycle_configuration')
      .rule as Record<string, unknown>[];
    expect(rules).toContainEqual(expect.objectContaining({ expiration: [{ days: 3 }] }));
  });

  test('passes tags to the bucket', () => {
    const tagged = Testing.synthScope((scope) => {
      new AthenaResultsBucket(scope, 'results', {
        bucketName: 'b-athena-results',
        resultsExpirationDays: 1,
        tags: { Owner: 'x' },
      });
    });
    expect(tagged).toHaveResourceWithProperties(S3Bucket, { tags: { Owner: 'x' } });
  });
});
