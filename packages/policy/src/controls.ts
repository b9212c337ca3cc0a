/**
 * Audit controls this kit provides, evaluated on a synthesized stack: each control's status
 * (PASS / MISSING / SUPPRESSED) is computed from the actual configuration and the rule results,
 * with the Terraform addresses that implement it, and mapped to SOC 2, HIPAA, GDPR, SOX and
 * ISO/IEC 42001 references.
 */
import { RuleEvaluation } from './evaluate';
import { ControlId } from './rule';
import { PolicySuppression } from './model';

/** The frameworks of the report, in column order. */
export const FRAMEWORKS = ['SOC 2', 'HIPAA', 'GDPR', 'SOX', 'ISO/IEC 42001'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type ControlStatus = 'PASS' | 'MISSING' | 'SUPPRESSED';

/** A control: what it is, which rules feed it, and the framework references it supports. */
export interface ControlDefinition {
  readonly id: ControlId;
  readonly title: string;
  /** What the kit does for this control and what is checked. */
  readonly description: string;
  /** Framework -> clause references (empty: no direct mapping). */
  readonly frameworks: Readonly<Record<Framework, readonly string[]>>;
  /**
   * Which rule findings count: `stack` - findings anywhere in the stack; `implementation` - only
   * findings on the addresses that implement the control (e.g. the invocation-log bucket).
   */
  readonly ruleScope: 'stack' | 'implementation';
}

/** What the structural part of a control check found. */
export interface ControlCheck {
  readonly addresses: readonly string[];
  readonly evidence: readonly string[];
  readonly gaps: readonly string[];
}

/** A suppressed finding that a control relies on. */
export interface ControlSuppression {
  readonly ruleId: string;
  readonly address?: string;
  readonly path: string;
  readonly reason: string;
}

/** One control's result in the report. */
export interface ControlResult extends ControlDefinition {
  readonly status: ControlStatus;
  /** Terraform addresses (and `output.<name>`) implementing the control. */
  readonly addresses: readonly string[];
  /** The rule ids whose findings feed the control. */
  readonly rules: readonly string[];
  /** What was found in the configuration. */
  readonly evidence: readonly string[];
  /** Why the control is MISSING (empty otherwise). */
  readonly gaps: readonly string[];
  readonly suppressions: readonly ControlSuppression[];
}

/** The compliance report of one synthesized stack. */
export interface ComplianceReport {
  readonly stackName: string;
  readonly summary: Readonly<Record<ControlStatus, number>>;
  readonly controls: readonly ControlResult[];
  /** Non-compliant policy findings (suppressed or not). */
  readonly findings: readonly RuleEvaluation[];
  readonly suppressions: readonly PolicySuppression[];
}

const refs = (soc2: string[], hipaa: string[], gdpr: string[], sox: string[], iso: string[]) => ({
  'SOC 2': soc2,
  HIPAA: hipaa,
  GDPR: gdpr,
  SOX: sox,
  'ISO/IEC 42001': iso,
});

/**
 * The controls, with indicative framework references (clauses the control supports; whether it
 * satisfies them is the auditor's call).
 */
export const CONTROLS: readonly ControlDefinition[] = [
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
      'S3 lifecycle rules expire objects after a set number of days and every CloudWatch log group has a retention period.',
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
      'The organization managed settings set `cleanupPeriodDays`, so local Claude Code transcripts are deleted after a set period (output `managed_settings`).',
    frameworks: refs(['C1.2'], [], ['Art. 5(1)(e)'], [], ['A.7 (data for AI systems)']),
    ruleScope: 'stack',
  },
];
