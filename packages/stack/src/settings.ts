import type { EnvironmentConfig, ResolvedDeveloper, ResolvedTier } from '@claude-code-bedrock/core';
import {
  DEVELOPER_ID,
  defaultTierName,
  resolveTiers,
  roleSessionName,
} from '@claude-code-bedrock/core';
import { developerPermissionSetName } from '@claude-code-bedrock/foundation';

/** The config sections the settings depend on. */
export type SettingsConfig = Pick<
  EnvironmentConfig,
  'region' | 'models' | 'defaultModel' | 'fastModel' | 'claudeCode' | 'access'
>;

/**
 * How a developer's machine gets a session that carries their `User` tag:
 *
 * - `assumeRole` (IAM principals, `identity: principalTag`): Claude Code's `awsCredentialExport`
 *   runs `aws sts assume-role ... --tags Key=User,Value=<id>` with the developer's own IAM
 *   credentials (profile `claudeCode.sourceProfile`). AWS CLI/SDK profiles (`role_arn` +
 *   `source_profile`) cannot pass session tags, and IAM user tags are not copied to a role session.
 * - `iamUser` (`identity: username`): the developer's IAM user calls Bedrock directly; ABAC matches
 *   `${aws:username}`, no session tag needed.
 * - `identityCenter` (`claudeCode.ssoStartUrl`): `aws sso login`; Identity Center sets the `User`
 *   principal tag from its attributes for access control.
 * - `federated` (SAML/OIDC only): the IdP asserts the `User` session tag; the developer's sign-in
 *   tool (`claudeCode.awsAuthRefresh`) writes the credentials of profile `claudeCode.awsProfile`.
 */
export type CredentialSource = 'assumeRole' | 'iamUser' | 'identityCenter' | 'federated';

export function credentialSource(
  config: Pick<SettingsConfig, 'claudeCode' | 'access'>,
): CredentialSource {
  if (config.claudeCode.ssoStartUrl) return 'identityCenter';
  if (config.access.identity === 'username') return 'iamUser';
  if ((config.access.developers.principals ?? []).length > 0) return 'assumeRole';
  return 'federated';
}

/** Same as {@link roleSessionName}, as a Terraform expression over `id`. */
function roleSessionNameExpression(id: string): string {
  return `substr(replace(${id}, "/[^\\\\w+=,.@-]/", "-"), 0, 64)`;
}

/**
 * The `awsCredentialExport` command of the `assumeRole` source: prints the `{"Credentials": ...}`
 * JSON Claude Code reads. Developer ids hold no quote or space (core's DEVELOPER_ID), so single
 * quotes are enough. `sessionName` and `id` may be Terraform template interpolations.
 */
function assumeRoleCommand(
  config: Pick<SettingsConfig, 'region' | 'claudeCode'>,
  roleArn: string,
  sessionName: string,
  id: string,
): string {
  return [
    'aws sts assume-role',
    `--role-arn ${roleArn}`,
    `--role-session-name '${sessionName}'`,
    `--tags 'Key=User,Value=${id}'`,
    `--profile ${config.claudeCode.sourceProfile}`,
    `--region ${config.region}`,
    '--output json',
  ].join(' ');
}

/** `awsAuthRefresh`: the configured command, else `aws sso login` for Identity Center. */
function authRefreshCommand(
  config: Pick<SettingsConfig, 'claudeCode' | 'access'>,
): string | undefined {
  if (config.claudeCode.awsAuthRefresh) return config.claudeCode.awsAuthRefresh;
  if (credentialSource(config) === 'identityCenter')
    return `aws sso login --profile ${config.claudeCode.awsProfile}`;
  return undefined;
}

/**
 * The model id Claude Code's catalog knows a tier by (`modelOverrides` keys): the system
 * profile id without its geography, vendor and version suffix
 * (`us.anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929`).
 */
export function anthropicModelId(profileId: string): string {
  const model = profileId.slice(profileId.indexOf('.') + 1);
  return model.replace(/^anthropic\./, '').replace(/-v\d+(:\d+)?$/, '');
}

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
  readonly modelOverrides: Readonly<Record<string, string>>;
  readonly awsCredentialExport?: string;
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

const FAMILIES = ['SONNET', 'OPUS', 'HAIKU'] as const;

/**
 * The tier behind each `ANTHROPIC_DEFAULT_{family}_MODEL`: the fast tier for HAIKU, else the first
 * tier of that family. Claude Code probes about 15 system profiles at start-up unless all three
 * variables are set, so every family gets a value (see {@link developerEnv}).
 */
