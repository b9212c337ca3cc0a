import { resolveDevelopers } from '@claude-code-bedrock/core';
import { awsCliProfile, developerSettings, managedSettings } from '../src';
import { config } from './helpers';

const c = config('dev');
const arn = (dev: string, tier: string) =>
  `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/${dev}${tier}`;

describe('developer settings', () => {
  it('points ANTHROPIC_MODEL at the developer own default-tier profile', () => {
    const s = developerSettings(c, {
      sonnet: arn('jane', 's'),
      opus: arn('jane', 'o'),
      haiku: arn('jane', 'h'),
    });
    expect(s.env).toEqual({
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: 'acme-claude-dev',
      ANTHROPIC_MODEL: arn('jane', 's'),
      ANTHROPIC_DEFAULT_SONNET_MODEL: arn('jane', 's'),
      ANTHROPIC_DEFAULT_OPUS_MODEL: arn('jane', 'o'),
      ANTHROPIC_DEFAULT_HAIKU_MODEL: arn('jane', 'h'),
      ANTHROPIC_SMALL_FAST_MODEL: arn('jane', 'h'),
    });
  });

  it('leaves out tiers the developer is not entitled to', () => {
    const s = developerSettings(c, { sonnet: arn('bob', 's'), haiku: arn('bob', 'h') });
    expect(s.env.ANTHROPIC_DEFAULT_OPUS_MODEL).toBeUndefined();
    expect(s.env.ANTHROPIC_MODEL).toBe(arn('bob', 's'));
  });

  it('never emits a bearer token variable', () => {
    const s = developerSettings(c, { sonnet: arn('bob', 's') });
    expect(Object.keys(s.env)).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
  });

  it('adds awsAuthRefresh only when configured', () => {
    expect(developerSettings(c, {}).awsAuthRefresh).toBeUndefined();
    const prod = config('prod');
    expect(developerSettings(prod, {}).awsAuthRefresh).toBe('aws sso login --profile acme-claude');
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
  it('assumes the developer role in the environment region', () => {
    const [jane] = resolveDevelopers(c);
    const text = awsCliProfile(c, jane, 'arn:aws:iam::123456789012:role/acme-claude-developer');
    expect(text).toContain('[profile acme-claude-dev]');
    expect(text).toContain('role_arn = arn:aws:iam::123456789012:role/acme-claude-developer');
    expect(text).toContain('region = us-east-1');
  });
});
