import { z } from 'zod';
import { findSlugCollisions, roleSessionName } from './naming';
import { REGION_PATTERN, SYSTEM_PROFILE_ID_PATTERN } from './regions';

/*
 * The environment configuration: the user's contract. Every app reads one YAML file, validated
 * here and only here. Objects are strict (an unknown key is an error, so a typo never silently
 * falls back to a default) and every optional field has a documented default.
 */

// ---------------------------------------------------------------------------------------------
// Reusable field schemas (also used by the constructs to validate their own props).
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

export const REGION = z
  .string()
  .regex(REGION_PATTERN, 'must be an AWS region code such as us-east-1');

/** IAM principal ARNs that may assume a role: account roots, users, roles. */
export const IAM_PRINCIPAL_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:(iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/,
    'must be an IAM principal ARN (arn:aws:iam::<account>:root|user/<name>|role/<name>)',
  );

export const SAML_PROVIDER_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:iam::\d{12}:saml-provider\/[\w.-]+$/,
    'must be a SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>)',
  );

export const OIDC_PROVIDER_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:iam::\d{12}:oidc-provider\/[\w.:/-]+$/,
    'must be an OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>)',
  );

export const IDENTITY_CENTER_INSTANCE_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
    'must be an IAM Identity Center instance ARN',
  );

export const KMS_KEY_ARN = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
    'must be a customer-managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)',
  );

export const EMAIL = z
  .string()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address such as finops@example.com');

export const SYSTEM_PROFILE_ID = z
  .string()
  .regex(
    SYSTEM_PROFILE_ID_PATTERN,
    'must be a system cross-region inference profile id such as us.anthropic.claude-opus-4-6-v1',
  );

/** Tier names appear in profile names, tags and settings: short, lowercase. */
export const TIER_NAME = z
  .string()
  .regex(
    /^[a-z][a-z0-9]{0,15}$/,
    'must be 1-16 lowercase letters or digits, starting with a letter',
  );

export const PROJECT_NAME = z
  .string()
  .min(3, 'must be 3-24 characters')
  .max(24, 'must be 3-24 characters')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'must use only a-z, 0-9 and -, and start and end with a letter or digit',
  );

/** Developer ids become tag values and IAM session tags: AWS tag-value characters only. */
export const DEVELOPER_ID = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[\p{L}\p{N}_.:/=+@-]+$/u,
    'may contain letters, digits and _ . : / = + @ - only (no spaces)',
  );

export const TEAM_ID = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
    'must be 1-40 characters of a-z, 0-9 and -, starting and ending with a letter or digit',
  );

export const COST_CENTER = z
  .string()
  .regex(/^[\p{L}\p{N}_.:/=+@ -]{1,128}$/u, 'must be 1-128 tag-value characters');

const TAG_KEY = z
  .string()
  .regex(/^[\p{L}\p{N}_.:/=+@ -]{1,128}$/u, 'must be 1-128 tag-key characters')
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved by AWS')
  .refine(
    (k) => !['Project', 'Environment', 'ManagedBy'].includes(k),
    'Project, Environment and ManagedBy are set by the kit',
  );

const TAG_VALUE = z
  .string()
  .regex(/^[\p{L}\p{N}_.:/=+@ -]{0,256}$/u, 'must be at most 256 tag-value characters');

const USD = z.number().positive('must be a positive amount in USD').max(1e9, 'must be at most 1e9');
const PERCENT = z
  .number()
  .positive('must be a positive percentage')
  .max(1000, 'must be at most 1000');
const DAYS = z.number().int('must be a whole number of days').positive('must be at least 1 day');

/** Valid CloudWatch Logs retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const RETENTION = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
});

/** S3 bucket-name prefix: `{prefix}-bedrock-invocation-logs` must stay a valid bucket name. */
export const BUCKET_PREFIX = z
  .string()
  .min(3, 'must be 3-37 characters')
  .max(37, 'must be 3-37 characters so that {prefix}-bedrock-invocation-logs fits in 63')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'must use only a-z, 0-9 and - (S3 bucket names are lowercase; dots break TLS), and start and end with a letter or digit',
  )
  .refine(
    (p) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(p),
    'must not start with xn--, sthree- or amzn-s3-demo- (reserved by S3)',
  );

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

