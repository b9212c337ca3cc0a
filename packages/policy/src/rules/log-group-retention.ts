import { num } from '../model';
import { PolicyRule, compliant, nonCompliant } from '../rule';

/** CloudWatch log groups expire their events. */
export const logGroupRetention: PolicyRule = {
  id: 'CCB-LOG-1',
  description: 'CloudWatch log groups set retention_in_days > 0 (0 or unset keeps events forever)',
  severity: 'error',
  fix: 'Set retention_in_days on the aws_cloudwatch_log_group (e.g. 30, 90, 365; match your retention policy)',
  checks: ['retention-windows', 'invocation-purge'],
  evaluate({ model }) {
    return model.ofType('aws_cloudwatch_log_group').map((group) => {
      const days = num(group.config.retention_in_days);
      return days !== undefined && days > 0
        ? compliant(group, `retention_in_days is ${days}`)
        : nonCompliant(
            group,
            days === undefined
              ? 'retention_in_days is not set (never expire)'
              : `retention_in_days is ${days} (never expire)`,
          );
    });
  },
};
