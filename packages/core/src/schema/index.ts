import { z } from 'zod';
import { AccessSchema } from './access';
import { AttributionSchema } from './attribution';
import { BudgetsSchema } from './budgets';
import { crossCheck } from './cross-check';
import { ACCOUNT_ID, BUCKET_PREFIX, PROJECT_NAME, recordOf, REGION, TIER_NAME } from './fields';
import { LoggingSchema } from './logging';
import { ModelTierSchema, PRICES, PriceSchema } from './models';
import { DeveloperSchema, TeamSchema } from './roster';
import {
  AllocationSchema,
  BackendSchema,
  ClaudeCodeSchema,
  DEFAULT_PROFILE_QUOTA,
} from './settings';
import { TAG_KEY, tagMap } from './tags';

export * from './access';
export * from './attribution';
export * from './budgets';
export * from './context';
export * from './fields';
export * from './guardrail';
export * from './logging';
export * from './models';
export * from './roster';
export * from './settings';
export * from './tags';
export * from './token';

/*
 * The environment configuration: the user's contract. Every app reads one YAML file, validated
 * here and only here. Objects are strict (an unknown key is an error, so a typo never silently
 * falls back to a default) and every optional field has a documented default. Each section lives
 * in a module of its own, next to the field schemas the constructs reuse for their props.
 */

/** Tags the kit sets itself on every resource. */
const KIT_TAG_KEY = TAG_KEY.refine(
  (k) => !['Project', 'Environment', 'ManagedBy'].includes(k),
  'Project, Environment and ManagedBy are set by the kit',
);

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
    tags: tagMap(undefined, KIT_TAG_KEY).default({}),
    /** Model tier name -> system cross-region inference profile id (or object). */
    models: recordOf(TIER_NAME, ModelTierSchema).refine(
      (m) => Object.keys(m).length > 0,
      'must define at least one model tier',
    ),
    /** Tier used for ANTHROPIC_MODEL and inference_profile_arns. @default - the first tier */
    defaultModel: TIER_NAME.optional(),
    /** Small/fast tier every developer gets (ANTHROPIC_DEFAULT_HAIKU_MODEL). @default - none */
    fastModel: TIER_NAME.optional(),
    /** USD per million tokens, per tier. */
    prices: PRICES,
    teams: z.array(TeamSchema).min(1, 'must define at least one team'),
    developers: z.array(DeveloperSchema).min(1, 'must list at least one developer'),
    access: AccessSchema,
    budgets: BudgetsSchema,
    logging: LoggingSchema.default(() => LoggingSchema.parse({})),
    attribution: AttributionSchema.default(() => AttributionSchema.parse({})),
    claudeCode: ClaudeCodeSchema.default(() => ClaudeCodeSchema.parse({})),
    allocation: AllocationSchema.default({ quota: DEFAULT_PROFILE_QUOTA, shardBy: 'none' }),
    /** Remote state. @default - local backend */
    backend: BackendSchema.optional(),
  })
  .superRefine(crossCheck, { when: () => true });

/** The validated environment configuration (defaults applied). */
export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>;
/** The environment configuration as written in YAML (defaults optional). */
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfigSchema>;
export type DeveloperConfig = EnvironmentConfig['developers'][number];
export type TeamConfig = EnvironmentConfig['teams'][number];
export type ModelPrice = z.output<typeof PriceSchema>;