const ModelTier = z.union([
  SYSTEM_PROFILE_ID,
  z.strictObject({
    /** System cross-region inference profile id to copy from. */
    profileId: SYSTEM_PROFILE_ID,
    /** Only members of this group (developers[].groups) are entitled. @default - every developer */
    group: TEAM_ID.optional(),
    /** Destination regions of the profile. @default - derived from the id's geography prefix */
    destinationRegions: z.array(REGION).min(1).optional(),
  }),
]);

const Price = z.strictObject({
  input: z.number().nonnegative('must be >= 0 USD per million tokens'),
  output: z.number().nonnegative('must be >= 0 USD per million tokens'),
  cacheRead: z.number().nonnegative('must be >= 0 USD per million tokens'),
  cacheWrite: z.number().nonnegative('must be >= 0 USD per million tokens'),
});

const Team = z.strictObject({
  id: TEAM_ID,
  costCenter: COST_CENTER,
  monthlyBudgetUsd: USD,
  /** Extra recipients of this team's budget alerts. @default - only budgets.alertEmails */
  alertEmails: z.array(EMAIL).optional(),
});

const Developer = z.strictObject({
  id: DEVELOPER_ID,
  team: TEAM_ID,
  /** Model tiers this developer gets. @default - every tier they are entitled to */
  models: z.array(TIER_NAME).min(1, 'must list at least one tier (or omit it)').optional(),
  /** Named groups (used by models.<tier>.group). @default - none */
  groups: z.array(TEAM_ID).optional(),
  /** Overrides the team's cost center for this developer. @default - the team's */
  costCenter: COST_CENTER.optional(),
  /** Per-developer monthly budget when budgets.perDeveloper.enabled. @default - perDeveloper.defaultUsd */
  monthlyBudgetUsd: USD.optional(),
});

const Trust = z.strictObject({
  /** IAM principals (account roots, users, roles) allowed to assume the role. @default - none */
  principals: z.array(IAM_PRINCIPAL_ARN).optional(),
  /** SAML federation (sts:AssumeRoleWithSAML). @default - none */
  saml: z
    .strictObject({
      providerArn: SAML_PROVIDER_ARN,
      /** @default 'https://signin.aws.amazon.com/saml' */
      audience: z.string().min(1).optional(),
    })
    .optional(),
  /** OIDC federation (sts:AssumeRoleWithWebIdentity). */
  oidc: z
    .strictObject({
      providerArn: OIDC_PROVIDER_ARN,
      audience: z.string().min(1, 'must name the OIDC audience (client id)'),
    })
    .optional(),
});

const Access = z.strictObject({
  /** Who may assume `{project}-developer`. */
  developers: Trust,
  /** Who may assume `{project}-admin`. @default - the developers' IAM principals */
  admins: Trust.optional(),
  /** How a caller is matched to the `User` tag of a profile. @default 'principalTag' */
  identity: z.enum(['principalTag', 'username']).default('principalTag'),
  /** Allow sts:TagSession so federated sessions can carry a `User` tag. @default true */
  tagSession: z.boolean().default(true),
  /** @default 3600 */
  maxSessionDurationSeconds: z.number().int().min(3600).max(43200).default(3600),
  /** Deny every action outside these regions (aws:RequestedRegion). @default - no restriction */
  allowedRegions: z.array(REGION).min(1).optional(),
});

const unique = (list: number[]) => new Set(list).size === list.length;
const Thresholds = z
  .strictObject({
    /** Percentages of actual spend. */
    actual: z.array(PERCENT).refine(unique, 'must not repeat a threshold').default([50, 80, 100]),
    /** Percentages of forecast spend. */
    forecast: z.array(PERCENT).refine(unique, 'must not repeat a threshold').default([100]),
  })
  .refine((t) => t.actual.length + t.forecast.length <= 10, {
    message: 'at most 10 notifications per budget (actual + forecast)',
  });

