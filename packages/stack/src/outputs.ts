import { ProfileMapping } from '@claude-code-bedrock/attribution';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { EnvironmentConfig, ResolvedDeveloper, defaultTierName } from '@claude-code-bedrock/core';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import {
  developerEnvExpression,
  developerSettingsExpression,
  mainModelExpression,
  managedSettings,
} from './settings';
import { vpcEndpointsOutput } from './network';
import type { ClaudeCodeBedrockStack } from './stack';

/**
 * The environment stack's outputs: roles, SCP, log group and buckets, Athena names, alert topic,
 * budgets, guardrail and the managed settings. Their names and descriptions are documented in
 * docs/outputs.md, generated from the synthesized stack.
 */
export function addPlatformOutputs(stack: ClaudeCodeBedrockStack, config: EnvironmentConfig): void {
  const out = (id: string, value: unknown, description: string, sensitive = false) =>
    new TerraformOutput(stack, id, { value, description, sensitive });
  out(
    'developer_role_arn',
    stack.developerRole.roleArn,
    'ARN of the role developers assume to run Claude Code.',
  );
  out('admin_role_arn', stack.adminRole.roleArn, 'ARN of the platform administrator role.');
  out(
    'region',
    config.region,
    "AWS region of the environment: where the platform team's tools (npm run report, npm run caps) send their calls.",
  );
  out(
    'scp_policy_json',
    stack.scp.json,
    'Service control policy for the organization: denies Bedrock API keys and model use outside approved regions/models.',
  );
  out(
    'log_group_name',
    stack.logging.logGroup.name,
    'CloudWatch log group receiving Bedrock model invocation logs.',
  );
  out(
    'invocation_logs_bucket',
    stack.logging.bucket.bucket,
    'S3 bucket receiving Bedrock model invocation logs.',
  );
  out(
    'cloudtrail_arn',
    stack.logging.trail?.arn ?? Token.nullValue(),
    'ARN of the CloudTrail trail recording Bedrock API calls (null when disabled).',
  );
  out(
    'sso_permission_set_arn',
    stack.permissionSet?.permissionSetArn ?? Token.nullValue(),
    'ARN of the IAM Identity Center permission set for developers (null when not configured).',
  );
  out(
    'vpc_endpoints',
    vpcEndpointsOutput(stack.vpcEndpoints),
    'Map of service (bedrock-runtime, and bedrock, sts, logs when configured) to its interface VPC endpoint: { id, dns_names }; null without a network section.',
  );
  out(
    'flow_log_id',
    stack.flowLogs?.flowLogId ?? Token.nullValue(),
    'Id of the VPC flow log (null without a network section or with network.flowLogs.enabled false).',
  );
  out(
    'athena_workgroup',
    stack.attribution.workgroup.name,
    'Athena workgroup for cost and usage queries.',
  );
  out(
    'athena_database',
    stack.attribution.database.name,
    'Glue database holding the invocation-log tables.',
  );
  out(
    'athena_results_bucket',
    stack.attribution.resultsBucket.bucket,
    'S3 bucket holding Athena query results.',
  );
  out(
    'glue_table',
    stack.attribution.table.name,
    'Glue table over the invocation logs (partition-projected).',
  );
  out(
    'sns_topic_arn',
    stack.alertTopic.topicArn,
    'SNS topic receiving budget, anomaly and usage alerts.',
  );
  out(
    'budget_names',
    stack.budgets.budgetNames,
    'Names of every AWS Budget this environment manages.',
  );
  out(
    'guardrail_id',
    stack.guardrail?.guardrailId ?? Token.nullValue(),
    'Bedrock guardrail id (null when the guardrail is off).',
  );
  const caps = stack.spendCaps;
  out(
    'spend_caps',
    caps
      ? {
          usage_table: caps.table.name,
          function_name: caps.function.functionName,
          caps_bucket: caps.capsObject.bucket,
          caps_key: caps.capsObject.key,
          period: caps.period,
        }
      : Token.nullValue(),
    'Spend-cap enforcement (budgets.perDeveloper.enforce): the usage table, the enforcer function, where the caps document is and the period; null when off. Read by npm run caps and npm run report.',
  );
  out(
    'dashboard_url',
    stack.dashboard.dashboardUrl,
    'CloudWatch console link to the environment dashboard: calls, tokens, estimated cost, errors and throttles, latency, top developers by cost, alarm states and, with spend caps, exact cost per team and blocked developers.',
  );
  out(
    'managed_settings',
    managedSettings(config),
    'Organization managed-settings.json for Claude Code (bypass mode disabled, secret paths denied).',
  );
}

/**
 * The per-developer outputs (`inference_profile_arns`, `inference_profiles`,
 * `developer_env_config`, `claude_settings`) of a stack holding developer profiles: `for`
 * expressions over the profiles' developer -> tier -> ARN local (`DeveloperProfiles.developerArnMap`),
 * which keeps synthesis linear and small at any roster.
 */
export function addDeveloperOutputs(
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
export function profileMappings(
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
