import { bool } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bucketConfigurations, buckets } from './s3';

const FLAGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

/** S3 buckets have a public access block with all four flags on (bucket or account level). */
export const s3PublicAccessBlock: PolicyRule = {
  id: 'CCB-S3-1',
  description: 'S3 buckets block public access: all four public-access-block flags are true',
  severity: 'error',
  fix: 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true',
  checks: ['least-privilege'],
  evaluate({ model }) {
    const accountBlock = model
      .ofType('aws_s3_account_public_access_block')
      .find((a) => FLAGS.every((f) => bool(a.config[f]) === true));
    return buckets(model).map((bucket) => {
      if (accountBlock) {
        return compliant(bucket, `account-level block ${accountBlock.address} sets all four flags`);
      }
      const pabs = bucketConfigurations(model, bucket, 'aws_s3_bucket_public_access_block');
      if (pabs.length === 0)
        return nonCompliant(bucket, 'has no aws_s3_bucket_public_access_block');
      const best = pabs
        .map((p) => ({ p, missing: FLAGS.filter((f) => bool(p.config[f]) !== true) }))
        .sort((a, b) => a.missing.length - b.missing.length)[0];
      return best.missing.length === 0
        ? compliant(bucket, `${best.p.address} sets all four flags`)
        : nonCompliant(bucket, `${best.p.address} does not set ${best.missing.join(', ')} to true`);
    });
  },
};
