import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { PROFILE_NAME_PATTERN, profileName, resolveTiers } from '@claude-code-bedrock/core';
import { TerraformOutput, Testing } from 'cdktf';
import { DeveloperProfiles, PROFILE_DESCRIPTION_PATTERN } from '../src';
import { ROSTER, SynthesizedProfile, TIERS, byUserAndTier, props, synthProfiles } from './helpers';

const ADVERSARIAL_IDS = [
  'jane.doe@example.com',
  'UPPER.Case@Example.COM',
  'first.last+tag@sub.example.co.uk',
  'José.Müller@例え.jp',
  '山田太郎',
  'a--b__c..d',
  'arn:aws:iam::123456789012:user/someone',
  '__proto__',
  'constructor',
  '9'.repeat(128),
  `${'x.'.repeat(63)}yz`,
];

describe('DeveloperProfiles', () => {
  test('creates one profile per developer and entitled tier', () => {
    const profiles = byUserAndTier(synthProfiles(props()));

    expect(Object.keys(profiles).sort()).toEqual(
      [
        'Carol+ML@example.com|sonnet',
        'bob.smith|haiku',
        'bob.smith|sonnet',
        'dave.o-neil|haiku',
        'dave.o-neil|sonnet',
        'jane.doe@example.com|haiku',
        'jane.doe@example.com|opus',
        'jane.doe@example.com|sonnet',
      ].sort(),
    );
  });

  test('copies every profile from its tier system profile in the account and region', () => {
    const profiles = Object.values(synthProfiles(props()));

    for (const p of profiles) {
      const tier = TIERS.find((t) => t.name === p.tags.Tier)!;
      expect(p.model_source).toEqual([
        {
          copy_from: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${tier.profileId}`,
        },
      ]);
    }
  });

  test('uses the partition of a GovCloud region in the model source', () => {
    const tiers = resolveTiers({
      models: { sonnet: 'us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const developers = [{ id: 'gov.dev', team: 'gov', costCenter: 'CC-1', tiers: ['sonnet'] }];

    const [profile] = Object.values(
      synthProfiles(props({ region: 'us-gov-west-1', tiers, developers })),
    );

    expect(profile.model_source[0].copy_from).toBe(
      'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
  });

  test('tags every profile with User, Team, Project, CostCenter and Tier', () => {
    const synth = Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', props()));

    expect(synth).toHaveResourceWithProperties(BedrockInferenceProfile, {
      tags: {
        User: 'Carol+ML@example.com',
        Team: 'payments',
        Project: 'acme-claude',
        CostCenter: 'CC-200',
        Tier: 'sonnet',
      },
    });
    for (const p of Object.values(synthProfiles(props()))) {
      const developer = ROSTER.find((d) => d.id === p.tags.User)!;
      expect(p.tags).toEqual({
        User: developer.id,
        Team: developer.team,
        Project: 'acme-claude',
        CostCenter: developer.costCenter,
        Tier: expect.stringMatching(/^(sonnet|opus|haiku)$/),
      });
    }
  });

  test('merges extra tags under the attribution tags', () => {
    const profiles = synthProfiles(
      props({ tags: { Owner: 'platform-team', Project: 'ignored', Environment: 'dev' } }),
    );

    for (const p of Object.values(profiles)) {
      expect(p.tags).toMatchObject({
        Owner: 'platform-team',
        Environment: 'dev',
        Project: 'acme-claude',
      });
    }
  });

  test('names profiles {project}-{developer slug}-{tier}', () => {
    const profiles = byUserAndTier(synthProfiles(props()));

    expect(profiles['jane.doe@example.com|opus'].name).toBe(
      'acme-claude-jane-doe-example-com-opus',
    );
    expect(profiles['Carol+ML@example.com|sonnet'].name).toBe(
      'acme-claude-carol-ml-example-com-sonnet',
    );
  });

  test('gives adversarial developer ids valid, distinct names and descriptions', () => {
    const developers = ADVERSARIAL_IDS.map((id) => ({
      id,
      team: 'platform',
      costCenter: 'CC-100',
      tiers: ['sonnet', 'haiku'],
    }));

    const profiles = Object.values(synthProfiles(props({ developers })));

    expect(profiles).toHaveLength(ADVERSARIAL_IDS.length * 2);
    expect(new Set(profiles.map((p) => p.name)).size).toBe(profiles.length);
    for (const p of profiles) {
      expect(p.name).toMatch(PROFILE_NAME_PATTERN);
      expect(p.name.length).toBeLessThanOrEqual(64);
      expect(p.name).toBe(profileName('acme-claude', p.tags.User, p.tags.Tier));
      expect(p.description).toMatch(PROFILE_DESCRIPTION_PATTERN);
      expect(p.description.length).toBeLessThanOrEqual(200);
    }
    expect(profiles.map((p) => p.tags.User).sort()).toEqual(
      ADVERSARIAL_IDS.flatMap((id) => [id, id]).sort(),
    );
  });

  test('shortens over-long names with a hash of the developer id', () => {
    const id = `${'verylongname.'.repeat(8)}x@example.com`;
    const developers = [{ id, team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] }];

    const [profile] = Object.values(synthProfiles(props({ developers })));

    // Pinned: a name change would replace the developer's profile.
    expect(profile.name).toBe('acme-claude-verylongname-verylongname-verylongna-f9c26614-sonnet');
    expect(profile.name).toHaveLength(64);
  });

  /** Synthesizes the construct plus outputs built from it; returns the outputs' values. */
  function outputsOf(build: (profiles: DeveloperProfiles) => Record<string, unknown>) {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const profiles = new DeveloperProfiles(scope, 'profiles', props());
        for (const [name, value] of Object.entries(build(profiles))) {
          new TerraformOutput(scope, name, { value });
        }
      }),
    );
    const addressOf = (user: string, tier: string) =>
      Object.entries<SynthesizedProfile>(json.resource.aws_bedrock_inference_profile).find(
        ([, p]) => p.tags.User === user && p.tags.Tier === tier,
      )![0];
    return {
      values: Object.fromEntries(
        Object.entries<{ value: unknown }>(json.output).map(([k, v]) => [k, v.value]),
      ),
      ref: (user: string, tier: string, attribute: string) =>
        `\${aws_bedrock_inference_profile.${addressOf(user, tier)}.${attribute}}`,
    };
  }

  test('exposes developer -> tier -> profile references', () => {
    let count = 0;
    const { values, ref } = outputsOf((profiles) => {
      count = profiles.profileCount;
      const jane = profiles.profiles['jane.doe@example.com'].opus;
      expect(jane.resource).toBeInstanceOf(BedrockInferenceProfile);
      return {
        developers: Object.keys(profiles.profiles).sort(),
        name: jane.name,
        tier: jane.tier,
        arn: jane.arn,
        id: jane.id,
      };
    });

    expect(count).toBe(8);
    expect(values.developers).toEqual(ROSTER.map((d) => d.id).sort());
    expect(values.name).toBe('acme-claude-jane-doe-example-com-opus');
    expect(values.tier).toBe('opus');
    expect(values.arn).toBe(ref('jane.doe@example.com', 'opus', 'arn'));
    expect(values.id).toBe(ref('jane.doe@example.com', 'opus', 'id'));
  });

  test('arnsForTier leaves out developers without the tier', () => {
    const { values, ref } = outputsOf((profiles) => ({ haiku: profiles.arnsForTier('haiku') }));

    expect(values.haiku).toEqual({
      'bob.smith': ref('bob.smith', 'haiku', 'arn'),
      'dave.o-neil': ref('dave.o-neil', 'haiku', 'arn'),
      'jane.doe@example.com': ref('jane.doe@example.com', 'haiku', 'arn'),
    });
  });

  test('arnsForTier rejects an unknown tier', () => {
    Testing.synthScope((scope) => {
      const profiles = new DeveloperProfiles(scope, 'profiles', props());

      expect(() => profiles.arnsForTier('gpt')).toThrow(
        /unknown tier 'gpt' \(tiers: sonnet, opus, haiku\)/,
      );
    });
  });

  test('arnsByDeveloper maps every developer to their tiers', () => {
    const { values, ref } = outputsOf((profiles) => ({ all: profiles.arnsByDeveloper() }));

    const all = values.all as Record<string, Record<string, string>>;
    expect(Object.keys(all).sort()).toEqual(ROSTER.map((d) => d.id).sort());
    expect(all['jane.doe@example.com']).toEqual({
      sonnet: ref('jane.doe@example.com', 'sonnet', 'arn'),
      opus: ref('jane.doe@example.com', 'opus', 'arn'),
      haiku: ref('jane.doe@example.com', 'haiku', 'arn'),
    });
    expect(all['Carol+ML@example.com']).toEqual({
      sonnet: ref('Carol+ML@example.com', 'sonnet', 'arn'),
    });
  });

  test('profileFor returns one profile and rejects missing entitlements', () => {
    Testing.synthScope((scope) => {
      const profiles = new DeveloperProfiles(scope, 'profiles', props());

      expect(profiles.profileFor('bob.smith', 'sonnet').name).toBe('acme-claude-bob-smith-sonnet');
      expect(() => profiles.profileFor('bob.smith', 'opus')).toThrow(
        /developer 'bob.smith' is not entitled to tier 'opus' \(has sonnet, haiku\)/,
      );
      expect(() => profiles.profileFor('nobody', 'opus')).toThrow(/no developer 'nobody'/);
    });
  });

  test('accepts an unresolved account id token', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const caller = new DataAwsCallerIdentity(scope, 'caller');
        new DeveloperProfiles(scope, 'profiles', props({ accountId: caller.accountId }));
      }),
    );

    for (const p of Object.values<SynthesizedProfile>(
      json.resource.aws_bedrock_inference_profile,
    )) {
      expect(p.model_source[0].copy_from).toMatch(
        /^arn:aws:bedrock:us-east-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:inference-profile\/us\./,
      );
    }
  });
});
