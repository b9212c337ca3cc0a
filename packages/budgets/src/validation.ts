import { z } from 'zod';
import {
  ACCOUNT_ID,
  ALARM_THRESHOLD,
  ALERT_EMAILS,
  AWS_MANAGED_SNS_KEY_MESSAGE as CORE_AWS_MANAGED_SNS_KEY_MESSAGE,
  BusinessHoursSchema,
  CAP_PERCENTAGES,
  DEVELOPER_ID,
  DeploymentContextSchema,
  EMAIL,
  LOG_RETENTION,
  MAX_EMAILS_PER_NOTIFICATION as CORE_MAX_EMAILS_PER_NOTIFICATION,
  MAX_NOTIFICATIONS_PER_BUDGET as CORE_MAX_NOTIFICATIONS_PER_BUDGET,
  PROJECT_NAME,
  PriceSchema,
  REGION,
  SNS_KMS_KEY_ARN,
  TeamSchema,
  ThresholdsSchema,
  USD,
  checkSlugCollisions,
  indexIds,
  teamAlertEmailsOverLimit,
  tokenOr,
} from '@claude-code-bedrock/core';

/*
 * Every prop schema of this package, in one place, composed of core's field schemas (each rule is
 * written once, in core, and shared with the configuration file). Constructs pass their props to
 * core's `validateWith`, which throws one ConfigError listing every problem with its path and
 * value. Values that are unresolved tokens (e.g. an account id read at plan time) are not checked.
 */

/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const MAX_EMAILS_PER_NOTIFICATION = CORE_MAX_EMAILS_PER_NOTIFICATION;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const MAX_NOTIFICATIONS_PER_BUDGET = CORE_MAX_NOTIFICATIONS_PER_BUDGET;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const AWS_MANAGED_SNS_KEY_MESSAGE = CORE_AWS_MANAGED_SNS_KEY_MESSAGE;
/** AWS Budgets quota per account. */
export const MAX_BUDGETS_PER_ACCOUNT = 20_000;

/** Value of the `Project` cost allocation tag a budget or monitor filters on. */
const PROJECT_TAG_VALUE = z.string().min(1).max(256);

// ---------------------------------------------------------------------------------------------
// BudgetAlertTopic
// ---------------------------------------------------------------------------------------------

export const BudgetAlertTopicPropsSchema = z.object({
  context: DeploymentContextSchema,
  emails: z.array(EMAIL),
  kmsKeyArn: tokenOr(SNS_KMS_KEY_ARN).optional(),
});

// ---------------------------------------------------------------------------------------------
// BudgetActionRole and the budget-action backstop (the roles are construct references, checked by
// the constructs)
// ---------------------------------------------------------------------------------------------

export const BudgetActionRolePropsSchema = z.object({ context: DeploymentContextSchema });

/**
 * `budgetAction` of DeveloperBudgets (`developerBudgetAction` of PlatformBudgets). Its subscribers
 * are the alert topic and `alertEmails` (at most 10): at most the 11 AWS Budgets allows per action.
 */
const BudgetActionSchema = z.object({
  accountId: tokenOr(ACCOUNT_ID),
  region: tokenOr(REGION),
});

// ---------------------------------------------------------------------------------------------
// DeveloperBudgets
// ---------------------------------------------------------------------------------------------

// Objects are not strict: callers may pass roster entries (with team, groups, ...) directly.
const DeveloperBudget = z.object({
  id: DEVELOPER_ID,
  monthlyBudgetUsd: USD,
});

type Issue = (path: (string | number)[], input: unknown, message: string) => void;

