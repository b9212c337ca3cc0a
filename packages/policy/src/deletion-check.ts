/**
 * The deletion side of the report: when data can be erased (lifecycle expiry, log retention) and
 * what prevents it (Object Lock COMPLIANCE mode, reported as a conflict with erasure requests).
 */
import { actionCovers, rolePermissionStatements } from './iam';
import { StackModel, TfElement, block, blocks, num } from './model';
import { CheckFindings } from './controls';

export const BUCKET_REF = { attributes: ['bucket', 'id'], literalKey: 'bucket' };
const CONFIG_REF = { attributes: ['id', 'bucket'], literalKey: 'bucket' };
const GROUP_REF = { attributes: ['name', 'id'], literalKey: 'name' };

/** The action that lets a principal delete a GOVERNANCE-locked version early. */
export const BYPASS_GOVERNANCE_ACTION = 's3:BypassGovernanceRetention';

/** Buckets that invocation logging delivers prompts and completions to. */
export function invocationLogBuckets(model: StackModel): TfElement[] {
  const names = model
    .ofType('aws_bedrock_model_invocation_logging_configuration')
    .map((c) => block(block(c.config.logging_config)?.s3_config)?.bucket_name)
    .filter((n) => n !== undefined);
  return model
    .ofType('aws_s3_bucket')
    .filter((b) => names.some((n) => model.designates(n, b, BUCKET_REF)));
}

/** Log groups that invocation logging delivers to. */
export function invocationLogGroups(model: StackModel): TfElement[] {
  const names = model
    .ofType('aws_bedrock_model_invocation_logging_configuration')
    .map((c) => block(block(c.config.logging_config)?.cloudwatch_config)?.log_group_name)
    .filter((n) => n !== undefined);
  return model
    .ofType('aws_cloudwatch_log_group')
    .filter((g) => names.some((n) => model.designates(n, g, GROUP_REF)));
}

/** An Object Lock default retention: mode and period, as synthesized. */
export interface LockRetention {
  readonly lock: TfElement;
  readonly bucket?: TfElement;
  readonly mode: string;
  /** `2555 days`, `7 years`. */
  readonly period: string;
}

/** Every `aws_s3_bucket_object_lock_configuration` with a default retention. */
export function lockRetentions(model: StackModel): LockRetention[] {
  return model.ofType('aws_s3_bucket_object_lock_configuration').flatMap((lock) => {
    const r = block(block(lock.config.rule)?.default_retention);
    const days = num(r?.days);
    const years = num(r?.years);
    if (!r || (!(days && days > 0) && !(years && years > 0))) return [];
    const bucket = model
      .ofType('aws_s3_bucket')
      .find((b) => model.designates(lock.config.bucket, b, CONFIG_REF));
    const period = days && days > 0 ? `${days} days` : `${years} years`;
    return [{ lock, bucket, mode: String(r.mode ?? '(mode unset)'), period }];
  });
}

/** Roles of the stack allowed `s3:BypassGovernanceRetention` (any Allow covering it). */
export function governanceBypassRoles(model: StackModel): string[] {
  return model
    .ofType('aws_iam_role')
    .filter((role) =>
      rolePermissionStatements(role, model).statements.some(
        (s) =>
          s.effect === 'Allow' &&
          (s.actions ?? []).some((a) => actionCovers(a, BYPASS_GOVERNANCE_ACTION)),
      ),
    )
    .map((r) => r.address);
}

/**
 * Object Lock seen from an erasure request: COMPLIANCE mode is a conflict (nobody can delete a
 * locked version before its retention ends); GOVERNANCE mode is evidence, naming who can bypass.
 */