const Budgets = z.strictObject({
  monthlyUsd: USD,
  alertEmails: z
    .array(EMAIL)
    .min(1, 'must list at least one e-mail address')
    .max(10, 'AWS Budgets allows at most 10 e-mail subscribers per notification'),
  /** @default { actual: [50, 80, 100], forecast: [100] } */
  thresholds: Thresholds.default({ actual: [50, 80, 100], forecast: [100] }),
  /** @default { actual: [80, 100], forecast: [100] } */
  teamThresholds: Thresholds.default({ actual: [80, 100], forecast: [100] }),
  /** Per-developer budgets (`user:User$<id>`). @default - off */
  perDeveloper: z
    .strictObject({
      enabled: z.boolean().default(false),
      defaultUsd: USD.default(200),
      thresholds: Thresholds.default({ actual: [100], forecast: [] }),
    })
    .default({ enabled: false, defaultUsd: 200, thresholds: { actual: [100], forecast: [] } }),
  /** Encrypt the alert topic with this customer-managed key. @default - not encrypted */
  snsKmsKeyArn: z
    .string()
    .refine((v) => !/alias\/aws\/sns$/.test(v), {
      message:
        'alias/aws/sns cannot be used: AWS Budgets cannot publish to a topic encrypted with the AWS-managed SNS key; use a customer-managed key or none',
    })
    .pipe(KMS_KEY_ARN)
    .optional(),
  alarms: z
    .strictObject({
      /** @default 500 invocations per 5 minutes */
      invocationsPer5Min: z.number().int().positive().default(500),
      /** @default 2,000,000 output tokens per hour */
      outputTokensPerHour: z.number().int().positive().default(2_000_000),
      /** @default 10 throttled or failed calls per 5 minutes */
      errorsPer5Min: z.number().int().positive().default(10),
      /** Calls outside these UTC hours raise the off-hours alarm. @default 6-20 UTC on weekdays */
      businessHoursUtc: z
        .strictObject({
          start: z.number().int().min(0).max(23),
          end: z.number().int().min(1).max(24),
        })
        .default({ start: 6, end: 20 }),
      /** @default 50 off-hours calls per hour */
      offHoursInvocationsPerHour: z.number().int().positive().default(50),
    })
    .default({
      invocationsPer5Min: 500,
      outputTokensPerHour: 2_000_000,
      errorsPer5Min: 10,
      businessHoursUtc: { start: 6, end: 20 },
      offHoursInvocationsPerHour: 50,
    }),
  /** Cost anomaly detection. @default { enabled: true, thresholdUsd: 100 } */
  anomaly: z
    .strictObject({
      enabled: z.boolean().default(true),
      thresholdUsd: USD.default(100),
    })
    .default({ enabled: true, thresholdUsd: 100 }),
  /** Bedrock guardrail. @default - none */
  guardrail: z
    .strictObject({
      enabled: z.boolean().default(false),
      deniedTopics: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[0-9a-zA-Z-_ !?.]{1,100}$/, 'must be 1-100 plain characters'),
            definition: z.string().min(1).max(200, 'Bedrock allows at most 200 characters'),
          }),
        )
        .default([]),
      piiEntities: z
        .array(z.string().regex(/^[A-Z_]+$/))
        .default(['AWS_ACCESS_KEY', 'AWS_SECRET_KEY']),
    })
    .default({
      enabled: false,
      deniedTopics: [],
      piiEntities: ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY'],
    }),
});

const Logging = z
  .strictObject({
    /**
     * Manage the account/region-wide model invocation logging configuration. Only one environment
     * per account and region may do so. @default true
     */
    manageInvocationLogging: z.boolean().default(true),
    /** @default 30 */
    logRetentionDays: RETENTION.default(30),
    /** @default 90 */
    transitionToIaDays: DAYS.min(30, 'S3 requires at least 30 days before STANDARD_IA').default(90),
    /** @default 365 */
    expirationDays: DAYS.default(365),
    /** @default 30 */
    noncurrentExpirationDays: DAYS.default(30),
    /** Object Lock on the invocation-log bucket. @default - off */
    objectLock: z
      .strictObject({
        mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
        days: DAYS.max(36500),
      })
      .optional(),
    /** @default { text: true, image: false, embedding: false, video: false } */
    delivery: z
      .strictObject({
        text: z.boolean().default(true),
        image: z.boolean().default(false),
        embedding: z.boolean().default(false),
        video: z.boolean().default(false),
      })
      .default({ text: true, image: false, embedding: false, video: false }),
    cloudtrail: z
      .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** @default true */
        multiRegion: z.boolean().default(true),
        /** Also deliver to CloudWatch Logs (retention = logRetentionDays). @default false */
        cloudWatchLogs: z.boolean().default(false),
        /** @default 365 */
        expirationDays: DAYS.default(365),
      })
      .default({ enabled: true, multiRegion: true, cloudWatchLogs: false, expirationDays: 365 }),
  })
  .superRefine((l, ctx) => {
    if (l.objectLock && l.expirationDays < l.objectLock.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['expirationDays'],
        input: l.expirationDays,
        message: `must not be shorter than objectLock.days (${l.objectLock.days}): locked objects cannot expire`,
      });
    }
    if (l.objectLock && l.cloudtrail.enabled && l.cloudtrail.expirationDays < l.objectLock.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['cloudtrail', 'expirationDays'],
        input: l.cloudtrail.expirationDays,
        message: `must not be shorter than objectLock.days (${l.objectLock.days}): the trail bucket is locked too`,
      });
    }
    if (l.transitionToIaDays >= l.expirationDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['transitionToIaDays'],
        input: l.transitionToIaDays,
        message: `must be less than expirationDays (${l.expirationDays})`,
      });
    }
  });

