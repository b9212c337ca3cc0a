import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  AdminRole,
  DeveloperPermissionSet,
  DeveloperRole,
  developerPermissionSetName,
  ScpDocument,
} from '@claude-code-bedrock/foundation';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { applyChecks } from '@claude-code-bedrock/policy';
import { BedrockAuditLogging } from '@claude-code-bedrock/logging';
import {
  CostAttribution,
  ProfileMapping,
  ProfileMappingObjects,
} from '@claude-code-bedrock/attribution';
import {
  BedrockGuardrail,
  BudgetAlertTopic,
  CostAnomalyDetection,
  DeveloperBudgets,
  PlatformBudgets,
  UsageAlarms,
} from '@claude-code-bedrock/budgets';
import {
  EnvironmentConfig,
  ResolvedDeveloper,
  commonTags,
  defaultTierName,
  resolveDevelopers,
  resolveTiers,
} from '@claude-code-bedrock/core';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'path';
import {
  developerEnvExpression,
  developerSettingsExpression,
  mainModelExpression,
  managedSettings,
} from './settings';
import { DeployTarget, providerSettingsFor } from './target';

export interface ClaudeCodeBedrockStackProps {
  /** The validated environment configuration (see `loadConfigFile`). */
  readonly config: EnvironmentConfig;
  /** @default - real AWS */
  readonly target?: DeployTarget;
  /**
   * Directory of the local state file `terraform.<environment>.tfstate` (local backend only).
   * Keep it outside the synthesized output, which is replaced on every synth.
   * @default - the working directory, as cdktf does
   */
  readonly localStateDir?: string;
  /**
   * Where the developers' inference profiles live: in this stack, or in one
   * {@link AllocationShardStack} per team (`allocation.shardBy: team`), each with its own state.
   * @default - from `config.allocation.shardBy`
   */
  readonly allocation?: 'inline' | 'sharded';
}

/**
 * One environment: foundation, logging, allocation, attribution and budgets composed from one
 * validated config, with the provider, backend and every output the apps expose.
 */
export class ClaudeCodeBedrockStack extends TerraformStack {
  readonly developerRole: DeveloperRole;
  readonly adminRole: AdminRole;
  readonly scp: ScpDocument;
  /** The Identity Center permission set; set when `attribution.identityCenterInstanceArn` is. */
  readonly permissionSet?: DeveloperPermissionSet;
  readonly logging: BedrockAuditLogging;
  /** The developers' profiles; undefined when allocation is sharded across team stacks. */
  readonly profiles?: DeveloperProfiles;
  readonly attribution: CostAttribution;
  readonly alertTopic: BudgetAlertTopic;
  readonly budgets: PlatformBudgets;
  readonly alarms: UsageAlarms;
  readonly anomaly?: CostAnomalyDetection;
  readonly guardrail?: BedrockGuardrail;
  /** Set while this stack's synthesizer runs; see {@link toTerraform}. */
  private synthesis?: { validating: boolean; config?: { [key: string]: unknown } };

  constructor(scope: Construct, id: string, props: ClaudeCodeBedrockStackProps) {
    super(scope, id);
    this.resolveOncePerSynth();
    const { config } = props;
    const target = props.target ?? { kind: 'aws' };
    const { project, region, bucketPrefix } = config;

    configureStack(this, config, target, config.environment, props.localStateDir);

    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, 'caller').accountId;
    const tiers = resolveTiers(config);
    const developers = resolveDevelopers(config);

    // foundation -----------------------------------------------------------------------------
    this.developerRole = new DeveloperRole(this, 'developer-role', {
      project,
      accountId,
      region,
      trust: config.access.developers,
      tiers,
      identity: config.access.identity,
      tagSession: config.access.tagSession,
      maxSessionDurationSeconds: config.access.maxSessionDurationSeconds,
      allowedRegions: config.access.allowedRegions,
    });
    this.adminRole = new AdminRole(this, 'admin-role', {
      project,
      accountId,
      region,
      bucketPrefix,
      trust: config.access.admins ?? { principals: config.access.developers.principals },
      maxSessionDurationSeconds: config.access.maxSessionDurationSeconds,
      allowedRegions: config.access.allowedRegions,
    });
    if (config.attribution.identityCenterInstanceArn !== undefined) {
      // The same policy document as the developer role: one developer policy, rendered once.
      this.permissionSet = new DeveloperPermissionSet(this, 'developer-permission-set', {
        instanceArn: config.attribution.identityCenterInstanceArn,
        name: developerPermissionSetName(project),
        developerRole: this.developerRole,
      });
    }
    this.scp = new ScpDocument(this, 'scp', {
      project,
      allowedRegions: config.access.allowedRegions,
      tiers,
    });

