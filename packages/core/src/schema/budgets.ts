import { z } from 'zod';
import { EMAIL, KMS_KEY_ARN, USD } from './fields';
import { GuardrailSchema } from './guardrail';

/** AWS Budgets allows one SNS topic and at most 10 e-mail subscribers per notification. */
export const MAX_EMAILS_PER_NOTIFICATION = 10;
/**
 * The e-mail limit of a team budget's notification, shared by the config and the budgets
 * construct: its subscribers are the shared `alertEmails` and the team's own, each address once
 * (as `PlatformBudgets` subscribes them). Returns that count when it exceeds
 * {@link MAX_EMAILS_PER_NOTIFICATION} and the team adds an address of its own (a shared list that
 * is too long is reported on the shared list); otherwise `undefined`.
 */
export function teamAlertEmailsOverLimit(
  shared: readonly unknown[],
  team: readonly unknown[],
): number | undefined {
  const subscribers = new Set([...shared, ...team]).size;
  const added = subscribers - new Set(shared).size;
  return added > 0 && subscribers > MAX_EMAILS_PER_NOTIFICATION ? subscribers : undefined;
}
/** AWS Budgets allows at most 10 notifications per budget. */
export const MAX_NOTIFICATIONS_PER_BUDGET = 10;

/** Alert e-mail subscribers of one budget notification. */
export const ALERT_EMAILS = z
  .array(EMAIL)
  .max(
    MAX_EMAILS_PER_NOTIFICATION,
    `AWS Budgets allows at most ${MAX_EMAILS_PER_NOTIFICATION} e-mail subscribers per notification`,
  );

export const PERCENT = z
  .number()
  .positive('must be a positive percentage')
  .max(1000, 'must be at most 1000 (%)');

const PERCENTAGES = z
  .array(PERCENT)
  .refine((values) => new Set(values).size === values.length, 'must not repeat a percentage');

/** Spend-cap alert percentages: whole, increasing, at most 100 (the cap itself blocks). */
export const CAP_PERCENTAGES = z
  .array(
    z
      .number()
      .int('must be a whole percentage')
      .positive('must be a positive percentage')
      .max(100, 'must be at most 100 (the cap blocks at 100 %)'),
  )
  .min(1, 'must list at least one percentage')
  .refine((v) => v.every((x, i) => i === 0 || x > v[i - 1]), 'must be increasing, without repeats');

/** AWS Budgets' limit on the notifications of one budget. */
const withinNotificationLimit = (t: { actual: number[]; forecast: number[] }) =>
  t.actual.length + t.forecast.length <= MAX_NOTIFICATIONS_PER_BUDGET;
const NOTIFICATION_LIMIT = {
  message: `AWS Budgets allows at most ${MAX_NOTIFICATIONS_PER_BUDGET} notifications (actual + forecast) per budget`,
};

/** Percentages of actual and forecast spend that notify; both lists required. */
export const ThresholdsSchema = z
  .strictObject({ actual: PERCENTAGES, forecast: PERCENTAGES })
  .refine(withinNotificationLimit, NOTIFICATION_LIMIT);

/** In the config, a list left out defaults to 50/80/100 % actual and 100 % forecast. */
const ConfigThresholds = z
  .strictObject({
    actual: PERCENTAGES.default([50, 80, 100]).meta({
      description: 'Percentages of actual spend (no repeats).',
    }),
    forecast: PERCENTAGES.default([100]).meta({
      description: 'Percentages of forecast spend (no repeats).',
    }),
  })
  .refine(withinNotificationLimit, NOTIFICATION_LIMIT);

export const AWS_MANAGED_SNS_KEY_MESSAGE =
  'alias/aws/sns cannot be used: AWS Budgets, CloudWatch alarms and Cost Anomaly Detection cannot publish to a topic encrypted with the AWS-managed SNS key (its key policy cannot be changed); use a customer-managed key or none';

/** The alert topic's key: customer-managed, never the AWS-managed `alias/aws/sns`. */
export const SNS_KMS_KEY_ARN = z
  .string()
  .refine((v) => !/(^|:)alias\/aws\/sns$/.test(v), { message: AWS_MANAGED_SNS_KEY_MESSAGE })
  .pipe(KMS_KEY_ARN);

/** A usage alarm's threshold. */
export const ALARM_THRESHOLD = z
  .number()
  .int('must be a whole number')
  .positive('must be positive');

/** Business hours, UTC, `[start, end)`. */
export const BusinessHoursSchema = z
  .strictObject({
    start: z
      .number()
      .int('must be a whole hour')
      .min(0, 'must be 0-23')
      .max(23, 'must be 0-23')
      .meta({ description: 'First business hour (0-23).' }),
    end: z
      .number()
      .int('must be a whole hour')
      .min(1, 'must be 1-24')
      .max(24, 'must be 1-24')
      .meta({ description: 'End of business hours (1-24, exclusive).' }),
  })
  .refine((h) => h.start < h.end, {
    message: 'start must be before end (UTC hours; business hours cannot wrap midnight)',
  });

