import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { HardenedBucket } from '@claude-code-bedrock/logging';
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
 * The Athena results bucket: a {@link HardenedBucket} (SSE-S3, versioning, every public-access-block
 * flag, bucket-owner-enforced ownership, TLS-only policy, never force-destroyed) whose query
 * results under `results/` expire; the profile mapping objects elsewhere in the bucket stay.
 * Multipart uploads left by cancelled queries are aborted after a day.
 */
export class AthenaResultsBucket extends HardenedBucket {
  /** @deprecated use `bucket` (the HardenedBucket field); removed in the next minor */
  public readonly resource: S3Bucket;

  constructor(scope: Construct, id: string, props: AthenaResultsBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      expirationDays: props.resultsExpirationDays,
      expirationPrefix: RESULTS_PREFIX,
      noncurrentExpirationDays: props.noncurrentVersionExpirationDays ?? 7,
      abortIncompleteMultipartUploadDays: 1,
      tags: props.tags,
    });
    this.resource = this.bucket;
  }
}