    // logging --------------------------------------------------------------------------------
    const l = config.logging;
    this.logging = new BedrockAuditLogging(this, 'logging', {
      project,
      bucketPrefix,
      accountId,
      region,
      logRetentionDays: l.logRetentionDays,
      transitionToIaDays: l.transitionToIaDays,
      expirationDays: l.expirationDays,
      noncurrentExpirationDays: l.noncurrentExpirationDays,
      objectLock: l.objectLock,
      delivery: l.delivery,
      manageInvocationLogging: l.manageInvocationLogging,
      cloudtrail: l.cloudtrail,
    });
    this.logging.grantRead(this.adminRole.role);

    // allocation -----------------------------------------------------------------------------
    const sharded =
      (props.allocation ?? (config.allocation.shardBy === 'team' ? 'sharded' : 'inline')) ===
      'sharded';
    if (!sharded) {
      this.profiles = new DeveloperProfiles(this, 'allocation', {
        project,
        region,
        accountId,
        tiers,
        developers,
        quota: config.allocation.quota,
      });
    }

    // attribution ----------------------------------------------------------------------------
    const a = config.attribution;
    this.attribution = new CostAttribution(this, 'attribution', {
      project,
      bucketPrefix,
      accountId,
      region,
      logBucket: this.logging.bucket,
      logKeyPrefix: this.logging.s3KeyPrefix,
      prices: config.prices,
      tiers,
      // Sharded: each team stack writes its part of the mapping (see AllocationShardStack).
      profiles: this.profiles ? profileMappings(developers, this.profiles) : [],
      projectionStartDate: a.projectionStartDate,
      bytesScannedCutoffPerQuery: a.bytesScannedCutoffPerQuery,
      resultsExpirationDays: a.resultsExpirationDays,
      activateCostAllocationTags: a.activateCostAllocationTags,
    });

    this.adminRole.grantQueryResults(this.attribution.resultsBucket);

    // budgets --------------------------------------------------------------------------------
    const b = config.budgets;
    this.alertTopic = new BudgetAlertTopic(this, 'alerts', {
      project,
      accountId,
      region,
      emails: b.alertEmails,
      kmsKeyArn: b.snsKmsKeyArn,
    });
    this.budgets = new PlatformBudgets(this, 'budgets', {
      project,
      topic: this.alertTopic.topic,
      topicPolicy: this.alertTopic.policy,
      alertEmails: b.alertEmails,
      monthlyUsd: b.monthlyUsd,
      thresholds: b.thresholds,
      teams: config.teams,
      teamThresholds: b.teamThresholds,
      // Sharded: each team stack holds its developers' budgets (see AllocationShardStack).
      developers:
        b.perDeveloper.enabled && !sharded
          ? developers.map((d) => ({ id: d.id, monthlyBudgetUsd: d.monthlyBudgetUsd }))
          : undefined,
      developerThresholds: b.perDeveloper.thresholds,
    });
    this.alarms = new UsageAlarms(this, 'alarms', {
      project,
      logGroup: this.logging.logGroup,
      topic: this.alertTopic.topic,
      accountId,
      region,
      ...b.alarms,
    });
    if (b.anomaly.enabled) {
      this.anomaly = new CostAnomalyDetection(this, 'anomaly', {
        project,
        topic: this.alertTopic.topic,
        topicPolicy: this.alertTopic.policy,
        thresholdUsd: b.anomaly.thresholdUsd,
      });
    }
    if (b.guardrail.enabled) {
      this.guardrail = new BedrockGuardrail(this, 'guardrail', {
        project,
        deniedTopics: b.guardrail.deniedTopics,
        piiEntities: b.guardrail.piiEntities,
      });
    }

