import { Testing } from 'cdktf';
import { HardenedBucket, HardenedBucketProps } from '../src';
import { bucketPolicyStatements, bySid, Manifest, one } from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

function synth(props: Partial<HardenedBucketProps> = {}): Manifest {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new HardenedBucket(scope, 'audit', {
        bucketName: 'acme-audit',
        expirationDays: 30,
        ...props,
      });
    }),
  ) as Manifest;
}

describe('HardenedBucket', () => {
  test('keeps objects in STANDARD when no transition is configured', () => {
    const m = synth();
    const rules = one(m, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules.map((r) => r.id)).toEqual([
      'expire-current-versions',
      'expire-noncurrent-versions',
      'abort-incomplete-multipart-uploads',
    ]);
  });

  test('uses the configured multipart-upload abort delay', () => {
    const m = synth({ abortIncompleteMultipartUploadDays: 2 });
    const rules = one(m, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const abort = rules.find((r) => r.id === 'abort-incomplete-multipart-uploads');
    expect(abort.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 2 }]);
  });

  test('appends extra policy statements built from the bucket after the TLS deny', () => {
    const m = synth({
      policyStatements: (bucket) => [
        {
          sid: 'AllowDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucket.arn}/logs/*`],
        },
      ],
    });
    const statements = bucketPolicyStatements(m, 'acme-audit');
    expect(statements.map((s) => s.sid)).toEqual(['DenyInsecureTransport', 'AllowDelivery']);
    expect(bySid(statements, 'AllowDelivery').resources).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.audit_[0-9A-F]+\.arn\}\/logs\/\*$/),
    ]);
  });

  test('expires only the objects under expirationPrefix; the other rules cover the bucket', () => {
    const rules = one(
      synth({ expirationPrefix: 'results/' }),
      'aws_s3_bucket_lifecycle_configuration',
    ).rule as any[];
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['expire-current-versions'].filter).toEqual([{ prefix: 'results/' }]);
    expect(byId['expire-noncurrent-versions'].filter).toEqual([{}]);
    expect(byId['abort-incomplete-multipart-uploads'].filter).toEqual([{}]);
  });

  test('tags the bucket only when tags are given', () => {
    expect(one(synth(), 'aws_s3_bucket').tags).toBeUndefined();
    expect(one(synth({ tags: { Owner: 'finops' } }), 'aws_s3_bucket').tags).toEqual({
      Owner: 'finops',
    });
  });

  test('names the bucket resource Resource so its logical id is the construct id', () => {
    const m = synth();
    expect(Object.keys(m.resource!.aws_s3_bucket)).toEqual([
      expect.stringMatching(/^audit_[0-9A-F]{8}$/),
    ]);
  });
});
