import { z } from 'zod';
import { AccessSchema } from './access';
import { AttributionSchema } from './attribution';
import { BudgetsSchema } from './budgets';
import { crossCheck } from './cross-check';
import { ACCOUNT_ID, BUCKET_PREFIX, PROJECT_NAME, recordOf, REGION, TIER_NAME } from './fields';
import { LoggingSchema } from './logging';
import { ModelTierSchema, PRICES, PriceSchema } from './models';
import { NetworkSchema } from './network';
import { DeveloperSchema, TeamSchema } from './roster';
import {
  AllocationSchema,
  BackendSchema,
  ClaudeCodeSchema,
  DEFAULT_PROFILE_QUOTA,
} from './settings';
import { TAG_KEY, TAG_VALUE, tagMap } from './tags';

export * from './access';
export * from './attribution';
export * from './budgets';
export * from './context';
export * from './fields';
export * from './guardrail';
export * from './logging';
export * from './models';
export * from './network';
export * from './roster';
export * from './settings';
export * from './tags';
export * from './token';

/*
 * The environment configuration: the user's contract. Every app reads one YAML file, validated
 * here and only here. Objects are strict (an unknown key is an error, so a typo never silently
 * falls back to a default) and every optional field has a documented default. Each section lives
 * in a module of its own, next to the field schemas the constructs reuse for their props.
 *
 * Every key is documented once, in its zod metadata: `.meta({ description })`, plus
 * `defaultDescription` (what leaving out an optional key without a default does) and `keyName`
 * (the placeholder for a map's keys, `models.<tier>`). docs/configuration.md is generated from it
 * (`npm run docs`), which fails on a key without a description.
 */

/** Tags the kit sets itself on every resource. */
const KIT_TAG_KEY = TAG_KEY.refine(
  (k) => !['Project', 'Environment', 'ManagedBy'].includes(k),
  'Project, Environment and ManagedBy are set by the kit',
);

export const EnvironmentConfigSchema = z
  .strictObject({
    project: PROJECT_NAME.meta({
      description:
        'Prefix of every resource name (`{project}-developer`, ...) and the `Project` tag.',
    }),
    environment: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/, 'must be 1-16 characters of a-z, 0-9 and -')
      .meta({ description: 'Stack name and `Environment` tag.' }),
    region: REGION.meta({
      description: 'Home region of the profiles, logs and every regional resource.',
    }),
    accountId: ACCOUNT_ID.optional().meta({
      description: 'Account id used in ARNs.',
      defaultDescription: 'read at plan time from the caller identity',
    }),
    bucketPrefix: BUCKET_PREFIX.meta({
      description:
        'S3 bucket-name prefix: `{prefix}-bedrock-invocation-logs` must stay a valid bucket name (at most 37 characters; not `xn--`, `sthree-` or `amzn-s3-demo-`).',
    }),
    tags: tagMap(
      TAG_VALUE.meta({ description: 'Tag value (at most 256 tag-value characters).' }),
      KIT_TAG_KEY,
    )
      .default({})
      .meta({
        description:
          'Extra common tags on every taggable resource (`default_tags`). `Project`, `Environment` and `ManagedBy` are set by the kit and cannot be given; keys must not start with `aws:`.',
        keyName: 'key',
      }),
    models: recordOf(TIER_NAME, ModelTierSchema)
      .refine((m) => Object.keys(m).length > 0, 'must define at least one model tier')
      .meta({
        description:
          'Model tiers: tier name → the system cross-region inference profile it copies (pin versions). At least one tier.',
        keyName: 'tier',
      }),
    defaultModel: TIER_NAME.optional().meta({
      description:
        'Tier behind `ANTHROPIC_MODEL` and the `inference_profile_arns` output; must be a tier of `models`.',
      defaultDescription: 'the first tier',
    }),
    fastModel: TIER_NAME.optional().meta({
      description:
        'Small/fast tier every developer gets (`ANTHROPIC_DEFAULT_HAIKU_MODEL`); must be a tier of `models`.',
      defaultDescription: 'none',
    }),
    prices: PRICES.meta({
      description: 'USD per million tokens, for every tier of `models` and no other.',
      keyName: 'tier',
    }),
    teams: z
      .array(TeamSchema)
      .min(1, 'must define at least one team')
      .meta({ description: 'The teams (at least one); ids are unique.' }),
    developers: z.array(DeveloperSchema).min(1, 'must list at least one developer').meta({
      description:
        'The roster (at least one developer); ids are unique, also after sanitisation into profile names and role session names.',
    }),
    access: AccessSchema.meta({
      description: 'Who may assume the roles, and how a caller is matched to a profile.',
    }),
    budgets: BudgetsSchema.meta({
      description: 'AWS Budgets, alerts, usage alarms, anomaly detection and the guardrail.',
    }),
    logging: LoggingSchema.default(() => LoggingSchema.parse({})).meta({
      description: 'Model invocation logging (CloudWatch Logs + S3) and the CloudTrail trail.',
    }),
    network: NetworkSchema.optional().meta({
      description:
        'Private connectivity: interface VPC endpoints (PrivateLink) for Bedrock, their security group, VPC flow logs, and optionally endpoint-only invocation. See docs/network.md.',
      defaultDescription: 'no endpoints or flow logs: Bedrock is reached over its public endpoints',
    }),
    attribution: AttributionSchema.default(() => AttributionSchema.parse({})).meta({
      description: 'The Glue table, Athena workgroup and cost queries.',
    }),
    claudeCode: ClaudeCodeSchema.default(() => ClaudeCodeSchema.parse({})).meta({
      description: 'The generated Claude Code settings and AWS CLI profiles.',
    }),
    allocation: AllocationSchema.default({
      quota: DEFAULT_PROFILE_QUOTA,
      shardBy: 'none',
    }).meta({ description: 'How the application inference profiles are allocated.' }),
    backend: BackendSchema.optional().meta({
      description: 'Remote state.',
      defaultDescription: 'local backend (`terraform.<environment>.tfstate`)',
    }),
  })
  .superRefine(crossCheck, { when: () => true });

/** The validated environment configuration (defaults applied). */
export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>;
/** The environment configuration as written in YAML (defaults optional). */
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfigSchema>;
export type DeveloperConfig = EnvironmentConfig['developers'][number];
export type TeamConfig = EnvironmentConfig['teams'][number];
export type ModelPrice = z.output<typeof PriceSchema>;
