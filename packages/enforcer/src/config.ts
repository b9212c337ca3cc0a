import type { EnforcerConfig } from './ports';

/** Environment variables the Lambda function reads (the Terraform construct sets them). */
export const ENFORCER_ENV = {
  /** DynamoDB usage table name. */
  usageTable: 'USAGE_TABLE',
  /** SNS topic ARN for threshold alerts. */
  alertTopicArn: 'ALERT_TOPIC_ARN',
  /** S3 bucket and key of the caps document. */
  capsBucket: 'CAPS_BUCKET',
  capsKey: 'CAPS_KEY',
  /** Optional: seconds a container reuses the caps document (default 60). */
  capsTtlSeconds: 'CAPS_TTL_SECONDS',
  /** Optional: CloudWatch namespace of the EMF metric lines (none are written when unset). */
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;

/** A custom CloudWatch namespace: `AWS/` is reserved for AWS's own metrics. */
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;

/** The enforcer's settings from the environment; throws naming every missing or bad variable. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): EnforcerConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set`);
    return value ?? '';
  };
  const config = {
    usageTable: required(ENFORCER_ENV.usageTable),
    alertTopicArn: required(ENFORCER_ENV.alertTopicArn),
    capsBucket: required(ENFORCER_ENV.capsBucket),
    capsKey: required(ENFORCER_ENV.capsKey),
  };
  const ttl = env[ENFORCER_ENV.capsTtlSeconds];
  let capsTtlMs: number | undefined;
  if (ttl !== undefined && ttl !== '') {
    const seconds = Number(ttl);
    if (!Number.isFinite(seconds) || seconds < 0) {
      problems.push(
        `${ENFORCER_ENV.capsTtlSeconds} must be a number of seconds >= 0 (got '${ttl}')`,
      );
    }
    capsTtlMs = seconds * 1000;
  }
  const namespace = env[ENFORCER_ENV.metricsNamespace];
  if (namespace !== undefined && namespace !== '' && !METRICS_NAMESPACE.test(namespace)) {
    problems.push(
      `${ENFORCER_ENV.metricsNamespace} must be 1-255 characters of letters, digits, spaces and . - _ / # : (not starting with AWS/) (got '${namespace}')`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`enforcer configuration: ${problems.join('; ')}`);
  }
  return {
    ...config,
    capsTtlMs,
    ...(namespace === undefined || namespace === '' ? {} : { metricsNamespace: namespace }),
  };
}
