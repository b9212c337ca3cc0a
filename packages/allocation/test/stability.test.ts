import { resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec } from '../src';
import {
  LOGICAL_ID,
  ProfileEntry,
  ROSTER,
  SynthesizedResource,
  props,
  synthProfiles,
  synthResource,
} from './helpers';

const ERIN: DeveloperProfileSpec = {
  id: 'erin.new@example.com',
  team: 'payments',
  costCenter: 'CC-200',
  tiers: ['sonnet', 'haiku'],
};

/** The keys in `after` but not in `before`. */
const added = (before: object, after: object) =>
  Object.keys(after).filter((k) => !Object.prototype.hasOwnProperty.call(before, k));

function without<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
}

/**
 * The resource's arguments other than for_each, with the tier -> model source map they look up:
 * what every instance shares.
 */
const template = ({ for_each: _, ...rest }: SynthesizedResource) => rest;

describe('DeveloperProfiles stability', () => {
  test('addresses derive from the construct id, developer id and tier only', () => {
    const resource = synthResource(props());

    // Pinned: the logical id and the keys are a contract; a changed address destroys and
    // recreates a profile.
    expect(
      Object.keys(resource.for_each).map(
        (k) => `aws_bedrock_inference_profile.${LOGICAL_ID}["${k}"]`,
      ),
    ).toEqual([
      'aws_bedrock_inference_profile.profiles_FC7986CD["Carol+ML@example.com/sonnet"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["bob.smith/haiku"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["bob.smith/sonnet"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["dave.o-neil/haiku"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["dave.o-neil/sonnet"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["jane.doe@example.com/haiku"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["jane.doe@example.com/opus"]',
      'aws_bedrock_inference_profile.profiles_FC7986CD["jane.doe@example.com/sonnet"]',
    ]);
  });

  test('reordering the roster gives a byte-identical configuration', () => {
    const before = Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', props()));
    const reversed = [...ROSTER].reverse().map((d) => ({ ...d, tiers: [...d.tiers].reverse() }));

    const after = Testing.synthScope(
      (scope) => new DeveloperProfiles(scope, 'profiles', props({ developers: reversed })),
    );

    expect(after).toBe(before);
  });

  test('reordering the roster keeps the for_each map and its key order', () => {
    const before = synthResource(props());
    const shuffled = [ROSTER[2], ROSTER[0], ROSTER[3], ROSTER[1]];

    const after = synthResource(props({ developers: shuffled }));

    expect(after.for_each).toEqual(before.for_each);
    expect(Object.keys(after.for_each)).toEqual(Object.keys(before.for_each));
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

  test('adding a developer only adds their entries', () => {
    const before = synthResource(props());

    const after = synthResource(props({ developers: [ERIN, ...ROSTER] }));

    const keys = added(before.for_each, after.for_each);
    expect(keys).toEqual(['erin.new@example.com/haiku', 'erin.new@example.com/sonnet']);
    expect(without(after.for_each, keys)).toEqual(before.for_each);
    expect(template(after)).toEqual(template(before));
  });

  test('removing a developer only removes their entries', () => {
    const before = synthResource(props());

    const after = synthResource(props({ developers: ROSTER.filter((d) => d.id !== 'bob.smith') }));

    const keys = added(after.for_each, before.for_each);
    expect(keys).toEqual(['bob.smith/haiku', 'bob.smith/sonnet']);
    expect(without(before.for_each, keys)).toEqual(after.for_each);
    expect(template(after)).toEqual(template(before));
  });

  test('granting a tier only adds that entry', () => {
    const before = synthResource(props());
    const developers = ROSTER.map((d) =>
      d.id === 'bob.smith' ? { ...d, tiers: [...d.tiers, 'opus'] } : d,
    );

    const after = synthResource(props({ developers }));

    const keys = added(before.for_each, after.for_each);
    expect(keys).toEqual(['bob.smith/opus']);
    expect(without(after.for_each, keys)).toEqual(before.for_each);
  });

  test("a team or cost center change only changes that developer's tag values", () => {
    const before = synthResource(props());
    const developers = ROSTER.map((d) =>
      d.id === 'bob.smith' ? { ...d, team: 'moved', costCenter: 'CC-999' } : d,
    );

    const after = synthResource(props({ developers }));

    expect(template(after)).toEqual(template(before));
    expect(Object.keys(after.for_each)).toEqual(Object.keys(before.for_each));
    const changed = Object.keys(before.for_each).filter(
      (k) => JSON.stringify(after.for_each[k]) !== JSON.stringify(before.for_each[k]),
    );
    expect(changed).toEqual(['bob.smith/haiku', 'bob.smith/sonnet']);
    for (const key of changed) {
      const expected: ProfileEntry = {
        ...before.for_each[key],
        team: 'moved',
        cost_center: 'CC-999',
      };
      expect(after.for_each[key]).toEqual(expected);
    }
    // team and cost_center reach the profile only through tags.
    expect(after.tags).toMatchObject({
      Team: '${each.value.team}',
      CostCenter: '${each.value.cost_center}',
    });
    expect(
      JSON.stringify([after.name, after.description, after.model_source, after.model_sources]),
    ).not.toMatch(/team|cost_center/);
  });

  test('extra tags and quota changes leave the for_each map and replacement attributes alone', () => {
    const before = synthResource(props());

    const after = synthResource(props({ tags: { Owner: 'someone-else' }, quota: 50 }));

    expect(after.for_each).toEqual(before.for_each);
    expect(after.name).toBe(before.name);
    expect(after.description).toBe(before.description);
    expect(after.model_source).toEqual(before.model_source);
    expect(after.model_sources).toEqual(before.model_sources);
    expect(after.tags).toEqual({ ...before.tags, Owner: 'someone-else' });
  });

  test('name and description depend on project, developer id and tier only', () => {
    const profiles = synthProfiles(props());

    // Pinned: a change to either would replace every developer's profile.
    expect(profiles['jane.doe@example.com/opus']).toMatchObject({
      name: 'acme-claude-jane-doe-example-com-opus',
      description: 'Claude Code opus profile for jane-doe-example-com in acme-claude',
    });
  });

  test('a new model version changes only that tier model source', () => {
    const before = synthProfiles(props());
    const tiers = resolveTiers({
      models: {
        sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        opus: 'us.anthropic.claude-opus-4-7-v1',
        haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });

    const after = synthProfiles(props({ tiers }));

    const changed = Object.keys(before).filter(
      (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
    );
    expect(changed).toEqual(['jane.doe@example.com/opus']);
    expect(after['jane.doe@example.com/opus']).toEqual({
      ...before['jane.doe@example.com/opus'],
      copy_from:
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-7-v1',
    });
  });
});