export const BudgetsSchema = z.strictObject({
  monthlyUsd: USD.meta({ description: 'Account budget for Claude usage, in USD.' }),
  alertEmails: ALERT_EMAILS.min(1, 'must list at least one e-mail address').meta({
    description:
      'Recipients of every budget and alert (AWS Budgets allows at most 10 per notification).',
  }),
  thresholds: ConfigThresholds.default({ actual: [50, 80, 100], forecast: [100] }).meta({
    description:
      'Notification thresholds of the account budget, in % of the budget (at most 10 in all).',
  }),
  teamThresholds: ConfigThresholds.default({ actual: [80, 100], forecast: [100] }).meta({
    description: "Notification thresholds of each team's budget.",
  }),
  perDeveloper: z
    .strictObject({
      enabled: z.boolean().default(false).meta({
        description: 'Create an AWS Budget per developer (billing truth, hours late).',
      }),
      defaultUsd: USD.default(200).meta({
        description: 'Monthly budget of a developer without `developers[].monthlyBudgetUsd`.',
      }),
      thresholds: ConfigThresholds.default({ actual: [100], forecast: [] }).meta({
        description: 'Notification thresholds of each developer budget.',
      }),
      enforce: z.boolean().default(false).meta({
        description:
          "Enforce each developer's cap (`developers[].monthlyBudgetUsd`, else `defaultUsd`) server-side within minutes: the spend-cap enforcer prices the invocation logs and, at 100 %, denies the developer's profiles until the period resets.",
      }),
      warnAt: CAP_PERCENTAGES.default([80, 100]).meta({
        description:
          'Percentages of the cap that alert once per developer and period (100 % blocks): whole percentages up to 100, increasing, without repeats.',
      }),
      period: z
        .enum(['monthly', 'daily'])
        .default('monthly')
        .meta({ description: 'The cap applies per calendar month or per UTC day.' }),
      budgetAction: z.boolean().default(false).meta({
        description:
          "Also attach an AWS Budgets action to each per-developer budget that denies the developer's profiles when billing crosses the cap: a backstop hours behind the enforcer. Needs `enabled`.",
      }),
    })
    .refine((d) => !d.budgetAction || d.enabled, {
      message: 'budgetAction needs enabled: true (the action belongs to the per-developer budget)',
      path: ['budgetAction'],
    })
    .default({
      enabled: false,
      defaultUsd: 200,
      thresholds: { actual: [100], forecast: [] },
      enforce: false,
      warnAt: [80, 100],
      period: 'monthly',
      budgetAction: false,
    })
    .meta({
      description:
        'Budgets per developer, filtered on `user:User$<id>` (in the team stacks when sharded), and their spend caps.',
    }),
  snsKmsKeyArn: SNS_KMS_KEY_ARN.optional().meta({
    description:
      'Encrypt the alert topic with this customer-managed KMS key. `alias/aws/sns` is rejected: Budgets cannot publish to a topic encrypted with it.',
    defaultDescription: 'not encrypted',
  }),
  alarms: z
    .strictObject({
      invocationsPer5Min: ALARM_THRESHOLD.default(500).meta({
        description: 'Invocations per 5 minutes that raise the rate alarm.',
      }),
      outputTokensPerHour: ALARM_THRESHOLD.default(2_000_000).meta({
        description: 'Output tokens per hour that raise the token-spike alarm.',
      }),
      errorsPer5Min: ALARM_THRESHOLD.default(10).meta({
        description: 'Throttled or failed calls per 5 minutes that raise the alarm.',
      }),
      businessHoursUtc: BusinessHoursSchema.default({ start: 6, end: 20 }).meta({
        description:
          'Business hours (UTC, weekdays; they cannot wrap midnight); calls outside them count towards the off-hours alarm.',
      }),
      offHoursInvocationsPerHour: ALARM_THRESHOLD.default(50).meta({
        description: 'Off-hours calls per hour that raise the alarm.',
      }),
    })
    .default({
      invocationsPer5Min: 500,
      outputTokensPerHour: 2_000_000,
      errorsPer5Min: 10,
      businessHoursUtc: { start: 6, end: 20 },
      offHoursInvocationsPerHour: 50,
    })
    .meta({
      description: 'Usage alarms on the invocation log group (metric filters + CloudWatch alarms).',
    }),
  anomaly: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .meta({ description: 'Create the anomaly monitor and subscription.' }),
      thresholdUsd: USD.default(100).meta({
        description: 'Anomaly impact in USD that sends an alert.',
      }),
    })
    .default({ enabled: true, thresholdUsd: 100 })
    .meta({ description: 'Cost Explorer anomaly detection on the project.' }),
  guardrail: GuardrailSchema.meta({ description: 'A Bedrock guardrail for the project.' }),
});