const Attribution = z.strictObject({
  /** First date of the projected partitions (YYYY/MM/DD). @default '2025/01/01' */
  projectionStartDate: z
    .string()
    .regex(/^\d{4}\/\d{2}\/\d{2}$/, 'must be a date written YYYY/MM/DD')
    .default('2025/01/01'),
  /** Bytes-scanned cutoff per Athena query. @default 1073741824 (1 GB) */
  bytesScannedCutoffPerQuery: z
    .number()
    .int()
    .min(10_485_760, 'Athena minimum is 10 MB')
    .default(1_073_741_824),
  /** @default 30 */
  resultsExpirationDays: DAYS.default(30),
  /** Create an IAM Identity Center permission set for developers. @default - none */
  identityCenterInstanceArn: IDENTITY_CENTER_INSTANCE_ARN.optional(),
  /** Activate the User/Team/Project/CostCenter cost allocation tags (payer account only). @default false */
  activateCostAllocationTags: z.boolean().default(false),
});

const ClaudeCode = z.strictObject({
  /** AWS CLI profile name developers use. @default 'claude-bedrock' */
  awsProfile: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be an AWS CLI profile name')
    .default('claude-bedrock'),
  /**
   * AWS CLI profile holding the developer's own IAM credentials, from which Claude Code's
   * `awsCredentialExport` assumes the developer role with the `User` session tag (IAM principals
   * with `identity: principalTag`). @default 'default'
   */
  sourceProfile: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be an AWS CLI profile name')
    .default('default'),
  /** Command Claude Code runs to refresh credentials. @default - none */
  awsAuthRefresh: z.string().min(1).optional(),
  /** AWS IAM Identity Center start URL for the CLI profile snippet. @default - role-assumption profile */
  ssoStartUrl: z.string().url().optional(),
  /** @default 30 */
  cleanupPeriodDays: z.number().int().min(1).max(3650).default(30),
  /** Paths Claude Code must never read. */
  denyPaths: z
    .array(z.string().min(1))
    .default(['.env', '.env.*', '**/secrets/**', '~/.aws/credentials', '~/.ssh/**', '**/*.pem']),
});

const Backend = z.strictObject({
  s3: z.strictObject({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    /** @default '{project}/{environment}/terraform.tfstate' */
    key: z.string().min(1).optional(),
    /** @default - the environment's region */
    region: REGION.optional(),
    /** @default true */
    useLockfile: z.boolean().default(true),
  }),
});

const Allocation = z.strictObject({
  /** Application inference profiles allowed per account and region. @default 1000 */
  quota: z.number().int().positive().default(1000),
  /** Split allocation into one stack per team. @default 'none' */
  shardBy: z.enum(['none', 'team']).default('none'),
});

// ---------------------------------------------------------------------------------------------
// The whole file
// ---------------------------------------------------------------------------------------------

