import { ConfigError, resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec, DeveloperProfilesProps } from '../src';
import { CONTEXT, ROSTER, TIERS, props } from './helpers';

function build(p: DeveloperProfilesProps): void {
  Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', p));
}

function developer(id: string, tiers: string[] = ['sonnet']): DeveloperProfileSpec {
  return { id, team: 'platform', costCenter: 'CC-100', tiers };
}

/** `count` developers with ids dev-0 ... dev-(count-1), entitled to `tiers`. */
function roster(count: number, tiers: string[]): DeveloperProfileSpec[] {
  return Array.from({ length: count }, (_, i) => developer(`dev-${i}`, tiers));
}

describe('DeveloperProfiles validation', () => {
  test('rejects developers whose ids collide after sanitisation, naming both', () => {
    const developers = [...ROSTER, developer('Jane.Doe@Example.com')];

    expect(() => build(props({ developers }))).toThrow(
      /developers\[4\]\.id: collides with 'jane\.doe@example\.com' \(developers\[0\]\).* after sanitisation to 'jane-doe-example-com' \(got "Jane\.Doe@Example\.com"\)/,
    );
  });

  test('rejects unicode ids that collide after accent folding', () => {
    const developers = [developer('José.Müller@例え.jp'), developer('jose-muller-jp')];

    expect(() => build(props({ developers }))).toThrow(
      /collides with 'José\.Müller@例え\.jp'.*\(got "jose-muller-jp"\)/,
    );
  });

  test('rejects a tier a developer lists but which is not defined', () => {
    const developers = [developer('bob.smith', ['sonnet', 'gpt5'])];

    expect(() => build(props({ developers }))).toThrow(
      /developers\[0\]\.tiers\[1\]: is not a defined tier \(sonnet, opus, haiku\) \(got "gpt5"\)/,
    );
  });

  test('rejects a tier listed twice for one developer', () => {
    const developers = [developer('bob.smith', ['sonnet', 'haiku', 'sonnet'])];

    expect(() => build(props({ developers }))).toThrow(
      /developers\[0\]\.tiers\[2\]: duplicates developers\[0\]\.tiers\[0\] \(got "sonnet"\)/,
    );
  });

  test('rejects duplicate developer ids', () => {
    const developers = [...ROSTER, developer('bob.smith')];

    expect(() => build(props({ developers }))).toThrow(
      /developers\[4\]\.id: duplicates developers\[1\]\.id \(got "bob\.smith"\)/,
    );
  });

  test('rejects duplicate tier names', () => {
    const tiers = [...TIERS, { ...TIERS[0] }];

    expect(() => build(props({ tiers }))).toThrow(
      /tiers\[3\]\.name: duplicates tiers\[0\]\.name \(got "sonnet"\)/,
    );
  });

  test('rejects a system profile not offered in the region', () => {
    const tiers = resolveTiers({
      models: { sonnet: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });

    expect(() => build(props({ tiers, developers: [developer('bob.smith')] }))).toThrow(
      /tiers\[0\]\.profileId: is not offered in region us-east-1 .*\(got "eu\.anthropic\.claude-sonnet-4-5-20250929-v1:0"\)/,
    );
  });

  test('accepts a global system profile in any region', () => {
    const tiers = resolveTiers({
      models: { sonnet: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });

    expect(() =>
      build(props({ region: 'eu-west-1', tiers, developers: [developer('bob.smith')] })),
    ).not.toThrow();
  });

  test('fails when the roster needs more profiles than the quota, saying how to fix it', () => {
    const developers = roster(600, ['sonnet', 'haiku']);

    let error: unknown;
    try {
      build(props({ developers }));
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('need 1200 application inference profiles');
    expect(message).toContain('more than the quota of 1000 per account and region');
    expect(message).toContain('"Application inference profiles per account"');
    expect(message).toContain('Service Quotas (region us-east-1)');
    expect(message).toContain('allocation.quota');
    expect(message).toContain('allocation.shardBy: team');
    expect(message).toContain('(got "600 developers")');
  });

  test('fails when a raised quota is still exceeded', () => {
    expect(() => build(props({ developers: roster(30, ['sonnet']), quota: 29 }))).toThrow(
      /need 30 application inference profiles, more than the quota of 29 per account and region/,
    );
  });

  test('counts existing profiles against the quota', () => {
    expect(() =>
      build(props({ developers: roster(10, ['sonnet']), quota: 100, existingProfiles: 95 })),
    ).toThrow(
      /need 10 application inference profiles plus 95 existing \(105 in all\), more than the quota of 100/,
    );
  });

  test('accepts a roster exactly at the quota', () => {
    expect(() =>
      build(props({ developers: roster(10, ['sonnet', 'haiku']), quota: 20 })),
    ).not.toThrow();
  });

  test('rejects more than 50 tags per profile', () => {
    const tags = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`Extra${i}`, 'x']));

    expect(() => build(props({ tags }))).toThrow(
      /tags: with User, Team, Project, CostCenter, Tier make 51 tags per profile; AWS allows at most 50 \(got "46 tags"\)/,
    );
  });

  test.each<[string, Parameters<typeof props>[0], RegExp]>([
    ['project', { project: 'Acme_Claude' }, /project: .*\(got "Acme_Claude"\)/],
    [
      'project with a double hyphen',
      { project: 'acme--claude' },
      /project: must not contain "--".*\(got "acme--claude"\)/,
    ],
    ['region', { region: 'mars-1' }, /region: must be an AWS region code.*\(got "mars-1"\)/],
    [
      'account id',
      { accountId: '1234' },
      /accountId: must be a 12-digit AWS account id.*\(got "1234"\)/,
    ],
    ['empty tiers', { tiers: [] }, /tiers: must list at least one model tier/],
    [
      'tier name',
      { tiers: [{ ...TIERS[0], name: 'Sonnet-4' }], developers: [] },
      /tiers\[0\]\.name: must be 1-16 lowercase letters or digits.*\(got "Sonnet-4"\)/,
    ],
    [
      'system profile id',
      { tiers: [{ ...TIERS[0], profileId: 'anthropic.claude-v2' }], developers: [] },
      /tiers\[0\]\.profileId: must be a system cross-region inference profile id.*\(got "anthropic\.claude-v2"\)/,
    ],
    [
      'developer id',
      { developers: [developer('jane doe')] },
      /developers\[0\]\.id: may contain letters, digits.*\(got "jane doe"\)/,
    ],
    [
      '200-character developer id',
      { developers: [developer('a'.repeat(200))] },
      /developers\[0\]\.id: must be at most 128 characters/,
    ],
    [
      'team',
      { developers: [{ ...developer('bob'), team: 'Platform Team' }] },
      /developers\[0\]\.team: .*\(got "Platform Team"\)/,
    ],
    [
      'cost center',
      { developers: [{ ...developer('bob'), costCenter: 'CC#1' }] },
      /developers\[0\]\.costCenter: must be 1-128 tag-value characters \(got "CC#1"\)/,
    ],
    ['quota', { quota: 0 }, /quota: must be at least 1 \(got 0\)/],
    [
      'existing profiles',
      { existingProfiles: -1 },
      /existingProfiles: must be 0 or more \(got -1\)/,
    ],
    [
      'tag key',
      { tags: { 'aws:owner': 'x' } },
      /tags\.aws:owner: the aws: prefix is reserved by AWS \(got "aws:owner"\)/,
    ],
    [
      'tag value',
      { tags: { Owner: 'a<b>' } },
      /tags\.Owner: must be at most 256 characters .*\(got "a<b>"\)/,
    ],
  ])('rejects an invalid %s', (_what, overrides, message) => {
    expect(() => build(props(overrides))).toThrow(message);
  });

  test('lists every problem in one error', () => {
    const developers = [
      developer('bob.smith', ['gpt5']),
      developer('bob.smith'),
      developer('BOB.smith'),
    ];

    expect(() => build(props({ project: 'acme--claude', developers }))).toThrow(
      /has 4 problems:\n.*project: .*\n.*developers\[0\]\.tiers\[0\]: .*\n.*developers\[1\]\.id: duplicates .*\n.*developers\[2\]\.id: collides with 'bob\.smith'.*\(got "BOB\.smith"\)/,
    );
  });
});

describe('DeveloperProfiles deprecated top-level project, accountId, region and tags', () => {
  const synth = (p: DeveloperProfilesProps) => () =>
    Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', p));

  test('build what context builds, and cannot be combined with it', () => {
    const { context, ...rest } = props({ tags: { Environment: 'dev' } });
    expect(context).toEqual({ ...CONTEXT, tags: { Environment: 'dev' } });
    const flat = { ...rest, ...context };
    expect(synth(flat)()).toEqual(synth({ ...rest, context })());
    expect(synth({ ...flat, context })).toThrow(
      /tags: cannot be combined with context: pass it as context\.tags/,
    );
  });
});
