import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import {
  AdminRole,
  BedrockGuardrail,
  BedrockVpcEndpoints,
  DeveloperPermissionSet,
  DeveloperRole,
  developerPermissionSetName,
  ScpDocument,
} from '@claude-code-bedrock/foundation';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { applyChecks } from '@claude-code-bedrock/policy';
import { BedrockAuditLogging, VpcFlowLogs } from '@claude-code-bedrock/logging';
import { CostAttribution } from '@claude-code-bedrock/attribution';
import {
  BudgetActionRole,
  BudgetAlertTopic,
  CostAnomalyDetection,
  PlatformBudgets,
  SpendCaps,
  UsageAlarms,
  UsageDashboard,
} from '@claude-code-bedrock/budgets';
import {
  DeploymentContext,
  EnvironmentConfig,
  resolveDevelopers,
  resolveTiers,
} from '@claude-code-bedrock/core';
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { addNetwork } from './network';
import { addDeveloperOutputs, addPlatformOutputs, profileMappings } from './outputs';
import { AllocationShardStack } from './shard-stack';
import { ResolveOnceStack, configureStack } from './synth';
import { DeployTarget } from './target';

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
export class ClaudeCodeBedrockStack extends ResolveOnceStack {
  readonly developerRole: DeveloperRole;
  readonly adminRole: AdminRole;
  readonly scp: ScpDocument;
  /** The Identity Center permission set; set when `attribution.identityCenterInstanceArn` is. */
  readonly permissionSet?: DeveloperPermissionSet;
  readonly logging: BedrockAuditLogging;
  /** The Bedrock interface endpoints; set when the config has a `network` section. */
  readonly vpcEndpoints?: BedrockVpcEndpoints;
  /** The VPC flow logs; set with `network` unless `network.flowLogs.enabled` is false. */
  readonly flowLogs?: VpcFlowLogs;
  /** The developers' profiles; undefined when allocation is sharded across team stacks. */
  readonly profiles?: DeveloperProfiles;
  readonly attribution: CostAttribution;
  readonly alertTopic: BudgetAlertTopic;
  readonly budgets: PlatformBudgets;
  /**
   * The role AWS Budgets runs the per-developer budget actions with (shared with the team stacks);
   * set when `budgets.perDeveloper.budgetAction` is on.
   */
  readonly budgetActionRole?: BudgetActionRole;
  readonly alarms: UsageAlarms;
  readonly anomaly?: CostAnomalyDetection;
  readonly guardrail?: BedrockGuardrail;
  /** Set when `budgets.perDeveloper.enforce` is on. */
  readonly spendCaps?: SpendCaps;
  /** The environment's CloudWatch dashboard (usage, cost, errors, latency, alarms, caps). */
  readonly dashboard: UsageDashboard;
  /**
   * One stack per team holding that team's profiles when allocation is sharded (built beside this
   * stack, in the same scope); empty otherwise.
   */
  readonly shards: readonly AllocationShardStack[];

  constructor(scope: Construct, id: string, props: ClaudeCodeBedrockStackProps) {
    super(scope, id);
    const { config } = props;
    const target = props.target ?? { kind: 'aws' };
    const { project, region, bucketPrefix } = config;

    configureStack(this, { config, target, localStateDir: props.localStateDir });

    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, 'caller').accountId;
    const context: DeploymentContext = { project, accountId, region };
    const tiers = resolveTiers(config);
    const developers = resolveDevelopers(config);

    // admin role (before the network, whose bedrock and logs endpoints admit it) ------------
    this.adminRole = new AdminRole(this, 'admin-role', {
      context,
      bucketPrefix,
      trust: config.access.admins ?? { principals: config.access.developers.principals },
      maxSessionDurationSeconds: config.access.maxSessionDurationSeconds,
      allowedRegions: config.access.allowedRegions,
    });

    // network (before the developer role, which may require its endpoint) -------------------
    const network = addNetwork(this, config, context, tiers, this.adminRole);
    this.vpcEndpoints = network?.endpoints;
    this.flowLogs = network?.flowLogs;