export const EnvironmentConfigSchema = z
  .strictObject({
    project: PROJECT_NAME,
    environment: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/, 'must be 1-16 characters of a-z, 0-9 and -'),
    region: REGION,
    /** Account id used in ARNs. @default - read at plan time from the caller identity */
    accountId: ACCOUNT_ID.optional(),
    bucketPrefix: BUCKET_PREFIX,
    /** Common tags on every taggable resource. @default {} */
    tags: z.record(TAG_KEY, TAG_VALUE).default({}),
    /** Model tier name -> system cross-region inference profile id (or object). */
    models: z
      .record(TIER_NAME, ModelTier)
      .refine((m) => Object.keys(m).length > 0, 'must define at least one model tier'),
    /** Tier used for ANTHROPIC_MODEL and inference_profile_arns. @default - the first tier */
    defaultModel: TIER_NAME.optional(),
    /** Small/fast tier every developer gets (ANTHROPIC_DEFAULT_HAIKU_MODEL). @default - none */
    fastModel: TIER_NAME.optional(),
    /** USD per million tokens, per tier. */
    prices: z.record(TIER_NAME, Price),
    teams: z.array(Team).min(1, 'must define at least one team'),
    developers: z.array(Developer).min(1, 'must list at least one developer'),
    access: Access,
    budgets: Budgets,
    logging: Logging.default(() => Logging.parse({})),
    attribution: Attribution.default(() => Attribution.parse({})),
    claudeCode: ClaudeCode.default(() => ClaudeCode.parse({})),
    allocation: Allocation.default({ quota: 1000, shardBy: 'none' }),
    /** Remote state. @default - local backend */
    backend: Backend.optional(),
  })
  .superRefine(crossCheck, { when: () => true });

type Ctx = z.RefinementCtx;
type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks that span fields (references, uniqueness, quotas). Runs even when field-level checks
 * failed, so one run reports every problem; it therefore reads the input defensively.
 */
