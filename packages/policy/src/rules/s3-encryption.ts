import { Json, block, blocks } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bucketConfigurations, buckets } from './s3';

const ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];

function algorithms(config: Json): string[] {
  return blocks(config.rule).flatMap((r) =>
    blocks(r.apply_server_side_encryption_by_default).map((d) => String(d.sse_algorithm ?? '')),
  );
}

/** S3 buckets have default server-side encryption (SSE-S3 or SSE-KMS). */
export const s3Encryption: PolicyRule = {
  id: 'CCB-S3-2',
  description: 'S3 buckets have default server-side encryption (AES256 or aws:kms)',
  severity: 'error',
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration for the bucket with sse_algorithm 'AES256' (SSE-S3; keeps Athena reads working) or 'aws:kms'",
  checks: ['encryption'],
  evaluate({ model }) {
    return buckets(model).map((bucket) => {
      const configs = bucketConfigurations(
        model,
        bucket,
        'aws_s3_bucket_server_side_encryption_configuration',
      );
      const legacy = block(bucket.config.server_side_encryption_configuration);
      const found = [
        ...configs.flatMap((c) => algorithms(c.config).map((a) => ({ a, at: c.address }))),
        ...(legacy ? algorithms(legacy).map((a) => ({ a, at: bucket.address })) : []),
      ];
      const good = found.find((f) => ALGORITHMS.includes(f.a));
      if (good) return compliant(bucket, `${good.at} sets sse_algorithm ${good.a}`);
      return found.length > 0
        ? nonCompliant(
            bucket,
            `sse_algorithm ${found.map((f) => JSON.stringify(f.a)).join(', ')} is not one of ${ALGORITHMS.join(', ')}`,
          )
        : nonCompliant(bucket, 'has no aws_s3_bucket_server_side_encryption_configuration');
    });
  },
};
