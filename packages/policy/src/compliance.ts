/**
 * Audit controls this kit provides, evaluated on a synthesized stack: each control's status
 * (PASS / MISSING / SUPPRESSED) is computed from the actual configuration and the rule results,
 * with the Terraform addresses that implement it, and mapped to SOC 2, HIPAA, GDPR, SOX and
 * ISO/IEC 42001 references.
 */
import { PolicyReport, RuleEvaluation, evaluateStack } from './evaluate';
import { rolePermissionStatements } from './iam';
import {
  PolicySuppression,
  StackModel,
  TerraformJson,
  TfElement,
  block,
  blocks,
  bool,
  num,
  strings,
} from './model';
import { ControlId, DEVELOPER_ROLE_TAG, PolicyOptions, PolicyRule } from './rule';
import { RULES, developerRoles } from './rules';

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
interface ControlCheck {
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

const BUCKET_REF = { attributes: ['bucket', 'id'], literalKey: 'bucket' };

function invocationLogBuckets(model: StackModel): TfElement[] {
  const names = model
    .ofType('aws_bedrock_model_invocation_logging_configuration')
    .map((c) => block(block(c.config.logging_config)?.s3_config)?.bucket_name)
    .filter((n) => n !== undefined);
  return model
    .ofType('aws_s3_bucket')
    .filter((b) => names.some((n) => model.designates(n, b, BUCKET_REF)));
}

function managedSettings(model: StackModel): { value?: Record<string, unknown>; gap?: string } {
  if (!('managed_settings' in model.outputs))
    return { gap: 'the stack has no managed_settings output' };
  const value = model.outputs.managed_settings;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { gap: 'output managed_settings is not a literal JSON object' };
  }
  return { value: value as Record<string, unknown> };
}

type Checker = (model: StackModel, options: PolicyOptions) => ControlCheck;