function crossCheck(raw: unknown, ctx: Ctx): void {
  const c = obj(raw);
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });
  const models = obj(c.models);
  const tiers = Object.keys(models);
  const prices = obj(c.prices);

  for (const key of ['defaultModel', 'fastModel'] as const) {
    const tier = str(c[key]);
    if (tier !== undefined && !tiers.includes(tier)) {
      issue([key], tier, `must name a tier defined in models (${tiers.join(', ')})`);
    }
  }
  if (c.prices !== undefined) {
    for (const tier of tiers) {
      if (!(tier in prices))
        issue(['prices'], Object.keys(prices), `has no price for model tier '${tier}'`);
    }
    for (const tier of Object.keys(prices)) {
      if (!tiers.includes(tier))
        issue(['prices', tier], tier, `prices a tier not defined in models`);
    }
  }

  const teamIds = new Map<string, number>();
  arr(c.teams).forEach((t, i) => {
    const id = str(obj(t).id);
    if (id === undefined) return;
    if (teamIds.has(id)) issue(['teams', i, 'id'], id, `duplicates teams[${teamIds.get(id)}].id`);
    else teamIds.set(id, i);
  });

  const devIds = new Map<string, number>();
  arr(c.developers).forEach((raw, i) => {
    const d = obj(raw);
    const id = str(d.id);
    if (id === undefined) return;
    if (devIds.has(id)) {
      issue(['developers', i, 'id'], id, `duplicates developers[${devIds.get(id)}].id`);
      return;
    }
    devIds.set(id, i);
    const team = str(d.team);
    if (team !== undefined && !teamIds.has(team)) {
      issue(
        ['developers', i, 'team'],
        team,
        `is not a defined team id (${[...teamIds.keys()].join(', ')})`,
      );
    }
    const groups = arr(d.groups);
    arr(d.models).forEach((m, j) => {
      if (typeof m !== 'string') return;
      if (!tiers.includes(m)) {
        issue(['developers', i, 'models', j], m, `is not a model tier (${tiers.join(', ')})`);
        return;
      }
      const group = str(obj(models[m]).group);
      if (group && !groups.includes(group)) {
        issue(
          ['developers', i, 'models', j],
          m,
          `is restricted to group '${group}', which this developer is not in (developers[${i}].groups)`,
        );
      }
    });
  });
  for (const { slug, ids } of findSlugCollisions([...devIds.keys()])) {
    const [first, ...others] = ids;
    for (const other of others) {
      issue(
        ['developers', devIds.get(other)!, 'id'],
        other,
        `collides with '${first}' (developers[${devIds.get(first)}]) after sanitisation to '${slug}'; profile names allow only letters, digits and single separators`,
      );
    }
  }

  const sessions = new Map<string, string>();
  for (const [id, index] of devIds) {
    const session = roleSessionName(id);
    if (session.length < 2) {
      issue(
        ['developers', index, 'id'],
        id,
        'must be at least 2 characters: it is the STS role session name of the developer',
      );
    }
    const first = sessions.get(session);
    if (first !== undefined) {
      issue(
        ['developers', index, 'id'],
        id,
        `has the same role session name '${session}' as '${first}' (developers[${devIds.get(first)}]); the invocation logs could not tell them apart`,
      );
    } else sessions.set(session, id);
  }

  const access = obj(c.access);
  for (const role of ['developers', 'admins'] as const) {
    if (access[role] !== undefined && !hasTrust(obj(access[role]))) {
      issue(
        ['access', role],
        access[role],
        `must name principals, saml or oidc: nobody could assume the ${role === 'developers' ? 'developer' : 'admin'} role`,
      );
    }
  }

  if (
    access.admins === undefined &&
    access.developers !== undefined &&
    arr(obj(access.developers).principals).length === 0
  ) {
    issue(
      ['access', 'admins'],
      undefined,
      'is required when access.developers has no IAM principals (the admin role falls back to those principals)',
    );
  }

  const ssoStartUrl = obj(c.claudeCode).ssoStartUrl;
  if (ssoStartUrl !== undefined && obj(c.attribution).identityCenterInstanceArn === undefined) {
    issue(
      ['claudeCode', 'ssoStartUrl'],
      ssoStartUrl,
      'needs attribution.identityCenterInstanceArn: the generated AWS CLI profile signs in to the permission set this stack creates',
    );
  }
  if (
    obj(c.attribution).identityCenterInstanceArn !== undefined &&
    access.identity === 'username'
  ) {
    issue(
      ['access', 'identity'],
      access.identity,
      "must be 'principalTag' with attribution.identityCenterInstanceArn: Identity Center sessions carry the User tag, not an IAM user name",
    );
  }

  const budgets = obj(c.budgets);
  const globalEmails = arr(budgets.alertEmails).length;
  arr(c.teams).forEach((t, i) => {
    const emails = arr(obj(t).alertEmails);
    if (emails.length > 0 && globalEmails + emails.length > 10) {
      issue(
        ['teams', i, 'alertEmails'],
        emails,
        `with budgets.alertEmails makes ${globalEmails + emails.length} e-mail subscribers; AWS Budgets allows at most 10 per notification`,
      );
    }
  });

  const quota =
    typeof obj(c.allocation).quota === 'number' ? (obj(c.allocation).quota as number) : 1000;
  const fastModel = str(c.fastModel);
  const required = arr(c.developers).reduce<number>(
    (n, d) =>
      n +
      entitledTierNames(
        { models: models as EnvironmentConfig['models'], fastModel },
        {
          models: Array.isArray(obj(d).models)
            ? arr(obj(d).models).filter(
                (m): m is string => typeof m === 'string' && tiers.includes(m),
              )
            : undefined,
          groups: arr(obj(d).groups).filter((g): g is string => typeof g === 'string'),
        },
      ).length,
    0,
  );
  if (required > quota) {
    issue(
      ['allocation', 'quota'],
      quota,
      `is ${quota} but the ${arr(c.developers).length} developers need ${required} application inference profiles; request a Bedrock quota increase and raise allocation.quota, or split the roster (allocation.shardBy: team, or another account/region)`,
    );
  }
}

function hasTrust(t: Loose): boolean {
  return arr(t.principals).length > 0 || t.saml !== undefined || t.oidc !== undefined;
}

/** The validated environment configuration (defaults applied). */
export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>;
/** The environment configuration as written in YAML (defaults optional). */
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfigSchema>;
export type DeveloperConfig = EnvironmentConfig['developers'][number];
export type TeamConfig = EnvironmentConfig['teams'][number];
export type ModelPrice = z.output<typeof Price>;
export type TrustConfig = z.output<typeof Trust>;

/**
 * Tiers a developer is entitled to: their `models` list if given, else every tier whose group
 * (if any) they belong to; plus the fast tier, which everyone gets. Order follows `models`.
 */
export function entitledTierNames(
  c: Pick<EnvironmentConfig, 'models' | 'fastModel'>,
  d: { models?: string[]; groups?: string[] },
): string[] {
  const tiers = Object.keys(c.models);
  const groups = d.groups ?? [];
  const chosen = new Set(
    d.models ??
      tiers.filter((t) => {
        const m = c.models[t];
        return typeof m === 'string' || m.group === undefined || groups.includes(m.group);
      }),
  );
  if (c.fastModel) chosen.add(c.fastModel);
  return tiers.filter((t) => chosen.has(t));
}
