import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import {
  ConfigError,
  EnvironmentConfigInput,
  entitledTierNames,
  parseConfig,
  resolveDevelopers,
  resolveTiers,
  UNATTRIBUTED,
  validateConfig,
} from '../src';

const devYaml = readFileSync(join(__dirname, '../../../apps/dev/config.yaml'), 'utf8');
const base = (): EnvironmentConfigInput => parse(devYaml);

function problems(input: unknown): string[] {
  try {
    validateConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message} (got ${p.value})`);
  }
  throw new Error('expected the config to be rejected');
}

describe('the shipped example configs', () => {
  it.each(['dev', 'prod'])('%s validates', (env) => {
    const text = readFileSync(join(__dirname, `../../../apps/${env}/config.yaml`), 'utf8');
    const config = parseConfig(text);
    expect(config.environment).toBe(env);
  });

  it('prod has at least 25 developers in 4 teams', () => {
    const config = parseConfig(
      readFileSync(join(__dirname, '../../../apps/prod/config.yaml'), 'utf8'),
    );
    expect(config.developers.length).toBeGreaterThanOrEqual(25);
    expect(new Set(config.developers.map((d) => d.team)).size).toBe(4);
  });
});

describe('defaults', () => {
  it('applies documented defaults', () => {
    const config = validateConfig(base());
    expect(config.logging.cloudtrail).toEqual({
      enabled: true,
      multiRegion: true,
      cloudWatchLogs: false,
      expirationDays: 365,
    });
    expect(config.budgets.thresholds).toEqual({ actual: [50, 80, 100], forecast: [100] });
    expect(config.allocation).toEqual({ quota: 1000, shardBy: 'none' });
    expect(config.access.identity).toBe('principalTag');
    expect(config.claudeCode.denyPaths).toContain('~/.aws/credentials');
  });
});

describe('validation reports every problem at once, with path and value', () => {
  it('lists field errors and cross-field errors together', () => {
    const c = base() as Record<string, unknown> & EnvironmentConfigInput;
    c.region = 'mars-1';
    c.developers = [...c.developers, { id: 'x', team: 'nope' }];
    (c as Record<string, unknown>).colour = 'blue';
    const found = problems(c);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^region: .* \(got "mars-1"\)$/),
        expect.stringMatching(/^developers\[4\]\.team: is not a defined team id .*\(got "nope"\)$/),
        expect.stringMatching(
          /^colour: is not a known setting .*docs\/configuration\.md.*\(got "blue"\)$/,
        ),
      ]),
    );
  });

  it("refuses the reserved name 'unattributed' as a developer, team or cost-center id, all at once", () => {
    const c = base();
    c.teams = [
      ...c.teams,
      { id: 'unattributed', costCenter: 'unattributed', monthlyBudgetUsd: 10 },
    ];
    c.developers = [...c.developers, { id: 'unattributed', team: 'platform' }];
    const found = problems(c).filter((p) => /'unattributed' is reserved/.test(p));
    expect(found).toEqual([
      expect.stringMatching(/^teams\[2\]\.id: .*\(got "unattributed"\)$/),
      expect.stringMatching(/^teams\[2\]\.costCenter: /),
      expect.stringMatching(/^developers\[4\]\.id: /),
    ]);
    expect(UNATTRIBUTED).toBe('unattributed');
  });

  it('rejects developers that collide after sanitisation, naming both', () => {
    const c = base();
    c.developers = [...c.developers, { id: 'Bob.Smith', team: 'platform' }];
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/collides with 'bob.smith'.*\(got "Bob.Smith"\)/),
      ]),
    );
  });

  it('rejects a price table missing a tier', () => {
    const c = base();
    delete (c.prices as Record<string, unknown>).opus;
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prices: has no price for model tier 'opus'/),
      ]),
    );
  });

  it('rejects alias/aws/sns for the alert topic', () => {
    const c = base();
    c.budgets.snsKmsKeyArn = 'arn:aws:kms:us-east-1:123456789012:alias/aws/sns';
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^budgets\.snsKmsKeyArn: alias\/aws\/sns cannot be used/),
      ]),
    );
  });

  it('rejects more than 10 alert e-mails', () => {
    const c = base();
    c.budgets.alertEmails = Array.from({ length: 11 }, (_, i) => `a${i}@example.com`);
    expect(problems(c)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^budgets\.alertEmails: .*at most 10/)]),
    );
  });

  it('rejects an Object Lock longer than the lifecycle expiry', () => {
    const c = base();
    c.logging = { expirationDays: 100, objectLock: { mode: 'COMPLIANCE', days: 365 } };
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^logging\.expirationDays: must not be shorter than objectLock\.days \(365\).*\(got 100\)/,
        ),
      ]),
    );
  });

  it('rejects an empty trust', () => {
    const c = base();
    c.access.developers = {};
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^access\.developers: must name principals, saml or oidc/),
      ]),
    );
  });

  it('rejects an Identity Center permission set with IAM user-name matching', () => {
    const c = base();
    c.access.identity = 'username';
    c.attribution = { identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' };
    expect(problems(c)).toEqual([
      expect.stringMatching(
        /^access\.identity: must be 'principalTag' with attribution\.identityCenterInstanceArn.*\(got "username"\)$/,
      ),
    ]);
  });

  it('rejects developer ids that share an STS role session name or are too short for one', () => {
    const c = base();
    c.developers.push(
      { id: 'x'.repeat(64) + 'a', team: 'platform' },
      { id: 'x'.repeat(64) + 'b', team: 'platform' },
      { id: 'z', team: 'platform' },
    );
    expect(problems(c)).toEqual([
      `developers[5].id: has the same role session name '${'x'.repeat(64)}' as '${'x'.repeat(64)}a' (developers[4]); the invocation logs could not tell them apart (got "${'x'.repeat(64)}b")`,
      'developers[6].id: must be at least 2 characters: it is the STS role session name of the developer (got "z")',
    ]);
  });

  it('rejects an SSO start URL without the permission set it signs in to', () => {
    const c = base();
    c.claudeCode = { ...c.claudeCode, ssoStartUrl: 'https://acme.awsapps.com/start' };
    expect(problems(c)).toEqual([
      'claudeCode.ssoStartUrl: needs attribution.identityCenterInstanceArn: the generated AWS CLI profile signs in to the permission set this stack creates (got "https://acme.awsapps.com/start")',
    ]);
  });

  it('rejects a source profile that is not an AWS CLI profile name', () => {
    const c = base();
    c.claudeCode = { ...c.claudeCode, sourceProfile: 'has space' };
    expect(problems(c)).toEqual([
      'claudeCode.sourceProfile: must be an AWS CLI profile name (got "has space")',
    ]);
  });

  it('rejects a roster that needs more profiles than the quota, saying how many', () => {
    const c = base();
    c.allocation = { quota: 5 };
    expect(problems(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^allocation\.quota: is 5 but the 4 developers need 9 application inference profiles.*\(got 5\)/,
        ),
      ]),
    );
  });

  it('rejects bucket prefixes that make invalid S3 names', () => {
    for (const prefix of ['Acme', 'a', 'acme_dev', 'xn--acme', 'a'.repeat(40), 'acme.dev']) {
      const c = base();
      c.bucketPrefix = prefix;
      expect(problems(c).some((p) => p.startsWith('bucketPrefix:'))).toBe(true);
    }
  });
});

describe('YAML loading', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(() => parseConfig('project: [unclosed\n')).toThrow(/line \d+, column \d+: YAML/);
  });

  it('rejects duplicate keys', () => {
    expect(() => parseConfig('project: a\nproject: b\n')).toThrow(/YAML: Map keys must be unique/);
  });

  it('stops alias bombs', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    expect(() => parseConfig(bomb)).toThrow(/alias/i);
  });

  it('refuses files over 1 MiB before parsing', () => {
    expect(() => parseConfig('#'.repeat(2 * 1024 * 1024))).toThrow(/larger than 1048576 bytes/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(() => parseConfig('- a\n- b\n')).toThrow(
      /must be a YAML mapping .*\(see docs\/configuration\.md\)/,
    );
  });
});

describe('roster resolution', () => {
  const config = validateConfig(base());

  it('gives every developer the fast tier and only the group tiers they belong to', () => {
    const byId = Object.fromEntries(resolveDevelopers(config).map((d) => [d.id, d]));
    expect(byId['jane.doe@example.com'].tiers).toEqual(['sonnet', 'opus', 'haiku']);
    expect(byId['bob.smith'].tiers).toEqual(['sonnet', 'haiku']);
    expect(byId['Carol+ML@example.com'].tiers).toEqual(['sonnet', 'haiku']);
  });

  it('inherits the team cost center unless overridden', () => {
    const byId = Object.fromEntries(resolveDevelopers(config).map((d) => [d.id, d]));
    expect(byId['bob.smith'].costCenter).toBe('CC-100');
    expect(byId['dave.o-neil'].costCenter).toBe('CC-210');
  });

  it('derives destination regions from the profile geography', () => {
    const sonnet = resolveTiers(config).find((t) => t.name === 'sonnet')!;
    expect(sonnet.destinationRegions).toEqual(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
  });

  it('lists explicit models in tier order', () => {
    expect(entitledTierNames(config, { models: ['haiku', 'sonnet'] })).toEqual(['sonnet', 'haiku']);
  });

  it('resolves a config once: the same developers in a new array, which callers may reorder', () => {
    const first = resolveDevelopers(config);
    const second = resolveDevelopers(config);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    second.forEach((d, i) => expect(d).toBe(first[i]));
    second.reverse();
    expect(resolveDevelopers(config).map((d) => d.id)).toEqual(first.map((d) => d.id));
    // The shared developers cannot be changed under another caller.
    expect(Object.isFrozen(first[0]) && Object.isFrozen(first[0].profileNames)).toBe(true);
  });

  it('resolves again a config whose roster was replaced or grown', () => {
    const c = validateConfig(base());
    const before = resolveDevelopers(c).length;
    c.developers = [...c.developers, { id: 'new.hire', team: c.teams[0].id }];
    expect(resolveDevelopers(c).map((d) => d.id)).toContain('new.hire');
    c.developers.push({ id: 'second.hire', team: c.teams[0].id });
    expect(resolveDevelopers(c)).toHaveLength(before + 2);
  });
});

describe('spend caps (budgets.perDeveloper)', () => {
  it('are off by default, monthly, alerting at 80 and 100 %', () => {
    const raw = base();
    delete raw.budgets.perDeveloper;
    const { perDeveloper } = validateConfig(raw).budgets;
    expect(perDeveloper).toMatchObject({
      enforce: false,
      warnAt: [80, 100],
      period: 'monthly',
      budgetAction: false,
    });
  });

  it('accept a daily period and other percentages', () => {
    const raw = base();
    raw.budgets.perDeveloper = { enforce: true, warnAt: [50, 90, 100], period: 'daily' };
    const { perDeveloper } = validateConfig(raw).budgets;
    expect(perDeveloper).toMatchObject({ enforce: true, warnAt: [50, 90, 100], period: 'daily' });
  });

  it('report every bad value with the other config problems', () => {
    const raw = base();
    raw.budgets.perDeveloper = {
      enforce: 'yes' as unknown as boolean,
      warnAt: [90, 80, 150, 12.5],
      period: 'weekly' as 'daily',
      budgetAction: true,
    };
    raw.region = 'nowhere-1';
    const found = problems(raw);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^region: /),
        expect.stringMatching(/^budgets\.perDeveloper\.enforce: .*boolean/),
        expect.stringMatching(/^budgets\.perDeveloper\.warnAt\[2\]: must be at most 100/),
        expect.stringMatching(/^budgets\.perDeveloper\.warnAt\[3\]: must be a whole percentage/),
        expect.stringMatching(/^budgets\.perDeveloper\.period: /),
      ]),
    );
  });

  it('reject unordered percentages and a budget action without per-developer budgets', () => {
    const raw = base();
    raw.budgets.perDeveloper = { warnAt: [90, 80], budgetAction: true };
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^budgets\.perDeveloper\.warnAt: must be increasing/),
        expect.stringMatching(/^budgets\.perDeveloper\.budgetAction: budgetAction needs enabled/),
      ]),
    );
  });
});

describe('spend caps with a sharded roster', () => {
  it('are refused with the reason', () => {
    const raw = base();
    raw.budgets.perDeveloper = { enforce: true };
    raw.allocation = { shardBy: 'team' };
    expect(problems(raw)).toEqual([
      expect.stringMatching(
        /^budgets\.perDeveloper\.enforce: cannot be combined with allocation\.shardBy: team/,
      ),
    ]);
  });
});
