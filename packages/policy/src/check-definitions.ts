/** The checks behind the seven controls, with their framework references. */
import { CheckDefinition } from './controls';

const refs = (soc2: string[], hipaa: string[], gdpr: string[], sox: string[], iso: string[]) => ({
  'SOC 2': soc2,
  HIPAA: hipaa,
  GDPR: gdpr,
  SOX: sox,
  'ISO/IEC 42001': iso,
});

/**
 * The checks, with indicative framework references (clauses the check supports; whether it
 * satisfies them is the auditor's call). Each answers one of the seven `CONTROLS`.
 */
export const CHECK_DEFINITIONS: readonly CheckDefinition[] = [
  {
    id: 'access-logging',
    title: 'Access logging',
    description:
      'A CloudTrail trail records Bedrock API calls (who called, from where), logging on, with log file integrity validation.',
    frameworks: refs(
      ['CC7.2'],
      ['§164.312(b)'],
      ['Art. 5(2)', 'Art. 32'],
      ['§404 ITGC: access monitoring'],
      ['A.6.2.8'],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'content-audit-trail',
    title: 'Content audit trail',
    description:
      'Bedrock model invocation logging delivers prompts and completions (text) to S3 and CloudWatch Logs.',
    frameworks: refs(
      ['CC7.2', 'CC7.3'],
      ['§164.312(b)', '§164.308(a)(1)(ii)(D)'],
      ['Art. 5(2)'],
      ['§404 ITGC: audit trail'],
      ['A.6.2.6', 'A.6.2.8'],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'immutable-retention',
    title: 'Immutable retention',
    description:
      'The invocation-log bucket has versioning and S3 Object Lock with a default retention (GOVERNANCE or COMPLIANCE mode).',
    frameworks: refs(
      ['CC7.2'],
      ['§164.312(c)(1)'],
      ['Art. 5(1)(f)', 'Art. 32(1)(b)'],
      ['§802 record retention'],
      ['A.6.2.8'],
    ),
    ruleScope: 'implementation',
  },
  {
    id: 'least-privilege',
    title: 'Least privilege',
    description:
      'No IAM statement allows `*:*` on `*`; developer roles are limited by ABAC (`aws:ResourceTag/User`) to their own inference profiles and deny Bedrock API keys (`bedrock:CallWithBearerToken`); buckets block public access.',
    frameworks: refs(
      ['CC6.1', 'CC6.3'],
      ['§164.312(a)(1)', '§164.308(a)(4)'],
      ['Art. 25', 'Art. 32'],
      ['§404 ITGC: logical access'],
      ['A.9 (use of AI systems)'],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'encryption',
    title: 'Encryption',
    description:
      'Every S3 bucket has default server-side encryption and a TLS-only bucket policy; Athena workgroups enforce their (encrypted) result configuration.',
    frameworks: refs(
      ['CC6.1', 'CC6.7'],
      ['§164.312(a)(2)(iv)', '§164.312(e)(1)'],
      ['Art. 32(1)(a)'],
      ['§404 ITGC: data protection'],
      [],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'retention-windows',
    title: 'Deletion and retention windows',
    description:
      'S3 lifecycle rules expire objects after a set number of days and every CloudWatch log group has a retention period. Object Lock in COMPLIANCE mode is reported as a CONFLICT: no one can erase a locked version before its retention ends.',
    frameworks: refs(
      ['C1.2'],
      [],
      ['Art. 5(1)(e)'],
      ['§802 record retention'],
      ['A.7 (data for AI systems)'],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'budget-monitoring',
    title: 'Budget monitoring',
    description:
      'AWS Budgets (overall and per team) notify an SNS topic that Budgets can publish to, and a Cost Explorer anomaly monitor with a subscription watches spend.',
    frameworks: refs(['A1.1', 'CC7.2'], [], [], [], ['A.4 (resources for AI systems)', 'A.6.2.6']),
    ruleScope: 'stack',
  },
  {
    id: 'bypass-mode-disabled',
    title: 'Bypass mode disabled',
    description:
      'The organization managed settings for Claude Code set `permissions.disableBypassPermissionsMode` to `"disable"` (output `managed_settings`).',
    frameworks: refs(
      ['CC6.1'],
      ['§164.312(a)(1)'],
      ['Art. 25'],
      ['§404 ITGC: logical access'],
      ['A.9 (use of AI systems)'],
    ),
    ruleScope: 'stack',
  },
  {
    id: 'session-cleanup',
    title: 'Session cleanup',
    description:
      'The organization managed settings set `cleanupPeriodDays`, so Claude Code deletes local session transcripts after a set period (output `managed_settings`). The stack proves the setting; that laptops receive the managed settings file is outside it.',
    frameworks: refs(['C1.2'], [], ['Art. 5(1)(e)'], [], ['A.7 (data for AI systems)']),
    ruleScope: 'stack',
  },
  {
    id: 'invocation-purge',
    title: 'Invocation body expiry',
    description:
      'The invocation-log bucket, which holds every prompt and completion, expires current and noncurrent object versions, and the invocation log group has a retention period.',
    frameworks: refs(['C1.2'], [], ['Art. 5(1)(e)'], [], ['A.7 (data for AI systems)']),
    ruleScope: 'implementation',
  },
  {
    id: 'private-network-path',
    title: 'Private network path',
    description:
      'An Interface VPC endpoint (PrivateLink) for bedrock-runtime whose policy allows neither `*` principals nor `*` actions, and VPC flow logs (traffic_type ALL) on its VPC; with `network.requireVpcEndpoint`, developer roles and permission sets deny invoke unless `aws:SourceVpce` is one of those endpoints.',
    frameworks: refs(
      ['CC6.6', 'CC6.7'],
      ['§164.312(e)(1)'],
      ['Art. 32(1)(b)'],
      ['§404 ITGC: network security'],
      ['A.6.2.6'],
    ),
    ruleScope: 'stack',
  },
];
