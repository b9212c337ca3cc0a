import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import {
  BUCKET_NAME,
  checkLifecycle,
  DAYS,
  IA_TRANSITION_DAYS,
  KEY_PREFIX,
  OBJECT_LOCK,
  tokenOr,
  validateWith,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { z } from 'zod';

/** S3 Object Lock retention mode. */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** Default Object Lock retention applied to every new object version. */
export interface ObjectLockSettings {
  /**
   * `GOVERNANCE`: users with `s3:BypassGovernanceRetention` can still delete early.
   * `COMPLIANCE`: nobody, including the root user, can delete or shorten retention.
   */
  readonly mode: ObjectLockMode;
  /** Retention per object version, in days. */
  readonly days: number;
}

export interface HardenedBucketProps {
  /** Bucket name (globally unique). */
  readonly bucketName: string;
  /** Days after which current object versions expire. */
  readonly expirationDays: number;
  /**
   * Expire only the objects under this key prefix (e.g. `results/`); the other lifecycle rules
   * still cover the whole bucket.
   * @default - every object expires
   */
  readonly expirationPrefix?: string;
  /**
   * Days after which objects move to STANDARD_IA (S3 minimum: 30). Must be less than
   * `expirationDays`.
   * @default - objects stay in STANDARD until they expire
   */
  readonly transitionToIaDays?: number;
  /**
   * Days after which noncurrent (overwritten or deleted) versions are removed.
   * @default 30
   */
  readonly noncurrentExpirationDays?: number;
  /**
   * Days after which incomplete multipart uploads are aborted (and their parts deleted).
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Object Lock default retention. Enabling it later on an existing bucket replaces the bucket.
   * `expirationDays` must not be shorter than the lock.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockSettings;
  /**
   * Extra bucket-policy statements (e.g. a service principal's write access), built from the
   * bucket so they can reference its ARN. They are added after the TLS-only deny statement.
   * @default - only the statement denying requests without TLS
   */
  readonly policyStatements?: (bucket: S3Bucket) => DataAwsIamPolicyDocumentStatement[];
  /** @default - no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const HardenedBucketPropsSchema = z
  .object({
    bucketName: tokenOr(BUCKET_NAME),
    expirationDays: DAYS,
    expirationPrefix: z
      .string()
      .refine((v) => KEY_PREFIX.safeParse(v.replace(/\/$/, '')).success, {
        message: "must be S3-safe path segments (A-Z a-z 0-9 ! _ . * ' ( ) -) such as results/",
      })
      .optional(),
    transitionToIaDays: IA_TRANSITION_DAYS.optional(),
    noncurrentExpirationDays: DAYS.optional(),
    abortIncompleteMultipartUploadDays: DAYS.optional(),
    objectLock: OBJECT_LOCK.optional(),
  })
  .superRefine(checkLifecycle);

/**
 * An S3 bucket for audit data: SSE-S3 (AES256), versioning, all four public-access-block flags,
 * `BucketOwnerEnforced` object ownership (ACLs disabled), a lifecycle (STANDARD_IA transition,
 * expiry, noncurrent-version expiry, abort incomplete multipart uploads), a bucket policy denying
 * every request without TLS, `force_destroy` off and optional Object Lock.
 */
export class HardenedBucket extends Construct {
  /** The bucket (construct id `Resource`). */
  public readonly bucket: S3Bucket;
  public readonly versioning: S3BucketVersioningA;
  public readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly lifecycle: S3BucketLifecycleConfiguration;
  /** Present when `objectLock` is set. */
  public readonly objectLockConfiguration?: S3BucketObjectLockConfigurationA;
  public readonly policyDocument: DataAwsIamPolicyDocument;
  public readonly policy: S3BucketPolicy;
  public readonly bucketName: string;
  public readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    validateWith(HardenedBucketPropsSchema, props, `HardenedBucket '${this.node.path}'`);

    this.bucket = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      // Audit data must never disappear with a `terraform destroy`: a non-empty bucket makes the
      // destroy fail instead.
      forceDestroy: false,
      ...(props.objectLock ? { objectLockEnabled: true } : {}),
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.ownershipControls = new S3BucketOwnershipControls(this, 'OwnershipControls', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });

    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    if (props.objectLock) {
      this.objectLockConfiguration = new S3BucketObjectLockConfigurationA(this, 'ObjectLock', {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        dependsOn: [this.versioning],
      });
    }

    const rules: S3BucketLifecycleConfigurationRule[] = [];
    if (props.transitionToIaDays !== undefined) {
      rules.push({
        id: 'transition-to-standard-ia',
        status: 'Enabled',
        filter: [{}],
        transition: [{ days: props.transitionToIaDays, storageClass: 'STANDARD_IA' }],
      });
    }
    rules.push(
      {
        id: 'expire-current-versions',
        status: 'Enabled',
        filter: [props.expirationPrefix !== undefined ? { prefix: props.expirationPrefix } : {}],
        expiration: [{ days: props.expirationDays }],
      },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentExpirationDays ?? 30 }],
      },
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: [{}],
        abortIncompleteMultipartUpload: [
          { daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? 7 },
        ],
      },
    );
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: rules,
      // Lifecycle rules on noncurrent versions need versioning to exist first.
      dependsOn: [this.versioning],
    });

    this.policyDocument = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        ...(props.policyStatements ? props.policyStatements(this.bucket) : []),
      ],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: this.policyDocument.json,
      // S3 rejects concurrent bucket-level changes; the public access block must be in place
      // before a policy is evaluated against it.
      dependsOn: [this.publicAccessBlock, this.ownershipControls],
    });
  }
}