    this.addOutputs(config);
    if (this.profiles) {
      addDeveloperOutputs(this, config, this.profiles, this.developerRole.roleArn);
    }
    // Policy checks run at synth: error findings fail synthesis (see @claude-code-bedrock/policy).
    applyChecks(this, { teams: config.teams.map((t) => t.id) });
  }

  /**
   * The stack as Terraform JSON. During `app.synth()`, from the stack's validations on (after
   * every aspect ran), the first result is reused: the policy checks and the synthesizer then
   * resolve the stack once between them instead of twice. Outside a synth it resolves afresh.
   */
  override toTerraform(): { [key: string]: unknown } {
    const synthesis = this.synthesis;
    if (!synthesis?.validating) return super.toTerraform();
    return (synthesis.config ??= super.toTerraform());
  }

  private resolveOncePerSynth(): void {
    const synthesizer = this.synthesizer;
    this.synthesizer = {
      synthesize: (session) => {
        this.synthesis = { validating: false };
        try {
          synthesizer.synthesize(session);
        } finally {
          this.synthesis = undefined;
        }
      },
    };
    // Added before any aspect adds its own, so it runs first of the stack's validations.
    this.node.addValidation({
      validate: () => {
        if (this.synthesis) this.synthesis.validating = true;
        return [];
      },
    });
  }

  private addOutputs(config: EnvironmentConfig): void {
    const out = (id: string, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive });
    out(
      'developer_role_arn',
      this.developerRole.roleArn,
      'ARN of the role developers assume to run Claude Code.',
    );
    out('admin_role_arn', this.adminRole.roleArn, 'ARN of the platform administrator role.');
    out(
      'scp_policy_json',
      this.scp.json,
      'Service control policy for the organization: denies Bedrock API keys and model use outside approved regions/models.',
    );
    out(
      'log_group_name',
      this.logging.logGroup.name,
      'CloudWatch log group receiving Bedrock model invocation logs.',
    );
    out(
      'invocation_logs_bucket',
      this.logging.bucket.bucket,
      'S3 bucket receiving Bedrock model invocation logs.',
    );
    out(
      'cloudtrail_arn',
      this.logging.trail?.arn ?? Token.nullValue(),
      'ARN of the CloudTrail trail recording Bedrock API calls (null when disabled).',
    );
    out(
      'sso_permission_set_arn',
      this.permissionSet?.permissionSetArn ?? Token.nullValue(),
      'ARN of the IAM Identity Center permission set for developers (null when not configured).',
    );
    out(
      'athena_workgroup',
      this.attribution.workgroup.name,
      'Athena workgroup for cost and usage queries.',
    );
    out(
      'athena_database',
      this.attribution.database.name,
      'Glue database holding the invocation-log tables.',
    );
    out(
      'athena_results_bucket',
      this.attribution.resultsBucket.bucket,
      'S3 bucket holding Athena query results.',
    );
    out(
      'glue_table',
      this.attribution.table.name,
      'Glue table over the invocation logs (partition-projected).',
    );
    out(
      'sns_topic_arn',
      this.alertTopic.topicArn,
      'SNS topic receiving budget, anomaly and usage alerts.',
    );
    out(
      'budget_names',
      this.budgets.budgetNames,
      'Names of every AWS Budget this environment manages.',
    );
    out(
      'guardrail_id',
      this.guardrail?.guardrailId ?? Token.nullValue(),
      'Bedrock guardrail id (null when the guardrail is off).',
    );
    out(
      'managed_settings',
      managedSettings(config),
      'Organization managed-settings.json for Claude Code (bypass mode disabled, secret paths denied).',
    );
  }
}

/**
 * The per-developer outputs (`inference_profile_arns`, `inference_profiles`,
 * `developer_env_config`, `claude_settings`) of a stack holding developer profiles: `for`
 * expressions over the profiles' developer -> tier -> ARN local (`DeveloperProfiles.developerArnMap`),
 * which keeps synthesis linear and small at any roster.
 */
function addDeveloperOutputs(
  stack: TerraformStack,
  config: EnvironmentConfig,
  developerProfiles: DeveloperProfiles,
  developerRoleArn: string,
): void {
  const out = (id: string, value: unknown, description: string) =>
    new TerraformOutput(stack, id, { value, description });
  const defaultTier = defaultTierName(config);
  const profiles = developerProfiles.developerArnMap;
  const forEachDeveloper = (body: string) =>
    `\${ { for dev, arns in local.${profiles.friendlyUniqueId} : dev => ${body} } }`;
  const env = developerEnvExpression(config, 'arns');
  const settings = developerSettingsExpression(config, 'dev', 'arns', developerRoleArn);

  out(
    'inference_profile_arns',
    forEachDeveloper(mainModelExpression(config, 'arns')),
    `Map of developer id to the ARN of their application inference profile for the default tier (${defaultTier}).`,
  );
  out(
    'inference_profiles',
    profiles.expression,
    'Map of developer id to a map of model tier to application inference profile ARN.',
  );
  out(
    'developer_env_config',
    forEachDeveloper(env),
    'Map of developer id to the environment variables Claude Code needs (CLAUDE_CODE_USE_BEDROCK, AWS_REGION, ANTHROPIC_MODEL, ANTHROPIC_DEFAULT_*_MODEL, AWS_PROFILE unless credentials come from awsCredentialExport).',
  );
  out(
    'claude_settings',
    forEachDeveloper(settings),
    'Map of developer id to the complete ~/.claude/settings.json for that developer.',
  );
}