    // foundation -----------------------------------------------------------------------------
    this.developerRole = new DeveloperRole(this, 'developer-role', {
      context,
      trust: config.access.developers,
      tiers,
      identity: config.access.identity,
      tagSession: config.access.tagSession,
      maxSessionDurationSeconds: config.access.maxSessionDurationSeconds,
      allowedRegions: config.access.allowedRegions,
      invokeOnlyThrough: config.network?.requireVpcEndpoint ? this.vpcEndpoints : undefined,
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
      context,
      bucketPrefix,
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
        context,
        tiers,
        developers,
        quota: config.allocation.quota,
      });
    }

    // attribution ----------------------------------------------------------------------------
    const a = config.attribution;
    this.attribution = new CostAttribution(this, 'attribution', {
      context,
      bucketPrefix,
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
      context,
      emails: b.alertEmails,
      kmsKeyArn: b.snsKmsKeyArn,
    });
    if (b.perDeveloper.budgetAction) {
      this.budgetActionRole = new BudgetActionRole(this, 'budget-action-role', {
        context,
        developerRole: this.developerRole.role,
      });
    }
    const inlineDeveloperBudgets = b.perDeveloper.enabled && !sharded;
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
      developers: inlineDeveloperBudgets
        ? developers.map((d) => ({ id: d.id, monthlyBudgetUsd: d.monthlyBudgetUsd }))
        : undefined,
      developerThresholds: b.perDeveloper.thresholds,
      developerBudgetAction:
        inlineDeveloperBudgets && this.budgetActionRole
          ? {
              developerRole: this.developerRole.role,
              accountId,
              region,
              executionRole: this.budgetActionRole,
            }
          : undefined,
    });
    this.alarms = new UsageAlarms(this, 'alarms', {
      context,
      logGroup: this.logging.logGroup,
      topic: this.alertTopic.topic,
      ...b.alarms,
    });
    if (b.perDeveloper.enforce && !this.profiles) {
      throw new Error(
        `ClaudeCodeBedrockStack '${id}': budgets.perDeveloper.enforce needs the developers' profiles in this stack, but allocation is sharded; set allocation: 'inline' or turn enforcement off.`,
      );
    }
    if (b.perDeveloper.enforce && this.profiles) {
      this.spendCaps = new SpendCaps(this, 'spend-caps', {
        context,
        logGroup: this.logging.logGroup,
        profiles: this.profiles,
        developers: developers.map((d) => ({
          id: d.id,
          capUsd: d.monthlyBudgetUsd,
          team: d.team,
          costCenter: d.costCenter,
        })),
        tiers,
        prices: config.prices,
        topic: this.alertTopic.topic,
        topicKmsKeyArn: b.snsKmsKeyArn,
        capsBucket: this.attribution.resultsBucket,
        period: b.perDeveloper.period,
        warnAt: b.perDeveloper.warnAt,
        logRetentionDays: config.logging.logRetentionDays,
      });
    }
    this.dashboard = new UsageDashboard(this, 'dashboard', {
      context,
      usage: this.alarms,
      logGroup: this.logging.logGroup,
      prices: config.prices,
      spendCaps: this.spendCaps,
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

    addPlatformOutputs(this, config);
    if (this.profiles) {
      addDeveloperOutputs(this, config, this.profiles, this.developerRole.roleArn);
    }
    this.shards = sharded ? this.addShards(scope, id, props) : [];
    // Policy checks run at synth: error findings fail synthesis (see @claude-code-bedrock/policy).
    // The network section tells them what was asked (requireVpcEndpoint: CCB-IAM-3).
    applyChecks(this, { teams: config.teams.map((t) => t.id), network: config.network });
  }

  /**
   * The team stacks of a sharded environment, `<id>-<team>`, siblings of this stack. They must be
   * top-level stacks of the app, like this one, so each has its own state.
   */
  private addShards(
    scope: Construct,
    id: string,
    props: ClaudeCodeBedrockStackProps,
  ): AllocationShardStack[] {
    if (!App.isApp(scope)) {
      throw new Error(
        `ClaudeCodeBedrockStack '${id}': allocation is sharded by team, which adds one stack per team beside this one, so the stack must be created directly in the cdktf App (got '${scope.node.path}'). Create it in the App, or set allocation: 'inline'.`,
      );
    }
    return props.config.teams.map(
      (team) =>
        new AllocationShardStack(scope, `${id}-${team.id}`, {
          config: props.config,
          team: team.id,
          platform: this,
          target: props.target,
          localStateDir: props.localStateDir,
        }),
    );
  }
}
