import { Json, blocks, num } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bucketConfigurations, buckets } from './s3';

function expirationDays(rule: Json): number | undefined {
  if (String(rule.status ?? '') !== 'Enabled') return undefined;
  const days = blocks(rule.expiration)
    .map((e) => num(e.days))
    .filter((d): d is number => d !== undefined && d > 0);
  return days.length > 0 ? Math.min(...days) : undefined;
}

/** S3 buckets expire current objects (storage limitation). */
export const s3LifecycleExpiration: PolicyRule = {
  id: 'CCB-S3-5',
  description:
    'S3 buckets have an enabled lifecycle rule expiring current objects after N > 0 days',
  severity: 'warning',
  fix: "Add an aws_s3_bucket_lifecycle_configuration for the bucket with a rule { status = 'Enabled', expiration { days = N } } (N not shorter than any Object Lock retention)",
  checks: ['retention-windows', 'invocation-purge'],
  evaluate({ model }) {
    return buckets(model).map((bucket) => {
      const configs = bucketConfigurations(model, bucket, 'aws_s3_bucket_lifecycle_configuration');
      for (const c of configs) {
        const days = blocks(c.config.rule)
          .map(expirationDays)
          .filter((d): d is number => d !== undefined);
        if (days.length > 0) {
          return compliant(bucket, `${c.address} expires objects after ${Math.min(...days)} days`);
        }
      }
      const legacy = blocks(bucket.config.lifecycle_rule).some(
        (r) => r.enabled === true && blocks(r.expiration).some((e) => (num(e.days) ?? 0) > 0),
      );
      if (legacy) return compliant(bucket, "the bucket's lifecycle_rule expires objects");
      return configs.length > 0
        ? nonCompliant(
            bucket,
            `${configs.map((c) => c.address).join(', ')} has no enabled rule with expiration days > 0`,
          )
        : nonCompliant(bucket, 'has no aws_s3_bucket_lifecycle_configuration');
    });
  },
};