const CHECKS: Record<ControlId, Checker> = {
  'access-logging': (model) => {
    const trails = model.ofType('aws_cloudtrail');
    if (trails.length === 0)
      return { addresses: [], evidence: [], gaps: ['no aws_cloudtrail trail'] };
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
    return { addresses, evidence, gaps };
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
    return {
      addresses: [...lifecycles, ...groups].map((e) => e.address),
      evidence: [
        `${lifecycles.length} lifecycle configuration(s), ${groups.length} log group(s) checked for expiry`,
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
      monitors.length === 0 ? 'no aws_ce_anomaly_monitor (cost anomaly detection)' : undefined,
      subscriptions.length === 0 ? 'no aws_ce_anomaly_subscription' : undefined,
    ].filter((g): g is string => g !== undefined);
    return {
      addresses: [...notified, ...topics, ...monitors, ...subscriptions].map((e) => e.address),
      evidence: [
        `${notified.length} budget(s) with notifications, ${topics.length} SNS topic(s), ${monitors.length} anomaly monitor(s), ${subscriptions.length} anomaly subscription(s)`,
      ],
      gaps,
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
        }
      : {
          addresses: ['output.managed_settings'],
          evidence: [],
          gaps: [
            `cleanupPeriodDays is ${JSON.stringify(value.cleanupPeriodDays) ?? 'unset'}, not a positive number of days`,
          ],
        };
  },
};

/** Rules feeding a control (those listing it in `controls`). */
export function rulesForControl(id: ControlId, rules: readonly PolicyRule[] = RULES): string[] {
  return rules.filter((r) => r.controls.includes(id)).map((r) => r.id);
}

/**
 * Evaluates the controls on a synthesized stack (`cdk.tf.json` parsed). A control is MISSING when
 * its configuration is absent or a rule feeding it has an unsuppressed finding (errors and
 * warnings alike), SUPPRESSED when it only holds thanks to suppressions, PASS otherwise.
 */
export function evaluateCompliance(tfJson: object, options: PolicyOptions = {}): ComplianceReport {
  const model = new StackModel(tfJson as TerraformJson);
  const policy: PolicyReport = evaluateStack(tfJson, options);
  const controls = CONTROLS.map((def): ControlResult => {
    const check = CHECKS[def.id](model, options);
    const rules = rulesForControl(def.id);
    const relevant = policy.findings.filter(
      (f) =>
        rules.includes(f.ruleId) &&
        (def.ruleScope === 'stack' ||
          (f.address !== undefined && check.addresses.includes(f.address))),
    );
    const gaps = [
      ...check.gaps,
      ...relevant
        .filter((f) => !f.suppression)
        .map((f) => `[${f.ruleId}] ${f.address ?? 'stack'}: ${f.reason}`),
    ];
    const suppressions = relevant
      .filter((f) => f.suppression)
      .map((f) => ({
        ruleId: f.ruleId,
        address: f.address,
        path: f.path,
        reason: f.suppression?.reason ?? '',
      }));
    const status: ControlStatus =
      gaps.length > 0 ? 'MISSING' : suppressions.length > 0 ? 'SUPPRESSED' : 'PASS';
    return {
      ...def,
      status,
      addresses: [...new Set(check.addresses)],
      rules,
      evidence: check.evidence,
      gaps,
      suppressions,
    };
  });
  const summary = { PASS: 0, MISSING: 0, SUPPRESSED: 0 };
  for (const c of controls) summary[c.status] += 1;
  return {
    stackName: policy.stackName,
    summary,
    controls,
    findings: policy.findings,
    suppressions: policy.suppressions,
  };
}

/** Free text for Markdown: no accidental emphasis or HTML. */
const text = (value: string) => value.replace(/\*/g, '\\*').replace(/</g, '&lt;');
const cell = (value: string) => text(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** Renders the report as Markdown (deterministic: no timestamps). */
export function renderComplianceMarkdown(
  report: ComplianceReport,
  opts: { source?: string } = {},
): string {
  const lines: string[] = [];
  const { summary } = report;
  lines.push(`# Compliance report: stack \`${report.stackName}\``, '');
  if (opts.source)
    lines.push(`Generated from \`${opts.source}\` by \`scripts/compliance.mjs\`.`, '');
  lines.push(
    `**${summary.PASS} PASS, ${summary.MISSING} MISSING, ${summary.SUPPRESSED} SUPPRESSED** of ${report.controls.length} controls.`,
    '',
    'Each status is computed from the synthesized Terraform configuration: the control is PASS when the',
    'resources below implement it and no policy rule feeding it has an open finding, SUPPRESSED when it',
    'holds only thanks to suppressions (with reasons below), MISSING otherwise. Framework references are',
    'indicative: they name the clauses a control supports; whether it satisfies them is for your auditor.',
    '',
    `| Control | Status | ${FRAMEWORKS.join(' | ')} |`,
    `|---|---|${FRAMEWORKS.map(() => '---').join('|')}|`,
  );
  for (const c of report.controls) {
    const refsCells = FRAMEWORKS.map((f) => cell(c.frameworks[f].join(', ') || '—'));
    lines.push(`| [${c.title}](#${c.id}) | **${c.status}** | ${refsCells.join(' | ')} |`);
  }
  lines.push('', '## By framework', '');
  for (const f of FRAMEWORKS) {
    lines.push(`### ${f}`, '');
    const mapped = report.controls.filter((c) => c.frameworks[f].length > 0);
    if (mapped.length === 0) lines.push('No control of this kit maps to it.');
    for (const c of mapped)
      lines.push(`- ${c.frameworks[f].join(', ')}: ${c.title} — **${c.status}**`);
    lines.push('');
  }
  lines.push('## Controls', '');
  for (const c of report.controls) {
    lines.push(`<a id="${c.id}"></a>`, `### ${c.title}: ${c.status}`, '', c.description, '');
    if (c.rules.length > 0) lines.push(`Policy rules: ${c.rules.map(code).join(', ')}.`, '');
    if (c.addresses.length > 0) {
      lines.push('Implemented by:', '', ...c.addresses.map((a) => `- ${code(a)}`), '');
    }
    if (c.evidence.length > 0)
      lines.push('Evidence:', '', ...c.evidence.map((e) => `- ${text(e)}`), '');
    if (c.gaps.length > 0) lines.push('Missing:', '', ...c.gaps.map((g) => `- ${text(g)}`), '');
    if (c.suppressions.length > 0) {
      lines.push(
        'Suppressed:',
        '',
        ...c.suppressions.map(
          (s) => `- ${code(s.ruleId)} on ${code(s.address ?? s.path)}: ${text(s.reason)}`,
        ),
        '',
      );
    }
  }
  lines.push('## Policy findings', '');
  const open = report.findings.filter((f) => !f.suppression);
  if (open.length === 0) lines.push('No open findings.', '');
  else {
    lines.push(
      '| Rule | Severity | Resource | Construct | Finding | Fix |',
      '|---|---|---|---|---|---|',
    );
    for (const f of open) {
      lines.push(
        `| ${f.ruleId} | ${f.severity} | ${cell(f.address ?? '(stack)')} | ${cell(f.path)} | ${cell(f.reason)} | ${cell(f.fix)} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Suppressions', '');
  if (report.suppressions.length === 0) lines.push('None.', '');
  else {
    lines.push('| Rule | Declared on | Covers | Reason |', '|---|---|---|---|');
    for (const s of report.suppressions) {
      const covers = s.stackWide ? 'the whole stack' : `${s.addresses.length} resource(s)`;
      lines.push(`| ${s.ruleId} | ${cell(s.path)} | ${covers} | ${cell(s.reason)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
