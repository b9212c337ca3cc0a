import {
  attachedTo,
  bucketId,
  bucketPolicyStatements,
  bySid,
  conditionsOf,
  LOG_BUCKET,
  manifest,
  one,
  TRAIL_BUCKET,
} from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

// Both buckets (invocation logs and CloudTrail) get the same hardening.
describe.each([
  ['invocation-log bucket', LOG_BUCKET, 365],
  ['CloudTrail bucket', TRAIL_BUCKET, 365],
])('%s', (_label, bucketName, defaultExpiry) => {
  const m = manifest();

  test('exists with force_destroy off and no Object Lock by default', () => {
    const bucket = one(m, 'aws_s3_bucket', (b) => b.bucket === bucketName);
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.object_lock_enabled).toBeUndefined();
    expect(attachedTo(m, 'aws_s3_bucket_object_lock_configuration', bucketName)).toHaveLength(0);
  });

  test('is encrypted with SSE-S3 (AES256), not KMS', () => {
    const [sse] = attachedTo(m, 'aws_s3_bucket_server_side_encryption_configuration', bucketName);
    expect(sse.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  test('has versioning enabled', () => {
    const [versioning] = attachedTo(m, 'aws_s3_bucket_versioning', bucketName);
    expect(versioning.versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('blocks all four kinds of public access', () => {
    const [pab] = attachedTo(m, 'aws_s3_bucket_public_access_block', bucketName);
    expect(pab).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('disables ACLs with BucketOwnerEnforced ownership', () => {
    const [ownership] = attachedTo(m, 'aws_s3_bucket_ownership_controls', bucketName);
    expect(ownership.rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  test('has lifecycle rules for IA transition, expiry, noncurrent expiry and multipart uploads', () => {
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', bucketName);
    const rules = lifecycle.rule as any[];
    const rule = (id: string) => rules.find((r) => r.id === id);
    expect(rule('transition-to-standard-ia').transition).toEqual([
      { days: 90, storage_class: 'STANDARD_IA' },
    ]);
    expect(rule('expire-current-versions').expiration).toEqual([{ days: defaultExpiry }]);
    expect(rule('expire-noncurrent-versions').noncurrent_version_expiration).toEqual([
      { noncurrent_days: 30 },
    ]);
    expect(rule('abort-incomplete-multipart-uploads').abort_incomplete_multipart_upload).toEqual([
      { days_after_initiation: 7 },
    ]);
  });

  test('gives every lifecycle rule an explicit empty filter and enables it', () => {
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', bucketName);
    expect(lifecycle.rule).toHaveLength(4);
    for (const rule of lifecycle.rule) {
      expect(rule.filter).toEqual([{}]);
      expect(rule.status).toBe('Enabled');
    }
  });

  test('creates the lifecycle after versioning', () => {
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', bucketName);
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  test('denies every request without TLS', () => {
    const deny = bySid(bucketPolicyStatements(m, bucketName), 'DenyInsecureTransport');
    const id = bucketId(m, bucketName);
    expect(deny).toMatchObject({
      effect: 'Deny',
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['s3:*'],
      resources: [`\${aws_s3_bucket.${id}.arn}`, `\${aws_s3_bucket.${id}.arn}/*`],
    });
    expect(conditionsOf(deny)).toEqual({ 'Bool aws:SecureTransport': ['false'] });
  });

  test('applies the bucket policy after the public access block and ownership controls', () => {
    const [policy] = attachedTo(m, 'aws_s3_bucket_policy', bucketName);
    expect(policy.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_s3_bucket_public_access_block\./),
        expect.stringMatching(/^aws_s3_bucket_ownership_controls\./),
      ]),
    );
  });
});

describe('lifecycle settings', () => {
  test('follow the props on the invocation-log bucket', () => {
    const m = manifest({
      transitionToIaDays: 45,
      expirationDays: 400,
      noncurrentExpirationDays: 7,
    });
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', LOG_BUCKET);
    const rule = (id: string) => (lifecycle.rule as any[]).find((r) => r.id === id);
    expect(rule('transition-to-standard-ia').transition[0].days).toBe(45);
    expect(rule('expire-current-versions').expiration[0].days).toBe(400);
    expect(
      rule('expire-noncurrent-versions').noncurrent_version_expiration[0].noncurrent_days,
    ).toBe(7);
  });

  test('expire trail files after cloudtrail.expirationDays', () => {
    const m = manifest({ cloudtrail: { expirationDays: 2557 } });
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', TRAIL_BUCKET);
    const rule = (lifecycle.rule as any[]).find((r) => r.id === 'expire-current-versions');
    expect(rule.expiration[0].days).toBe(2557);
  });

  test('skip the trail bucket IA transition when trail files expire first', () => {
    const m = manifest({ cloudtrail: { expirationDays: 60 } });
    const [lifecycle] = attachedTo(m, 'aws_s3_bucket_lifecycle_configuration', TRAIL_BUCKET);
    expect((lifecycle.rule as any[]).map((r) => r.id)).not.toContain('transition-to-standard-ia');
  });
});

describe('Object Lock', () => {
  const m = manifest({ objectLock: { mode: 'COMPLIANCE', days: 365 } });

  test.each([LOG_BUCKET, TRAIL_BUCKET])('is enabled on %s at creation', (bucketName) => {
    const bucket = one(m, 'aws_s3_bucket', (b) => b.bucket === bucketName);
    expect(bucket.object_lock_enabled).toBe(true);
  });

  test.each([LOG_BUCKET, TRAIL_BUCKET])('sets default retention on %s', (bucketName) => {
    const [lock] = attachedTo(m, 'aws_s3_bucket_object_lock_configuration', bucketName);
    expect(lock.rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 365 } });
    expect(lock.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  test('supports GOVERNANCE mode', () => {
    const g = manifest({ objectLock: { mode: 'GOVERNANCE', days: 90 } });
    const [lock] = attachedTo(g, 'aws_s3_bucket_object_lock_configuration', LOG_BUCKET);
    expect(lock.rule.default_retention).toEqual({ mode: 'GOVERNANCE', days: 90 });
  });
});
