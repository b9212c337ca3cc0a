import { Token } from 'cdktf';
import { z } from 'zod';
import {
  ACCOUNT_ID,
  DEVELOPER_ID,
  EMAIL,
  KMS_KEY_ARN,
  PROJECT_NAME,
  REGION,
  TEAM_ID,
  findSlugCollisions,
} from '@claude-code-bedrock/core';

/*
 * Every prop schema of this package, in one place. Constructs pass their props to core's
 * `validateWith`, which throws one ConfigError listing every problem with its path and value.
 * Values that are unresolved tokens (e.g. an account id read at plan time) are not checked.
 */

/** AWS Budgets allows one SNS topic and at most 10 e-mail subscribers per notification. */
export const MAX_EMAILS_PER_NOTIFICATION = 10;
/** AWS Budgets allows at most 10 notifications per budget. */
export const MAX_NOTIFICATIONS_PER_BUDGET = 10;
/** AWS Budgets quota per account. */
export const MAX_BUDGETS_PER_ACCOUNT = 20_000;
/** Bedrock guardrails accept at most 30 denied topics. */
export const MAX_DENIED_TOPICS = 30;

const unresolvedToken = z.custom<string>(
  (v) => typeof v === 'string' && Token.isUnresolved(v),
  'must be a literal value or a token',
);

/** Accepts a value matching `schema`, or an unresolved token (checked by AWS at apply time). */
function orToken(schema: z.ZodType<string>) {
  // The real schema comes first so its message is the one reported when both branches fail.
  return z.union([schema, unresolvedToken]);
}

const USD = z
  .number()
  .positive('must be a positive amount in USD')
  .max(1e9, 'must be at most 1e9 USD');

const PERCENT = z
  .number()
  .positive('must be a positive percentage')
  .max(1000, 'must be at most 1000 (%)');

const EMAILS = z
  .array(EMAIL)
  .max(
    MAX_EMAILS_PER_NOTIFICATION,
    `AWS Budgets allows at most ${MAX_EMAILS_PER_NOTIFICATION} e-mail subscribers per notification`,
  );

const uniqueNumbers = (values: readonly number[]) => new Set(values).size === values.length;

export const ThresholdsSchema = z
  .object({
    actual: z.array(PERCENT).refine(uniqueNumbers, 'must not repeat a percentage'),
    forecast: z.array(PERCENT).refine(uniqueNumbers, 'must not repeat a percentage'),
  })
  .refine((t) => t.actual.length + t.forecast.length <= MAX_NOTIFICATIONS_PER_BUDGET, {
    message: `AWS Budgets allows at most ${MAX_NOTIFICATIONS_PER_BUDGET} notifications (actual + forecast) per budget`,
  });

// ---------------------------------------------------------------------------------------------
// BudgetAlertTopic
// ---------------------------------------------------------------------------------------------

export const AWS_MANAGED_SNS_KEY_MESSAGE =
  'alias/aws/sns cannot be used: AWS Budgets, CloudWatch alarms and Cost Anomaly Detection cannot publish to a topic encrypted with the AWS-managed SNS key (its key policy cannot be changed); use a customer-managed key or none';

