import { EnvironmentConfig, resolveDevelopers, roleSessionName } from '@claude-code-bedrock/core';
import {
  anthropicModelId,
  awsCliProfile,
  credentialSource,
  developerSettings,
  managedSettings,
} from '../src';
import { config } from './helpers';

const c = config('dev');
const ROLE = 'arn:aws:iam::123456789012:role/acme-claude-developer';
const arn = (dev: string, tier: string) =>
  `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/${dev}${tier}`;
const withAccess = (access: Partial<EnvironmentConfig['access']>, base = c): EnvironmentConfig => ({
  ...base,
  access: { ...base.access, ...access },
});

describe('developer settings', () => {
  it('points every model variable at the developer own profiles (no start-up probes)', () => {
    const s = developerSettings(
      c,
      { id: 'jane.doe@example.com' },
      { sonnet: arn('jane', 's'), opus: arn('jane', 'o'), haiku: arn('jane', 'h') },
      ROLE,
    );
    expect(s.env).toEqual({
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_MODEL: arn('jane', 's'),
      ANTHROPIC_DEFAULT_SONNET_MODEL: arn('jane', 's'),
      ANTHROPIC_DEFAULT_OPUS_MODEL: arn('jane', 'o'),
      ANTHROPIC_DEFAULT_HAIKU_MODEL: arn('jane', 'h'),
      ANTHROPIC_SMALL_FAST_MODEL: arn('jane', 'h'),
    });
  });

  it('maps each entitled model id to the developer own profile in modelOverrides', () => {
    const s = developerSettings(
      c,
      { id: 'jane.doe@example.com' },
      { sonnet: arn('jane', 's'), opus: arn('jane', 'o'), haiku: arn('jane', 'h') },
      ROLE,
    );
    expect(s.modelOverrides).toEqual({
      'claude-sonnet-4-5-20250929': arn('jane', 's'),
      'claude-opus-4-6': arn('jane', 'o'),
      'claude-haiku-4-5-20251001': arn('jane', 'h'),
    });
  });

  it('gives a tier the developer is not entitled to its system profile id, which IAM refuses', () => {
    const s = developerSettings(
      c,
      { id: 'bob.smith' },
      { sonnet: arn('bob', 's'), haiku: arn('bob', 'h') },
      ROLE,
    );
    // Set, so Claude Code does not probe system profiles at start-up; not an own profile.
    expect(s.env.ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('us.anthropic.claude-opus-4-6-v1');
    expect(s.env.ANTHROPIC_MODEL).toBe(arn('bob', 's'));
    expect(Object.keys(s.modelOverrides)).not.toContain('claude-opus-4-6');
  });

  it('runs the fast family on the developer own main profile when they lack the fast tier', () => {
    // Carol has only sonnet: Claude Code's background (HAIKU) calls must not be refused.
    const s = developerSettings(c, { id: 'Carol+ML@example.com' }, { sonnet: arn('c', 's') }, ROLE);
    expect(s.env.ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe(arn('c', 's'));
    expect(s.env.ANTHROPIC_SMALL_FAST_MODEL).toBeUndefined();
  });

  it('sets a family the config has no tier for to the main profile (no start-up probes)', () => {
    const noOpus: EnvironmentConfig = {
      ...c,
      models: { sonnet: c.models.sonnet, haiku: c.models.haiku },
      prices: { sonnet: c.prices.sonnet, haiku: c.prices.haiku },
    };
    const s = developerSettings(noOpus, { id: 'bob.smith' }, { sonnet: arn('b', 's') }, ROLE);
    expect(s.env.ANTHROPIC_DEFAULT_OPUS_MODEL).toBe(arn('b', 's'));
    expect(
      Object.keys(s.env)
        .filter((k) => k.startsWith('ANTHROPIC_DEFAULT_'))
        .sort(),
    ).toEqual([
      'ANTHROPIC_DEFAULT_HAIKU_MODEL',
      'ANTHROPIC_DEFAULT_OPUS_MODEL',
      'ANTHROPIC_DEFAULT_SONNET_MODEL',
    ]);
  });

  it('gets a User-tagged session through awsCredentialExport for IAM principals', () => {
    const s = developerSettings(c, { id: 'Carol+ML@example.com' }, { sonnet: arn('c', 's') }, ROLE);
    expect(credentialSource(c)).toBe('assumeRole');
    expect(s.awsCredentialExport).toBe(
      `aws sts assume-role --role-arn ${ROLE} --role-session-name 'Carol+ML@example.com' ` +
        `--tags 'Key=User,Value=Carol+ML@example.com' --profile default --region us-east-1 --output json`,
    );
    // The exported credentials are used as they are: no profile in the environment.
    expect(s.env.AWS_PROFILE).toBeUndefined();
    expect(s.awsAuthRefresh).toBeUndefined();
  });

  it('refuses an id that could break out of the quoted shell command', () => {
    for (const id of ["x' ; rm -rf ~ ; '", 'a b', '$(id)', 'a`id`']) {
      expect(() => developerSettings(c, { id }, {}, ROLE)).toThrow(/is not a valid developer id/);
    }
  });

  it('uses the configured source profile for the assume-role command', () => {
    const s = developerSettings(
      { ...c, claudeCode: { ...c.claudeCode, sourceProfile: 'corp' } },
      { id: 'bob.smith' },
      {},
      ROLE,
    );
    expect(s.awsCredentialExport).toContain('--profile corp ');
  });

  it('uses the IAM user profile and no credential command for identity: username', () => {
    const s = developerSettings(withAccess({ identity: 'username' }), { id: 'bob' }, {}, ROLE);
    expect(s.env.AWS_PROFILE).toBe('acme-claude-dev');
    expect(s.awsCredentialExport).toBeUndefined();
  });

  const sso: EnvironmentConfig = {
    ...c,
    claudeCode: { ...c.claudeCode, ssoStartUrl: 'https://acme.awsapps.com/start' },
  };

  it('signs in with Identity Center (aws sso login) when an SSO start URL is configured', () => {
    expect(credentialSource(sso)).toBe('identityCenter');
    const s = developerSettings(sso, { id: 'x' }, {}, ROLE);
    expect(s.awsAuthRefresh).toBe('aws sso login --profile acme-claude-dev');
    expect(s.env.AWS_PROFILE).toBe('acme-claude-dev');
    expect(s.awsCredentialExport).toBeUndefined();
  });

  it('runs the configured sign-in command of a SAML federation (prod)', () => {
    const prod = config('prod');
    expect(credentialSource(prod)).toBe('federated');
    const s = developerSettings(prod, { id: 'x' }, {}, ROLE);
    expect(s.awsAuthRefresh).toBe('aws sso login --profile acme-claude');
    expect(s.env.AWS_PROFILE).toBe('acme-claude');
  });

  it('relies on the identity provider for SAML/OIDC-only access', () => {
    const fed = withAccess({
      developers: { saml: { providerArn: 'arn:aws:iam::123456789012:saml-provider/okta' } },
    });
    expect(credentialSource(fed)).toBe('federated');
    const s = developerSettings(fed, { id: 'x' }, {}, ROLE);
    expect(s.env.AWS_PROFILE).toBe('acme-claude-dev');
    expect(s.awsCredentialExport).toBeUndefined();
  });

  it('never emits a bearer token variable', () => {
    const s = developerSettings(c, { id: 'bob.smith' }, { sonnet: arn('bob', 's') }, ROLE);
    expect(Object.keys(s.env)).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
  });
});

describe('naming helpers', () => {
  it('derives the model id Claude Code knows from a system profile id', () => {
    expect(anthropicModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'claude-sonnet-4-5-20250929',
    );
    expect(anthropicModelId('global.anthropic.claude-opus-4-6-v1')).toBe('claude-opus-4-6');
  });

  it('turns a developer id into a role session name IAM accepts', () => {
    expect(roleSessionName('Carol+ML@example.com')).toBe('Carol+ML@example.com');
    expect(roleSessionName('a/b:c')).toBe('a-b-c');
    expect(roleSessionName('x'.repeat(100))).toHaveLength(64);
  });
});

describe('managed settings', () => {
  it('disables bypass mode, sets cleanup and denies secret paths', () => {
    const m = managedSettings(c);
    expect(m.permissions.disableBypassPermissionsMode).toBe('disable');
    expect(m.cleanupPeriodDays).toBe(30);
    expect(m.permissions.deny).toEqual(
      expect.arrayContaining(['Read(.env)', 'Read(~/.aws/credentials)']),
    );
  });
});

describe('AWS CLI profile', () => {
  const [jane] = resolveDevelopers(c);

  it('tells an IAM-principal developer the exact command and never uses role_arn', () => {
    const text = awsCliProfile(c, jane, ROLE);
    expect(text).toContain('[default]');
    expect(text).toContain(
      `#   aws sts assume-role --role-arn ${ROLE} --role-session-name 'jane.doe@example.com' --tags 'Key=User,Value=jane.doe@example.com'`,
    );
    expect(text).not.toMatch(/^role_arn/m);
    expect(text).toContain('region = us-east-1');
  });

  it('writes an Identity Center profile with the permission set and account', () => {
    const sso: EnvironmentConfig = {
      ...c,
      claudeCode: { ...c.claudeCode, ssoStartUrl: 'https://acme.awsapps.com/start' },
    };
    const text = awsCliProfile(sso, jane, ROLE);
    expect(text).toContain('[profile acme-claude-dev]');
    expect(text).toContain('sso_start_url = https://acme.awsapps.com/start');
    expect(text).toContain('sso_role_name = acme-claude-bedrock');
    expect(text).toContain('sso_account_id = 123456789012');
  });

  it('names the session tag a SAML or OIDC identity provider must assert', () => {
    const prod = config('prod');
    const text = awsCliProfile(prod, resolveDevelopers(prod)[0], ROLE);
    expect(text).toContain('https://aws.amazon.com/SAML/Attributes/PrincipalTag:User');
    expect(text).toContain('[profile acme-claude]');
  });

  it('tells an IAM user developer to store their own key', () => {
    const text = awsCliProfile(withAccess({ identity: 'username' }), jane, ROLE);
    expect(text).toContain('aws configure --profile acme-claude-dev');
  });
});
