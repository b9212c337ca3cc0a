import { block, bool } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bucketConfigurations, buckets } from './s3';

/** S3 buckets have versioning enabled. */
export const s3Versioning: PolicyRule = {
  id: 'CCB-S3-4',
  description: 'S3 buckets have versioning Enabled',
  severity: 'error',
  fix: "Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = 'Enabled' }",
  checks: ['immutable-retention'],
  evaluate({ model }) {
    return buckets(model).map((bucket) => {
      const configs = bucketConfigurations(model, bucket, 'aws_s3_bucket_versioning');
      const statuses = configs.map((c) => ({
        at: c.address,
        status: String(block(c.config.versioning_configuration)?.status ?? '(unset)'),
      }));
      const enabled = statuses.find((s) => s.status === 'Enabled');
      if (enabled) return compliant(bucket, `${enabled.at} sets status Enabled`);
      if (bool(block(bucket.config.versioning)?.enabled) === true) {
        return compliant(bucket, "the bucket's versioning block is enabled");
      }
      return statuses.length > 0
        ? nonCompliant(
            bucket,
            `versioning status is ${statuses.map((s) => s.status).join(', ')}, not Enabled`,
          )
        : nonCompliant(bucket, 'has no aws_s3_bucket_versioning');
    });
  },
};