function familyTiers(config: Pick<SettingsConfig, 'models' | 'fastModel'>) {
  const tiers = resolveTiers(config);
  const out: Partial<Record<'OPUS' | 'SONNET' | 'HAIKU', ResolvedTier>> = {};
  for (const tier of tiers) {
    const family = modelFamily(tier);
    if (family && tier.name !== config.fastModel) out[family] ??= tier;
  }
  const fast = tiers.find((t) => t.name === config.fastModel);
  if (fast) out.HAIKU = fast;
  return out;
}

/**
 * The `env` block of one developer's `~/.claude/settings.json`.
 * `arns` maps each tier the developer is entitled to onto the ARN of their own profile.
 */
export function developerEnv(
  config: SettingsConfig,
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
  };
  if (credentialSource(config) !== 'assumeRole') env.AWS_PROFILE = config.claudeCode.awsProfile;
  if (main !== undefined) env.ANTHROPIC_MODEL = main;
  // A family with no tier in the config, and the fast (HAIKU) family of a developer without the
  // fast tier, run on the developer's own main profile: Claude Code's background work uses HAIKU,
  // and a refused model there would fail it on every call. A SONNET/OPUS tier the developer is
  // not entitled to gets its system profile id: IAM refuses it if the developer picks it.
  const families = familyTiers(config);
  for (const family of FAMILIES) {
    const tier = families[family];
    const value = tier ? (arns[tier.name] ?? (family === 'HAIKU' ? main : tier.profileId)) : main;
    if (value !== undefined) env[`ANTHROPIC_DEFAULT_${family}_MODEL`] = value;
  }
  if (config.fastModel && arns[config.fastModel] !== undefined) {
    // Claude Code versions before the ANTHROPIC_DEFAULT_* variables read this one.
    env.ANTHROPIC_SMALL_FAST_MODEL = arns[config.fastModel];
  }
  return env;
}

/** `modelOverrides`: each entitled tier's model id (as Claude Code's picker knows it) -> own ARN. */
export function developerModelOverrides(
  config: Pick<SettingsConfig, 'models'>,
  arns: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tier of resolveTiers(config)) {
    if (arns[tier.name] !== undefined) out[anthropicModelId(tier.profileId)] ??= arns[tier.name];
  }
  return out;
}

/**
 * One developer's complete `~/.claude/settings.json`. `developerRoleArn` is the role the
 * `assumeRole` credential source assumes.
 */
export function developerSettings(
  config: SettingsConfig,
  developer: Pick<ResolvedDeveloper, 'id'>,
  arns: Readonly<Record<string, string>>,
  developerRoleArn: string,
): ClaudeSettings {
  // The id goes into a shell command between single quotes: only ids the config schema accepts
  // (no quote, space or shell metacharacter) may.
  if (!DEVELOPER_ID.safeParse(developer.id).success) {
    throw new Error(`developer id ${JSON.stringify(developer.id)} is not a valid developer id`);
  }
  const refresh = authRefreshCommand(config);
  return {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    env: developerEnv(config, arns),
    modelOverrides: developerModelOverrides(config, arns),
    ...(credentialSource(config) === 'assumeRole'
      ? {
          awsCredentialExport: assumeRoleCommand(
            config,
            developerRoleArn,
            roleSessionName(developer.id),
            developer.id,
          ),
        }
      : {}),
    ...(refresh ? { awsAuthRefresh: refresh } : {}),
  };
}

/**
 * The same settings as {@link developerSettings}, as a Terraform object expression over `id` (the
 * developer id) and `arns` (their tier -> ARN map). The stack's outputs use it inside a `for`
 * expression over every developer, so synthesis emits one expression instead of one object per
 * developer.
 */
