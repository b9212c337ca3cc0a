import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { ProfileMappingObjects } from '@claude-code-bedrock/attribution';
import { DeveloperBudgets } from '@claude-code-bedrock/budgets';
import { EnvironmentConfig, resolveDevelopers, resolveTiers } from '@claude-code-bedrock/core';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { addDeveloperOutputs, profileMappings } from './outputs';
import type { ClaudeCodeBedrockStack } from './stack';
import { configureStack } from './synth';
import { DeployTarget } from './target';

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
    configureStack(this, {
      config,
      target: props.target ?? { kind: 'aws' },
      shard: team,
      localStateDir: props.localStateDir,
    });
    const accountId = config.accountId ?? new DataAwsCallerIdentity(this, 'caller').accountId;
    const developers = resolveDevelopers(config).filter((d) => d.team === team);
    this.profiles = new DeveloperProfiles(this, 'allocation', {
      context: { project: config.project, accountId, region: config.region },
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
        // The environment stack's execution role, shared by every team stack.
        budgetAction: props.platform.budgetActionRole && {
          developerRole: props.platform.developerRole.role,
          accountId,
          region: config.region,
          executionRole: props.platform.budgetActionRole,
        },
      });
      new TerraformOutput(this, 'budget_names', {
        value: this.developerBudgets.orderedBudgetNames,
        description: "Names of this team's per-developer AWS Budgets.",
      });
    }
    addDeveloperOutputs(this, config, this.profiles, props.platform.developerRole.roleArn);
  }
}
