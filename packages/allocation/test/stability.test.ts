import { resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec } from '../src';
import { ROSTER, byUserAndTier, props, synthProfiles } from './helpers';

const ERIN: DeveloperProfileSpec = {
  id: 'erin.new@example.com',
  team: 'payments',
  costCenter: 'CC-200',
  tiers: ['sonnet', 'haiku'],
};

function without<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
}

describe('DeveloperProfiles stability', () => {
  test('addresses derive from developer id and tier only', () => {
    const addresses = Object.keys(synthProfiles(props()));

    // Pinned: construct ids are a contract; a changed address destroys and recreates a profile.
    expect(addresses.sort()).toEqual([
      'profiles_CarolMLexamplecom_sonnet_340A6281',
      'profiles_bobsmith_haiku_9C7CB685',
      'profiles_bobsmith_sonnet_A23D2655',
      'profiles_daveo-neil_haiku_BCF07FB5',
      'profiles_daveo-neil_sonnet_F13D6ED8',
      'profiles_janedoeexamplecom_haiku_4D84AD68',
      'profiles_janedoeexamplecom_opus_00E330B6',
      'profiles_janedoeexamplecom_sonnet_4075B7AE',
    ]);
  });

  test('reordering the roster changes nothing', () => {
    const before = Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', props()));
    const reversed = [...ROSTER].reverse().map((d) => ({ ...d, tiers: [...d.tiers].reverse() }));

    const after = Testing.synthScope(
      (scope) => new DeveloperProfiles(scope, 'profiles', props({ developers: reversed })),
    );

    expect(after).toBe(before);
  });

  test('exposes profiles in the same order whatever the roster order', () => {
    const shape = (developers: DeveloperProfileSpec[]) => {
      let result: [string, string[]][] = [];
      Testing.synthScope((scope) => {
        const { profiles } = new DeveloperProfiles(scope, 'profiles', props({ developers }));
        result = Object.entries(profiles).map(([id, byTier]) => [id, Object.keys(byTier)]);
      });
      return result;
    };
    const reversed = [...ROSTER].reverse().map((d) => ({ ...d, tiers: [...d.tiers].reverse() }));

    expect(shape(reversed)).toEqual(shape(ROSTER));
  });

  test('adding a developer only adds their profiles', () => {
    const before = synthProfiles(props());

    const after = synthProfiles(props({ developers: [ERIN, ...ROSTER] }));

    const added = Object.keys(after).filter((a) => !(a in before));
    expect(added.map((a) => `${after[a].tags.User}|${after[a].tags.Tier}`).sort()).toEqual([
      'erin.new@example.com|haiku',
      'erin.new@example.com|sonnet',
    ]);
    expect(without(after, added)).toEqual(before);
  });

  test('removing a developer only removes their profiles', () => {
    const before = synthProfiles(props());

    const after = synthProfiles(props({ developers: ROSTER.filter((d) => d.id !== 'bob.smith') }));

    const removed = Object.keys(before).filter((a) => !(a in after));
    expect(removed.map((a) => `${before[a].tags.User}|${before[a].tags.Tier}`).sort()).toEqual([
      'bob.smith|haiku',
      'bob.smith|sonnet',
    ]);
    expect(without(before, removed)).toEqual(after);
  });

  test('granting a tier only adds that profile', () => {
    const before = synthProfiles(props());
    const developers = ROSTER.map((d) =>
      d.id === 'bob.smith' ? { ...d, tiers: [...d.tiers, 'opus'] } : d,
    );

    const after = synthProfiles(props({ developers }));

    const added = Object.keys(after).filter((a) => !(a in before));
    expect(added.map((a) => `${after[a].tags.User}|${after[a].tags.Tier}`)).toEqual([
      'bob.smith|opus',
    ]);
    expect(without(after, added)).toEqual(before);
  });

  test('team, cost center, tags and quota changes leave replacement attributes alone', () => {
    const before = byUserAndTier(synthProfiles(props()));
    const developers = ROSTER.map((d) => ({ ...d, team: 'moved', costCenter: 'CC-999' }));

    const after = byUserAndTier(
      synthProfiles(props({ developers, tags: { Owner: 'someone-else' }, quota: 50 })),
    );

    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const key of Object.keys(before)) {
      expect(after[key].name).toBe(before[key].name);
      expect(after[key].description).toBe(before[key].description);
      expect(after[key].model_source).toEqual(before[key].model_source);
      expect(after[key].tags).toMatchObject({
        Team: 'moved',
        CostCenter: 'CC-999',
        Owner: 'someone-else',
      });
    }
  });

  test('name and description depend on project, developer id and tier only', () => {
    const profiles = byUserAndTier(synthProfiles(props()));

    // Pinned: a change to either would replace every developer's profile.
    expect(profiles['jane.doe@example.com|opus']).toMatchObject({
      name: 'acme-claude-jane-doe-example-com-opus',
      description: 'Claude Code opus profile for jane-doe-example-com in acme-claude',
    });
  });

  test('a new model version changes only that tier model source', () => {
    const before = byUserAndTier(synthProfiles(props()));
    const tiers = resolveTiers({
      models: {
        sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        opus: 'us.anthropic.claude-opus-4-7-v1',
        haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });

    const after = byUserAndTier(synthProfiles(props({ tiers })));

    const changed = Object.keys(before).filter(
      (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
    );
    expect(changed).toEqual(['jane.doe@example.com|opus']);
  });
});