/** The profile -> developer/team/cost center/tier rows the attribution queries join on. */
function profileMappings(
  developers: readonly ResolvedDeveloper[],
  profiles: DeveloperProfiles,
): ProfileMapping[] {
  return developers.flatMap((d) =>
    d.tiers.map((tier) => ({
      developerId: d.id,
      team: d.team,
      costCenter: d.costCenter,
      tier,
      profileArn: profiles.profiles[d.id][tier].arn,
    })),
  );
}

/** Provider (region, common tags, target endpoints) and backend of one stack. */
function configureStack(
  stack: TerraformStack,
  config: EnvironmentConfig,
  target: DeployTarget,
  stateName: string,
  localStateDir: string | undefined,
): void {
  const { project, region } = config;
  new AwsProvider(stack, 'aws', {
    region,
    defaultTags: [{ tags: commonTags(project, config.environment, config.tags) }],
    ...providerSettingsFor(target),
  });
  if (config.backend?.s3) {
    const s3 = config.backend.s3;
    const key = s3.key ?? `${project}/${config.environment}/terraform.tfstate`;
    new S3Backend(stack, {
      bucket: s3.bucket,
      // Shards keep their own state next to the environment's: <key>, <key>-<team>.
      key:
        stateName === config.environment
          ? key
          : key.replace(/(\.tfstate)?$/, `-${stateName.slice(config.environment.length + 1)}$1`),
      region: s3.region ?? region,
      encrypt: true,
    });
    // Terraform >= 1.10 native S3 locking; cdktf 0.21's S3BackendConfig predates the option.
    if (s3.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    new LocalBackend(stack, {
      path: join(localStateDir ?? process.cwd(), `terraform.${stateName}.tfstate`),
    });
  }
}

export interface AllocationShardStackProps {
  /** The validated environment configuration. */
  readonly config: EnvironmentConfig;
  /** The team whose developers' profiles this stack holds. */
  readonly team: string;
  /** The environment stack (results bucket for the profile mapping). */
  readonly platform: ClaudeCodeBedrockStack;
  /** @default - real AWS */
  readonly target?: DeployTarget;
  /** @default - the working directory */
  readonly localStateDir?: string;
}

/**
 * One team's share of a sharded environment (`allocation.shardBy: team`): the team's application
 * inference profiles, its per-developer budgets (when `budgets.perDeveloper.enabled`), its part
 * of the Athena profile mapping and the per-developer outputs, in a stack of its own (its own
 * state), so a roster too large for one state is split by team. cdktf wires the references to the
 * environment stack's results bucket and alert topic through remote state.
 */
export class AllocationShardStack extends TerraformStack {
  readonly profiles: DeveloperProfiles;
  /** The team's per-developer budgets; undefined when per-developer budgets are off. */
  readonly developerBudgets?: DeveloperBudgets;

  constructor(scope: Construct, id: string, props: AllocationShardStackProps) {
    super(scope, id);
    const { config, team } = props;
    configureStack(this, config, props.target ?? { kind: 'aws' }, id, props.localStateDir);
    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, 'caller').accountId;
    const developers = resolveDevelopers(config).filter((d) => d.team === team);
    this.profiles = new DeveloperProfiles(this, 'allocation', {
      project: config.project,
      region: config.region,
      accountId,
      tiers: resolveTiers(config),
      developers,
      // The account-wide quota was checked for the whole roster when the config was validated.
      quota: config.allocation.quota,
    });
    new ProfileMappingObjects(this, 'profile-mapping', {
      bucket: props.platform.attribution.resultsBucket,
      profiles: profileMappings(developers, this.profiles),
      fileNamePrefix: `profiles-${team}`,
    });
    const b = config.budgets;
    if (b.perDeveloper.enabled) {
      // No topicPolicy: it lives in the environment stack, which is applied before its shards.
      this.developerBudgets = new DeveloperBudgets(this, 'developer-budgets', {
        project: config.project,
        topic: props.platform.alertTopic.topic,
        alertEmails: b.alertEmails,
        developers: developers.map((d) => ({ id: d.id, monthlyBudgetUsd: d.monthlyBudgetUsd })),
        thresholds: b.perDeveloper.thresholds,
      });
      new TerraformOutput(this, 'budget_names', {
        value: this.developerBudgets.orderedBudgetNames,
        description: "Names of this team's per-developer AWS Budgets.",
      });
    }
    addDeveloperOutputs(this, config, this.profiles, props.platform.developerRole.roleArn);
  }
}