/** Reads a possibly invalid array field defensively: cross-field checks also run on bad input. */
function list<T>(v: readonly T[] | undefined): readonly T[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Cross-entry checks of a developer roster at `developers`: duplicate ids, ids whose budget names
 * collide after sanitisation, and the one id cdktf cannot write as a map key. Shared by
 * DeveloperBudgets and PlatformBudgets.
 */
function checkDevelopers(developers: unknown, ctx: z.RefinementCtx): void {
  list(developers as readonly { id?: unknown }[]).forEach((d, i) => {
    if (d?.id !== '__proto__') return;
    // cdktf builds every synthesized object by assignment, which sets the prototype for this
    // key instead of adding it: the budget would be missing from the for_each map, silently.
    ctx.addIssue({
      code: 'custom',
      path: ['developers', i, 'id'],
      input: d.id,
      message:
        'cannot be used with per-developer budgets: cdktf drops a `__proto__` key from the synthesized for_each map',
    });
  });
  checkSlugCollisions(indexIds(developers, 'developers', ctx), 'budget names', ctx);
}

export const DeveloperBudgetsPropsSchema = z
  .object({
    project: PROJECT_NAME,
    alertEmails: ALERT_EMAILS,
    developers: z.array(DeveloperBudget),
    thresholds: ThresholdsSchema.optional(),
    budgetAction: BudgetActionSchema.optional(),
  })
  // Runs even when a field is invalid, so one error lists every problem.
  .superRefine(
    (p, ctx) => {
      const issue: Issue = (path, input, message) =>
        ctx.addIssue({ code: 'custom', path, input, message });
      checkDevelopers(p.developers, ctx);
      const count = list(p.developers).length;
      if (count > MAX_BUDGETS_PER_ACCOUNT) {
        issue(
          ['developers'],
          `${count} developers`,
          `needs ${count} budgets, more than the AWS Budgets quota of ${MAX_BUDGETS_PER_ACCOUNT} per account; split the roster across accounts`,
        );
      }
    },
    { when: () => true },
  );

// ---------------------------------------------------------------------------------------------
// PlatformBudgets
// ---------------------------------------------------------------------------------------------

// Objects are not strict: callers may pass config entries (teams with costCenter, ...) directly.
const TeamBudget = z
  .object(TeamSchema.shape)
  .pick({ id: true, monthlyBudgetUsd: true, alertEmails: true });

export const PlatformBudgetsPropsSchema = z
  .object({
    project: PROJECT_NAME,
    projectTagValue: PROJECT_TAG_VALUE.optional(),
    alertEmails: ALERT_EMAILS,
    monthlyUsd: USD,
    thresholds: ThresholdsSchema.optional(),
    teams: z.array(TeamBudget),
    teamThresholds: ThresholdsSchema.optional(),
    developers: z.array(DeveloperBudget).optional(),
    developerThresholds: ThresholdsSchema.optional(),
    developerBudgetAction: BudgetActionSchema.optional(),
  })
  // Cross-field checks run even when a field is invalid, so one error lists every problem; they
  // therefore read the input defensively.
  .superRefine(
    (p, ctx) => {
      const issue: Issue = (path, input, message) =>
        ctx.addIssue({ code: 'custom', path, input, message });
      const shared = list(p.alertEmails);
      const teams = list(p.teams);
      const developers = list(p.developers);

      indexIds(p.teams, 'teams', ctx);
      teams.forEach((t, i) => {
        const total = teamAlertEmailsOverLimit(shared, list(t?.alertEmails));
        if (total !== undefined) {
          issue(
            ['teams', i, 'alertEmails'],
            t.alertEmails,
            `with alertEmails makes ${total} e-mail subscribers; AWS Budgets allows at most ${MAX_EMAILS_PER_NOTIFICATION} per notification`,
          );
        }
      });

      checkDevelopers(p.developers, ctx);
      if (p.developerBudgetAction !== undefined && p.developers === undefined) {
        issue(
          ['developerBudgetAction'],
          p.developerBudgetAction,
          'needs developers: the actions belong to the per-developer budgets (pass developers, or leave developerBudgetAction out)',
        );
      }

      const count = 1 + teams.length + developers.length;
      if (count > MAX_BUDGETS_PER_ACCOUNT) {
        issue(
          ['developers'],
          `${teams.length} teams + ${developers.length} developers + 1`,
          `needs ${count} budgets, more than the AWS Budgets quota of ${MAX_BUDGETS_PER_ACCOUNT} per account; turn off per-developer budgets or split the roster across accounts`,
        );
      }
    },
    { when: () => true },
  );

// ---------------------------------------------------------------------------------------------
// UsageAlarms
// ---------------------------------------------------------------------------------------------

export const UsageAlarmsPropsSchema = z
  .object({
    context: DeploymentContextSchema,
    invocationsPer5Min: ALARM_THRESHOLD.optional(),
    outputTokensPerHour: ALARM_THRESHOLD.optional(),
    errorsPer5Min: ALARM_THRESHOLD.optional(),
    businessHoursUtc: BusinessHoursSchema.optional(),
    weekendsAreOffHours: z.boolean().optional(),
    offHoursInvocationsPerHour: ALARM_THRESHOLD.optional(),
  })
  .superRefine((p, ctx) => {
    const h = p.businessHoursUtc;
    if (p.weekendsAreOffHours === false && h !== undefined && h.start === 0 && h.end === 24) {
      ctx.addIssue({
        code: 'custom',
        path: ['businessHoursUtc'],
        input: h,
        message:
          'covers the whole day and weekendsAreOffHours is false, so no hour is off-hours; narrow the hours or count weekends',
      });
    }
  });

// ---------------------------------------------------------------------------------------------
// CostAnomalyDetection
// ---------------------------------------------------------------------------------------------

export const CostAnomalyDetectionPropsSchema = z.object({
  project: PROJECT_NAME,
  thresholdUsd: USD.optional(),
  monitor: z.enum(['projectTag', 'service']).optional(),
  projectTagValue: PROJECT_TAG_VALUE.optional(),
});

// ---------------------------------------------------------------------------------------------
// SpendCaps (the caps, prices and developer ids are checked by the enforcer's own parser)
// ---------------------------------------------------------------------------------------------

export const SpendCapsPropsSchema = z.object({
  context: DeploymentContextSchema,
  capsKey: z
    .string()
    .min(1, 'must not be empty')
    .max(1024, 'must be at most 1024 bytes')
    .optional(),
  period: z.enum(['monthly', 'daily']).optional(),
  warnAt: CAP_PERCENTAGES.optional(),
  reservedConcurrency: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, "must be at most 1000 (Lambda's default account concurrency)")
    .optional(),
  logRetentionDays: LOG_RETENTION.optional(),
  topicKmsKeyArn: tokenOr(SNS_KMS_KEY_ARN).optional(),
});

// ---------------------------------------------------------------------------------------------
// UsageDashboard (the alarms, caps and log group are construct references)
// ---------------------------------------------------------------------------------------------

export const UsageDashboardPropsSchema = z.object({
  context: DeploymentContextSchema,
  prices: z
    .record(z.string(), PriceSchema)
    .refine((p) => Object.keys(p).length > 0, 'must price at least one tier'),
  dashboardName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1-255 characters of A-Z, a-z, 0-9, - and _')
    .optional(),
  periodSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60')
    .refine((s) => s % 60 === 0, 'must be a multiple of 60')
    .optional(),
  timeRange: z
    .string()
    .regex(
      /^-P(T\d+[MH]|\d+[DWM])$/,
      'must be a relative time range: -PT<n>M, -PT<n>H, -P<n>D, -P<n>W or -P<n>M',
    )
    .optional(),
  topDevelopers: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000 (the Logs Insights limit)')
    .optional(),
});