export function objectLockErasure(model: StackModel): Required<Omit<CheckFindings, 'gaps'>> {
  const addresses: string[] = [];
  const evidence: string[] = [];
  const conflicts: string[] = [];
  const retentions = lockRetentions(model);
  const bypass = retentions.some((r) => r.mode === 'GOVERNANCE')
    ? governanceBypassRoles(model)
    : [];
  for (const { lock, bucket, mode, period } of retentions) {
    addresses.push(lock.address);
    const where = `${lock.address}${bucket ? ` (bucket ${bucket.address})` : ''}`;
    if (mode === 'COMPLIANCE') {
      conflicts.push(
        `${where}: Object Lock COMPLIANCE mode with a default retention of ${period} (logging.objectLock.days): no one, the root user included, can delete an object version before its retention ends, so a data-subject erasure request for data in this bucket cannot be honoured until up to ${period} after the data was written. Way out: logging.objectLock.mode GOVERNANCE with s3:BypassGovernanceRetention granted to a break-glass role only, or a shorter logging.objectLock.days; either applies to objects written afterwards (versions already locked keep their retain-until date).`,
      );
    } else if (mode === 'GOVERNANCE') {
      evidence.push(
        `${where}: Object Lock GOVERNANCE mode for ${period}: a version can be erased earlier by a principal allowed ${BYPASS_GOVERNANCE_ACTION} (with the x-amz-bypass-governance-retention header); roles of this stack allowed it: ${bypass.length > 0 ? bypass.join(', ') : 'none (grant it to a break-glass role before you need it)'}`,
      );
    } else {
      evidence.push(`${where}: Object Lock ${mode} for ${period}`);
    }
  }
  return {
    addresses,
    evidence,
    conflicts,
    notConfigured: [],
    caveats: [],
    configKeys: conflicts.length > 0 ? ['logging.objectLock.mode', 'logging.objectLock.days'] : [],
  };
}

/** Enabled lifecycle rules' current and noncurrent expiry (days) for a bucket. */
function expiry(model: StackModel, bucket: TfElement) {
  const configs = model.pointingAt(
    'aws_s3_bucket_lifecycle_configuration',
    'bucket',
    bucket,
    CONFIG_REF,
  );
  const rules = configs.flatMap((c) => blocks(c.config.rule).filter((r) => r.status === 'Enabled'));
  const days = (values: (number | undefined)[]) =>
    values.filter((d): d is number => d !== undefined && d > 0).sort((a, b) => a - b)[0];
  return {
    configs,
    current: days(rules.flatMap((r) => blocks(r.expiration).map((e) => num(e.days)))),
    noncurrent: days(
      rules.flatMap((r) =>
        blocks(r.noncurrent_version_expiration).map((e) => num(e.noncurrent_days)),
      ),
    ),
  };
}

/** Prompts and completions stored by invocation logging expire. */
export function invocationPurge(model: StackModel): CheckFindings {
  const buckets = invocationLogBuckets(model);
  const groups = invocationLogGroups(model);
  if (buckets.length === 0 && groups.length === 0) {
    return {
      addresses: [],
      evidence: [],
      gaps: [
        'no invocation logging destination (no aws_bedrock_model_invocation_logging_configuration with S3 or CloudWatch Logs)',
      ],
    };
  }
  const addresses: string[] = [];
  const evidence: string[] = [];
  const gaps: string[] = [];
  for (const bucket of buckets) {
    const { configs, current, noncurrent } = expiry(model, bucket);
    addresses.push(bucket.address, ...configs.map((c) => c.address));
    if (current === undefined)
      gaps.push(`${bucket.address}: no enabled lifecycle rule expires current versions`);
    if (noncurrent === undefined)
      gaps.push(`${bucket.address}: no enabled lifecycle rule expires noncurrent versions`);
    if (current !== undefined && noncurrent !== undefined) {
      evidence.push(
        `${bucket.address}: prompts and completions expire ${current} days after they are written, replaced or deleted versions ${noncurrent} days later`,
      );
    }
  }
  for (const group of groups) {
    addresses.push(group.address);
    const days = num(group.config.retention_in_days);
    if (days !== undefined && days > 0) evidence.push(`${group.address}: events kept ${days} days`);
  }
  return { addresses, evidence, gaps };
}
