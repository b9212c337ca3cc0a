import { NormalizedStatement, policyStatements } from '../iam';
import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bucketConfigurations, buckets } from './s3';

/** A Deny of every S3 action when `aws:SecureTransport` is false. */
export function isTlsOnlyDeny(s: NormalizedStatement): boolean {
  return (
    s.effect === 'Deny' &&
    (s.actions ?? []).some((a) => a === '*' || a.toLowerCase() === 's3:*') &&
    s.conditions.some(
      (c) =>
        ['bool', 'boolifexists'].includes(c.test.toLowerCase()) &&
        c.variable.toLowerCase() === 'aws:securetransport' &&
        c.values.some((v) => v.toLowerCase() === 'false'),
    )
  );
}

/** S3 bucket policies deny every request made without TLS. */
export const s3TlsOnly: PolicyRule = {
  id: 'CCB-S3-3',
  description:
    'S3 bucket policies deny requests without TLS (Deny s3:* when aws:SecureTransport is false)',
  severity: 'error',
  fix: "Add an aws_s3_bucket_policy with a statement { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucket ARN, bucket ARN + '/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }",
  checks: ['encryption'],
  evaluate({ model }) {
    return buckets(model).map((bucket) => {
      const policies = bucketConfigurations(model, bucket, 'aws_s3_bucket_policy');
      const sources = [
        ...policies.map((p) => ({ at: p.address, value: p.config.policy })),
        ...(bucket.config.policy !== undefined
          ? [{ at: bucket.address, value: bucket.config.policy }]
          : []),
      ];
      if (sources.length === 0) return nonCompliant(bucket, 'has no aws_s3_bucket_policy');
      const unresolved: string[] = [];
      for (const { at, value } of sources) {
        const read = policyStatements(value, model, at);
        unresolved.push(...read.unresolved);
        const deny = read.statements.find(isTlsOnlyDeny);
        if (deny) {
          return compliant(bucket, `${deny.source} denies s3:* when aws:SecureTransport is false`);
        }
      }
      return nonCompliant(
        bucket,
        `the bucket policy (${sources.map((s) => s.at).join(', ')}) has no Deny of s3:* when aws:SecureTransport is false` +
          (unresolved.length > 0
            ? ' (parts of it are Terraform expressions that cannot be read at synth)'
            : ''),
      );
    });
  },
};
