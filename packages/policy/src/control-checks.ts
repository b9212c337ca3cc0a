/** The structural part of each check: what the synthesized configuration must contain. */
import { rolePermissionStatements } from './iam';
import { StackModel, block, blocks, bool, num, strings } from './model';
import { CheckId, DEVELOPER_ROLE_TAG, PolicyOptions } from './rule';
import { developerRoles } from './rules';
import { CheckFindings } from './controls';
import {
  BUCKET_REF,
  invocationLogBuckets,
  invocationPurge,
  objectLockErasure,
} from './deletion-check';
import { privateNetworkPath } from './network-check';

function managedSettings(model: StackModel): { value?: Record<string, unknown>; gap?: string } {
  if (!('managed_settings' in model.outputs))
    return { gap: 'the stack has no managed_settings output' };
  const value = model.outputs.managed_settings;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { gap: 'output managed_settings is not a literal JSON object' };
  }
  return { value: value as Record<string, unknown> };
}

type Checker = (model: StackModel, options: PolicyOptions) => CheckFindings;

export const CHECKERS: Record<CheckId, Checker> = {
  'access-logging': (model) => {
    const trails = model.ofType('aws_cloudtrail');
    if (trails.length === 0)
      return {
        addresses: [],
        evidence: [],
        gaps: [],
        notConfigured: ['no aws_cloudtrail trail in this stack'],
        configKeys: ['logging.cloudtrail.enabled'],
      };
    const addresses: string[] = [];
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const trail of trails) {
      const problem = [
        bool(trail.config.enable_logging) === false ? 'enable_logging is false' : undefined,
        bool(trail.config.enable_log_file_validation) !== true
          ? 'log file validation is off'
          : undefined,
      ].filter(Boolean);
      if (problem.length > 0) {
        problems.push(`${trail.address}: ${problem.join(', ')}`);
        continue;
      }
      const buckets = model
        .ofType('aws_s3_bucket')
        .filter((b) => model.designates(trail.config.s3_bucket_name, b, BUCKET_REF));
      addresses.push(trail.address, ...buckets.map((b) => b.address));
      const multi =
        bool(trail.config.is_multi_region_trail) === true ? 'multi-region' : 'single-region';
      evidence.push(`${trail.address}: logging on, log file validation on, ${multi}`);
    }
    return { addresses, evidence, gaps: addresses.length > 0 ? [] : problems };
  },

  'content-audit-trail': (model) => {
    const configs = model.ofType('aws_bedrock_model_invocation_logging_configuration');
    if (configs.length === 0) {
      return {
        addresses: [],
        evidence: [],
        gaps: ['no aws_bedrock_model_invocation_logging_configuration'],
      };
    }
    const addresses: string[] = [];
    const evidence: string[] = [];
    const gaps: string[] = [];
    for (const c of configs) {
      const logging = block(c.config.logging_config) ?? {};
      const s3 = block(logging.s3_config)?.bucket_name;
      const cw = block(logging.cloudwatch_config)?.log_group_name;
      const missing = [
        bool(logging.text_data_delivery_enabled) !== true ? 'text delivery is off' : undefined,
        !s3 ? 'no S3 destination' : undefined,
        !cw ? 'no CloudWatch Logs destination' : undefined,
      ].filter((m): m is string => m !== undefined);
      if (missing.length > 0) {
        gaps.push(`${c.address}: ${missing.join(', ')}`);
        continue;
      }
      const buckets = model
        .ofType('aws_s3_bucket')
        .filter((b) => model.designates(s3, b, BUCKET_REF));
      const groups = model
        .ofType('aws_cloudwatch_log_group')
        .filter((g) => model.designates(cw, g, { attributes: ['name', 'id'], literalKey: 'name' }));
      addresses.push(c.address, ...buckets.map((b) => b.address), ...groups.map((g) => g.address));
      evidence.push(`${c.address}: text delivered to S3 and CloudWatch Logs`);
    }
    return { addresses, evidence, gaps };
  },

  'immutable-retention': (model) => {
    const buckets = invocationLogBuckets(model);
    if (buckets.length === 0) {
      return {
        addresses: [],
        evidence: [],
        gaps: ['no invocation-log bucket (no S3 destination for invocation logging)'],
      };
    }
    const addresses: string[] = [];
    const evidence: string[] = [];
    const gaps: string[] = [];
    const notConfigured: string[] = [];
    for (const bucket of buckets) {
      addresses.push(bucket.address);
      const locks = model.pointingAt('aws_s3_bucket_object_lock_configuration', 'bucket', bucket, {
        attributes: ['id', 'bucket'],
        literalKey: 'bucket',
      });
      const retention = locks
        .map((l) => ({ l, r: block(block(l.config.rule)?.default_retention) }))
        .find(({ r }) => r && ((num(r.days) ?? 0) > 0 || (num(r.years) ?? 0) > 0));
      const lockEnabled =
        bool(bucket.config.object_lock_enabled) === true ||
        block(bucket.config.object_lock_configuration)?.object_lock_enabled === 'Enabled';
      if (!lockEnabled && !retention) {
        notConfigured.push(
          `${bucket.address}: object_lock_enabled is not true and no default retention (Object Lock off)`,
        );
        continue;
      }
      if (!lockEnabled) gaps.push(`${bucket.address}: object_lock_enabled is not true`);
      if (!retention) {
        gaps.push(
          `${bucket.address}: no aws_s3_bucket_object_lock_configuration with a default retention`,
        );
        continue;
      }
      addresses.push(retention.l.address);
      const r = retention.r ?? {};
      const period = num(r.days) !== undefined ? `${num(r.days)} days` : `${num(r.years)} years`;
      evidence.push(
        `${bucket.address}: Object Lock ${String(r.mode ?? '(mode unset)')} for ${period}`,
      );
      if (r.mode === 'GOVERNANCE') {
        evidence.push(
          'GOVERNANCE mode: principals with s3:BypassGovernanceRetention can still delete early',
        );
      }
    }
    return {
      addresses,
      evidence,
      gaps,
      notConfigured,
      configKeys: notConfigured.length > 0 ? ['logging.objectLock'] : [],
    };
  },

  'least-privilege': (model, options) => {
    const roles = developerRoles(model, options.developerRoleTag ?? DEVELOPER_ROLE_TAG);
    if (roles.length === 0)
      return {
        addresses: [],
        evidence: [],
        gaps: ['no developer role (name ending in -developer or tagged)'],
      };
    const addresses: string[] = [];
    const evidence: string[] = [];
    const gaps: string[] = [];
    for (const role of roles) {
      const { statements, policyAddresses } = rolePermissionStatements(role, model);
      addresses.push(role.address, ...policyAddresses);
      const abac = statements.some(
        (s) =>
          s.effect === 'Allow' &&
          s.conditions.some((c) => c.variable.toLowerCase() === 'aws:resourcetag/user'),
      );
      if (abac)
        evidence.push(
          `${role.address}: Allow statements conditioned on aws:ResourceTag/User (ABAC)`,
        );
      else
        gaps.push(`${role.address}: no Allow statement conditioned on aws:ResourceTag/User (ABAC)`);
    }
    return { addresses, evidence, gaps };
  },

  encryption: (model) => {
    const buckets = model.ofType('aws_s3_bucket');
    if (buckets.length === 0) return { addresses: [], evidence: [], gaps: ['no S3 bucket'] };
    const configs = [
      ...model.ofType('aws_s3_bucket_server_side_encryption_configuration'),
      ...model.ofType('aws_s3_bucket_policy'),
      ...model.ofType('aws_athena_workgroup'),
    ];
    return {
      addresses: configs.map((c) => c.address),
      evidence: [
        `${buckets.length} bucket(s) checked for default encryption and a TLS-only policy`,
      ],
      gaps: [],
    };
  },

  'retention-windows': (model) => {
    const lifecycles = model.ofType('aws_s3_bucket_lifecycle_configuration');
    const groups = model.ofType('aws_cloudwatch_log_group');
    const gaps: string[] = [];
    if (lifecycles.length === 0 && model.ofType('aws_s3_bucket').length > 0) {
      gaps.push('no aws_s3_bucket_lifecycle_configuration');
    }
    const lock = objectLockErasure(model);
    return {
      ...lock,
      addresses: [...lifecycles, ...groups].map((e) => e.address).concat(lock.addresses),
      evidence: [
        `${lifecycles.length} lifecycle configuration(s), ${groups.length} log group(s) checked for expiry`,
        ...lock.evidence,
      ],
      gaps,
    };
  },

  'budget-monitoring': (model) => {
    const budgets = model.ofType('aws_budgets_budget');
    const notified = budgets.filter((b) =>
      blocks(b.config.notification).some(
        (n) =>
          strings(n.subscriber_sns_topic_arns).length > 0 ||
          strings(n.subscriber_email_addresses).length > 0,
      ),
    );
    const topics = model.ofType('aws_sns_topic');
    const monitors = model.ofType('aws_ce_anomaly_monitor');
    const subscriptions = model.ofType('aws_ce_anomaly_subscription');
    const gaps = [
      notified.length === 0 ? 'no aws_budgets_budget with a notification subscriber' : undefined,
      topics.length === 0 ? 'no aws_sns_topic for alerts' : undefined,
      monitors.length > 0 && subscriptions.length === 0
        ? 'no aws_ce_anomaly_subscription for the anomaly monitor'
        : undefined,
    ].filter((g): g is string => g !== undefined);
    const notConfigured =
      monitors.length === 0 ? ['no aws_ce_anomaly_monitor (cost anomaly detection)'] : [];
    return {
      addresses: [...notified, ...topics, ...monitors, ...subscriptions].map((e) => e.address),
      evidence: [
        `${notified.length} budget(s) with notifications, ${topics.length} SNS topic(s), ${monitors.length} anomaly monitor(s), ${subscriptions.length} anomaly subscription(s)`,
      ],
      gaps,
      notConfigured,
      configKeys: notConfigured.length > 0 ? ['budgets.anomaly.enabled'] : [],
    };
  },

  'bypass-mode-disabled': (model) => {
    const { value, gap } = managedSettings(model);
    if (!value) return { addresses: [], evidence: [], gaps: [gap ?? ''] };
    const permissions = value.permissions as Record<string, unknown> | undefined;
    const mode = permissions?.disableBypassPermissionsMode;
    return mode === 'disable'
      ? {
          addresses: ['output.managed_settings'],
          evidence: ['permissions.disableBypassPermissionsMode is "disable"'],
          gaps: [],
        }
      : {
          addresses: ['output.managed_settings'],
          evidence: [],
          gaps: [
            `permissions.disableBypassPermissionsMode is ${JSON.stringify(mode) ?? 'unset'}, not "disable"`,
          ],
        };
  },

  'session-cleanup': (model) => {
    const { value, gap } = managedSettings(model);
    if (!value) return { addresses: [], evidence: [], gaps: [gap ?? ''] };
    const days = num(value.cleanupPeriodDays);
    return days !== undefined && Number.isInteger(days) && days > 0
      ? {
          addresses: ['output.managed_settings'],
          evidence: [`cleanupPeriodDays is ${days}`],
          gaps: [],
          caveats: [
            'the stack proves the managed setting; that every laptop receives the managed settings file (MDM or your onboarding) is outside it, as are transcripts copied elsewhere',
          ],
        }
      : {
          addresses: ['output.managed_settings'],
          evidence: [],
          gaps: [
            `cleanupPeriodDays is ${JSON.stringify(value.cleanupPeriodDays) ?? 'unset'}, not a positive number of days`,
          ],
        };
  },

  'invocation-purge': (model) => invocationPurge(model),

  'private-network-path': (model, options) => privateNetworkPath(model, options),
};