export function developerSettingsExpression(
  config: SettingsConfig,
  id: string,
  arns: string,
  developerRoleArn: string,
): string {
  const str = (v: string) => JSON.stringify(v);
  const refresh = authRefreshCommand(config);
  const overrides = resolveTiers(config)
    .map(
      (t) =>
        `contains(keys(${arns}), ${str(t.name)}) ? { ${str(anthropicModelId(t.profileId))} = ${arns}[${str(t.name)}] } : {}`,
    )
    // merge() lets later maps win; the generator keeps the first tier per model id.
    .reverse();
  const parts = [
    `"$schema" = "https://json.schemastore.org/claude-code-settings.json"`,
    `env = ${developerEnvExpression(config, arns)}`,
    `modelOverrides = merge({}, ${overrides.join(', ')})`,
  ];
  if (credentialSource(config) === 'assumeRole') {
    // Placeholders survive JSON quoting; each becomes a template interpolation afterwards.
    const literal = str(assumeRoleCommand(config, developerRoleArn, '@@SESSION@@', '@@ID@@'))
      .replace('@@SESSION@@', `\${${roleSessionNameExpression(id)}}`)
      .replace('@@ID@@', `\${${id}}`);
    parts.push(`awsCredentialExport = ${literal}`);
  }
  if (refresh) parts.push(`awsAuthRefresh = ${str(refresh)}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The same `env` block as {@link developerEnv}, as a Terraform expression over `arns` (a map of
 * tier to ARN for one developer).
 */
export function developerEnvExpression(config: SettingsConfig, arns: string): string {
  const str = (s: string) => JSON.stringify(s);
  const has = (tier: string) => `contains(keys(${arns}), ${str(tier)})`;
  const main = mainModelExpression(config, arns);
  const base = [
    `CLAUDE_CODE_USE_BEDROCK = "1"`,
    `AWS_REGION = ${str(config.region)}`,
    ...(credentialSource(config) !== 'assumeRole'
      ? [`AWS_PROFILE = ${str(config.claudeCode.awsProfile)}`]
      : []),
    `ANTHROPIC_MODEL = ${main}`,
  ];
  const parts = [`{ ${base.join(', ')} }`];
  const families = familyTiers(config);
  for (const family of FAMILIES) {
    const tier = families[family];
    const value = tier
      ? `lookup(${arns}, ${str(tier.name)}, ${family === 'HAIKU' ? main : str(tier.profileId)})`
      : main;
    parts.push(`{ ANTHROPIC_DEFAULT_${family}_MODEL = ${value} }`);
  }
  if (config.fastModel) {
    const fast = `${arns}[${str(config.fastModel)}]`;
    parts.push(`${has(config.fastModel)} ? { ANTHROPIC_SMALL_FAST_MODEL = ${fast} } : {}`);
  }
  return `merge(${parts.join(', ')})`;
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

/**
 * The `~/.aws/config` snippet for one developer, with comments that say exactly what to run. Which
 * profile it defines depends on the {@link credentialSource}.
 */
export function awsCliProfile(
  config: Pick<EnvironmentConfig, 'region' | 'claudeCode' | 'access' | 'project'>,
  developer: Pick<ResolvedDeveloper, 'id'>,
  developerRoleArn: string,
): string {
  const name = config.claudeCode.awsProfile;
  const section = (profile: string) =>
    profile === 'default' ? '[default]' : `[profile ${profile}]`;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(developerRoleArn)?.[1] ?? '<account id>';
  switch (credentialSource(config)) {
    case 'identityCenter':
      return [
        `# ${developer.id}: sign in with IAM Identity Center (Claude Code runs \`aws sso login --profile ${name}\``,
        `# through awsAuthRefresh when the session expires). Identity Center puts your User tag on the`,
        `# session from its attributes for access control; it must equal '${developer.id}' exactly.`,
        section(name),
        `sso_start_url = ${config.claudeCode.ssoStartUrl}`,
        `sso_region = ${config.region}`,
        `sso_account_id = ${account}`,
        `sso_role_name = ${developerPermissionSetName(config.project)}`,
        `region = ${config.region}`,
        '',
      ].join('\n');
    case 'iamUser':
      return [
        `# ${developer.id}: Claude Code calls Bedrock as your IAM user '${developer.id}' (the developer`,
        `# policy matches profiles by user name). Store that user's access key in this profile:`,
        `#   aws configure --profile ${name}`,
        section(name),
        `region = ${config.region}`,
        '',
      ].join('\n');
    case 'federated':
      return [
        `# ${developer.id}: your identity provider signs you in to ${developerRoleArn} and must assert`,
        `# the session tag User='${developer.id}' (SAML attribute`,
        `# https://aws.amazon.com/SAML/Attributes/PrincipalTag:User, or the OIDC claim`,
        `# https://aws.amazon.com/tags -> principal_tags.User).${config.claudeCode.awsAuthRefresh ? ` Claude Code runs` : ''}`,
        ...(config.claudeCode.awsAuthRefresh
          ? [`# \`${config.claudeCode.awsAuthRefresh}\` (awsAuthRefresh) to refresh it.`]
          : [`# Configure your sign-in tool to write the credentials of this profile.`]),
        section(name),
        `region = ${config.region}`,
        '',
      ].join('\n');
    case 'assumeRole':
      return [
        `# ${developer.id}: your own IAM credentials live in profile '${config.claudeCode.sourceProfile}' (an IAM user tagged`,
        `# User=${developer.id}; the developer role lets you tag a session only with your own User tag).`,
        `# Claude Code gets a tagged session itself through awsCredentialExport in settings.json:`,
        `#   ${assumeRoleCommand(config, developerRoleArn, roleSessionName(developer.id), developer.id)}`,
        `# A profile with role_arn + source_profile cannot pass session tags: do not use one.`,
        section(config.claudeCode.sourceProfile),
        `region = ${config.region}`,
        '',
      ].join('\n');
  }
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
