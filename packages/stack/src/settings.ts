import type { EnvironmentConfig, ResolvedDeveloper, ResolvedTier } from '@claude-code-bedrock/core';
import { defaultTierName, resolveTiers } from '@claude-code-bedrock/core';

/**
 * Claude Code settings generation. Pure functions over the config and each developer's profile
 * ARNs (plain strings or Terraform tokens), used both for the `claude_settings` output and by the
 * onboarding command that writes one `settings.json` per developer.
 */

/** Environment variables that must never appear in generated settings. */
export const FORBIDDEN_SETTINGS_ENV = ['AWS_BEARER_TOKEN_BEDROCK'] as const;

export interface ClaudeSettings {
  readonly $schema: string;
  readonly env: Readonly<Record<string, string>>;
  readonly awsAuthRefresh?: string;
}

/** Which `ANTHROPIC_DEFAULT_*_MODEL` variable a tier feeds, from its model family. */
export function modelFamily(tier: ResolvedTier): 'OPUS' | 'SONNET' | 'HAIKU' | undefined {
  const id = tier.profileId.toLowerCase();
  if (id.includes('opus')) return 'OPUS';
  if (id.includes('sonnet')) return 'SONNET';
  if (id.includes('haiku')) return 'HAIKU';
  return undefined;
}

/**
 * The `env` block of one developer's `~/.claude/settings.json`.
 * `arns` maps each tier the developer is entitled to onto the ARN of their own profile.
 */
export function developerEnv(
  config: Pick<
    EnvironmentConfig,
    'region' | 'models' | 'defaultModel' | 'fastModel' | 'claudeCode'
  >,
  arns: Readonly<Record<string, string>>,
): Record<string, string> {
  const tiers = resolveTiers(config).filter((t) => arns[t.name] !== undefined);
  const preferred = defaultTierName(config);
  const main =
    arns[preferred] ??
    arns[tiers.find((t) => t.name !== config.fastModel)?.name ?? ''] ??
    arns[tiers[0]?.name ?? ''];
  const env: Record<string, string> = {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: config.region,
    AWS_PROFILE: config.claudeCode.awsProfile,
  };
  if (main !== undefined) env.ANTHROPIC_MODEL = main;
  for (const tier of tiers) {
    const family = modelFamily(tier);
    if (family && tier.name !== config.fastModel)
      env[`ANTHROPIC_DEFAULT_${family}_MODEL`] = arns[tier.name];
  }
  if (config.fastModel && arns[config.fastModel] !== undefined) {
    env.ANTHROPIC_DEFAULT_HAIKU_MODEL = arns[config.fastModel];
    // Claude Code versions before the ANTHROPIC_DEFAULT_* variables read this one.
    env.ANTHROPIC_SMALL_FAST_MODEL = arns[config.fastModel];
  }
  return env;
}

/** One developer's complete `~/.claude/settings.json`. */
export function developerSettings(
  config: Pick<
    EnvironmentConfig,
    'region' | 'models' | 'defaultModel' | 'fastModel' | 'claudeCode'
  >,
  arns: Readonly<Record<string, string>>,
): ClaudeSettings {
  return {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    env: developerEnv(config, arns),
    ...(config.claudeCode.awsAuthRefresh
      ? { awsAuthRefresh: config.claudeCode.awsAuthRefresh }
      : {}),
  };
}

/**
 * The organization-wide `managed-settings.json` (`/etc/claude-code/managed-settings.json` on
 * Linux, `/Library/Application Support/ClaudeCode/managed-settings.json` on macOS).
 */
export function managedSettings(config: Pick<EnvironmentConfig, 'claudeCode'>) {
  return {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    cleanupPeriodDays: config.claudeCode.cleanupPeriodDays,
    env: { CLAUDE_CODE_USE_BEDROCK: '1' },
    permissions: {
      disableBypassPermissionsMode: 'disable',
      deny: config.claudeCode.denyPaths.flatMap((p) => [`Read(${p})`, `Edit(${p})`]),
    },
  };
}

/** An `~/.aws/config` profile for one developer: assume the developer role, tagged with User. */
export function awsCliProfile(
  config: Pick<EnvironmentConfig, 'region' | 'claudeCode'>,
  developer: Pick<ResolvedDeveloper, 'id'>,
  developerRoleArn: string,
): string {
  const name = config.claudeCode.awsProfile;
  if (config.claudeCode.ssoStartUrl) {
    return [
      `# ${developer.id}: sign in with IAM Identity Center; your session carries the User tag`,
      `[profile ${name}]`,
      `sso_start_url = ${config.claudeCode.ssoStartUrl}`,
      `sso_region = ${config.region}`,
      `sso_role_name = <permission set name>`,
      `region = ${config.region}`,
      '',
    ].join('\n');
  }
  return [
    `# ${developer.id}: assumes the developer role; the User session tag must equal your id`,
    `[profile ${name}]`,
    `role_arn = ${developerRoleArn}`,
    `role_session_name = ${developer.id.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)}`,
    `source_profile = default`,
    `region = ${config.region}`,
    '',
  ].join('\n');
}

/**
 * The same `env` block as {@link developerEnv}, as a Terraform expression over `arns` (a map of
 * tier to ARN for one developer). The stack's outputs use it inside a `for` expression over every
 * developer, so synthesis emits one expression instead of one object per developer.
 */
export function developerEnvExpression(
  config: Pick<
    EnvironmentConfig,
    'region' | 'models' | 'defaultModel' | 'fastModel' | 'claudeCode'
  >,
  arns: string,
): string {
  const tiers = resolveTiers(config);
  const str = (s: string) => JSON.stringify(s);
  const has = (tier: string) => `contains(keys(${arns}), ${str(tier)})`;
  const parts = [
    `{ CLAUDE_CODE_USE_BEDROCK = "1", AWS_REGION = ${str(config.region)}, AWS_PROFILE = ${str(config.claudeCode.awsProfile)}, ANTHROPIC_MODEL = ${mainModelExpression(config, arns)} }`,
  ];
  for (const tier of tiers) {
    const family = modelFamily(tier);
    if (family && tier.name !== config.fastModel) {
      parts.push(
        `${has(tier.name)} ? { ANTHROPIC_DEFAULT_${family}_MODEL = ${arns}[${str(tier.name)}] } : {}`,
      );
    }
  }
  if (config.fastModel) {
    const fast = `${arns}[${str(config.fastModel)}]`;
    parts.push(
      `${has(config.fastModel)} ? { ANTHROPIC_DEFAULT_HAIKU_MODEL = ${fast}, ANTHROPIC_SMALL_FAST_MODEL = ${fast} } : {}`,
    );
  }
  return `merge(${parts.join(', ')})`;
}

/**
 * Terraform expression for the ARN behind `ANTHROPIC_MODEL`: the default tier, else the first
 * other non-fast tier, else the fast tier (the same order as {@link developerEnv}).
 */
export function mainModelExpression(
  config: Pick<EnvironmentConfig, 'models' | 'defaultModel' | 'fastModel'>,
  arns: string,
): string {
  const preferred = defaultTierName(config);
  const order = [
    preferred,
    ...Object.keys(config.models).filter((t) => t !== preferred && t !== config.fastModel),
    ...(config.fastModel && config.fastModel !== preferred ? [config.fastModel] : []),
  ];
  return `coalesce(${order.map((t) => `lookup(${arns}, ${JSON.stringify(t)}, null)`).join(', ')})`;
}
