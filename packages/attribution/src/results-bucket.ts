import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/** Key prefix of Athena query results (expired by the lifecycle rule). */
export const RESULTS_PREFIX = 'results/';

export interface AthenaResultsBucketProps {
  /** Bucket name. */
  readonly bucketName: string;
  /** Days after which objects under `results/` expire. */
  readonly resultsExpirationDays: number;
  /**
   * Days after which replaced (noncurrent) object versions expire, anywhere in the bucket.
   * @default 7
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** @default - no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The Athena results bucket, hardened like the invocation-log bucket: SSE-S3, versioning, every
 * public-access-block flag, bucket-owner-enforced ownership, TLS-only policy; results expire.
 */
export class AthenaResultsBucket extends Construct {
  public readonly resource: S3Bucket;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly versioning: S3BucketVersioningA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly policy: S3BucketPolicy;
  public readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: AthenaResultsBucketProps) {
    super(scope, id);
    this.resource = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      forceDestroy: false,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.bucketName = this.resource.bucket;
    this.bucketArn = this.resource.arn;

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.resource.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      bucket: this.resource.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.resource.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ownershipControls = new S3BucketOwnershipControls(this, 'OwnershipControls', {
      bucket: this.resource.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    const tlsOnly = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.resource.arn, `${this.resource.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      bucket: this.resource.id,
      policy: tlsOnly.json,
      // A policy put before the public access block exists can be rejected as public.
      dependsOn: [this.publicAccessBlock],
    });

    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.resource.id,
      rule: [
        {
          id: 'expire-query-results',
          status: 'Enabled',
          filter: [{ prefix: RESULTS_PREFIX }],
          expiration: [{ days: props.resultsExpirationDays }],
        },
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [
            { noncurrentDays: props.noncurrentVersionExpirationDays ?? 7 },
          ],
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [this.versioning],
    });
  }
}