export const BudgetAlertTopicPropsSchema = z.object({
  project: PROJECT_NAME,
  accountId: orToken(ACCOUNT_ID),
  region: orToken(REGION),
  emails: z.array(EMAIL),
  kmsKeyArn: orToken(
    z
      .string()
      .refine((v) => !/(^|:)alias\/aws\/sns$/.test(v), { message: AWS_MANAGED_SNS_KEY_MESSAGE })
      .pipe(KMS_KEY_ARN),
  ).optional(),
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
function checkDevelopers(developers: readonly { id?: unknown }[] | undefined, issue: Issue): void {
  const devIndex = new Map<string, number>();
  list(developers).forEach((d, i) => {
    if (typeof d?.id !== 'string') return;
    if (d.id === '__proto__') {
      // cdktf builds every synthesized object by assignment, which sets the prototype for this
      // key instead of adding it: the budget would be missing from the for_each map, silently.
      issue(
        ['developers', i, 'id'],
        d.id,
        'cannot be used with per-developer budgets: cdktf drops a `__proto__` key from the synthesized for_each map',
      );
    }
    const first = devIndex.get(d.id);
    if (first !== undefined) {
      issue(['developers', i, 'id'], d.id, `duplicates developers[${first}].id`);
    } else devIndex.set(d.id, i);
  });
  for (const { slug, ids } of findSlugCollisions([...devIndex.keys()])) {
    const [first, ...others] = ids;
    for (const other of others) {
      issue(
        ['developers', devIndex.get(other)!, 'id'],
        other,
        `collides with '${first}' (developers[${devIndex.get(first)}]) in budget names after sanitisation to '${slug}'`,
      );
    }
  }
}

export const DeveloperBudgetsPropsSchema = z
  .object({
    project: PROJECT_NAME,
    alertEmails: EMAILS,
    developers: z.array(DeveloperBudget),
    thresholds: ThresholdsSchema.optional(),
  })
  // Runs even when a field is invalid, so one error lists every problem.
  .superRefine(
    (p, ctx) => {
      const issue: Issue = (path, input, message) =>
        ctx.addIssue({ code: 'custom', path, input, message });
      checkDevelopers(p.developers, issue);
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
const TeamBudget = z.object({
  id: TEAM_ID,
  monthlyBudgetUsd: USD,
  alertEmails: z.array(EMAIL).optional(),
});

export const PlatformBudgetsPropsSchema = z
  .object({
    project: PROJECT_NAME,
    projectTagValue: z.string().min(1).max(256).optional(),
    alertEmails: EMAILS,
    monthlyUsd: USD,
    thresholds: ThresholdsSchema.optional(),
    teams: z.array(TeamBudget),
    teamThresholds: ThresholdsSchema.optional(),
    developers: z.array(DeveloperBudget).optional(),
    developerThresholds: ThresholdsSchema.optional(),
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

      const teamIndex = new Map<string, number>();
      teams.forEach((t, i) => {
        const first = teamIndex.get(t?.id);
        if (first !== undefined) issue(['teams', i, 'id'], t.id, `duplicates teams[${first}].id`);
        else teamIndex.set(t?.id, i);
        const extra = list(t?.alertEmails).filter((e) => !shared.includes(e));
        const total = shared.length + extra.length;
        if (extra.length > 0 && total > MAX_EMAILS_PER_NOTIFICATION) {
          issue(
            ['teams', i, 'alertEmails'],
            t.alertEmails,
            `with alertEmails makes ${total} e-mail subscribers; AWS Budgets allows at most ${MAX_EMAILS_PER_NOTIFICATION} per notification`,
          );
        }
      });

      checkDevelopers(developers, issue);

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

const POSITIVE_INT = z.number().int('must be a whole number').positive('must be positive');

export const UsageAlarmsPropsSchema = z
  .object({
    project: PROJECT_NAME,
    accountId: orToken(ACCOUNT_ID),
    region: orToken(REGION),
    invocationsPer5Min: POSITIVE_INT.optional(),
    outputTokensPerHour: POSITIVE_INT.optional(),
    errorsPer5Min: POSITIVE_INT.optional(),
    businessHoursUtc: z
      .object({
        start: z
          .number()
          .int('must be a whole hour')
          .min(0, 'must be 0-23')
          .max(23, 'must be 0-23'),
        end: z.number().int('must be a whole hour').min(1, 'must be 1-24').max(24, 'must be 1-24'),
      })
      .refine((h) => h.start < h.end, {
        message: 'start must be before end (UTC hours; business hours cannot wrap midnight)',
      })
      .optional(),
    weekendsAreOffHours: z.boolean().optional(),
    offHoursInvocationsPerHour: POSITIVE_INT.optional(),
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
  projectTagValue: z.string().min(1).max(256).optional(),
});

// ---------------------------------------------------------------------------------------------
// BedrockGuardrail
// ---------------------------------------------------------------------------------------------

/** PII entity types Bedrock guardrails detect (GuardrailPiiEntityConfig.type). */
export const GUARDRAIL_PII_ENTITY_TYPES = [
  'ADDRESS',
  'AGE',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'CA_HEALTH_NUMBER',
  'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY',
  'CREDIT_DEBIT_CARD_NUMBER',
  'DRIVER_ID',
  'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'IP_ADDRESS',
  'LICENSE_PLATE',
  'MAC_ADDRESS',
  'NAME',
  'PASSWORD',
  'PHONE',
  'PIN',
  'SWIFT_CODE',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL',
  'USERNAME',
  'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const;

export const BedrockGuardrailPropsSchema = z
  .object({
    project: PROJECT_NAME,
    deniedTopics: z
      .array(
        z.object({
          name: z
            .string()
            .regex(
              /^[0-9a-zA-Z-_ !?.]{1,100}$/,
              'must be 1-100 letters, digits, spaces or - _ ! ? .',
            ),
          definition: z
            .string()
            .min(1, 'must not be empty')
            .max(200, 'must be at most 200 characters (Bedrock limit)'),
        }),
      )
      .max(MAX_DENIED_TOPICS, `Bedrock guardrails allow at most ${MAX_DENIED_TOPICS} denied topics`)
      .refine(
        (ts) => new Set(ts.map((t) => t.name)).size === ts.length,
        'must not repeat a topic name',
      )
      .optional(),
    piiEntities: z
      .array(
        z.enum(GUARDRAIL_PII_ENTITY_TYPES, {
          message: `must be a Bedrock PII entity type (${GUARDRAIL_PII_ENTITY_TYPES.join(', ')})`,
        }),
      )
      .refine((es) => new Set(es).size === es.length, 'must not repeat an entity type')
      .optional(),
    piiAction: z.enum(['BLOCK', 'ANONYMIZE']).optional(),
    blockedInputMessage: z.string().min(1).max(500).optional(),
    blockedOutputMessage: z.string().min(1).max(500).optional(),
  })
  .superRefine((p, ctx) => {
    if (
      (p.deniedTopics?.length ?? 0) === 0 &&
      p.piiEntities !== undefined &&
      p.piiEntities.length === 0
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['piiEntities'],
        input: p.piiEntities,
        message:
          'must list at least one entity type when there are no denied topics (a guardrail needs a policy)',
      });
    }
  });
