import { resolveTiers } from '@claude-code-bedrock/core';
import { TerraformStack, Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec, DeveloperProfilesProps } from '../src';
import {
  ProfileEntry,
  ROSTER,
  SynthesizedConfig,
  SynthesizedResource,
  arnsLocalName,
  developerArnsLocalName,
  arnsLocalSources,
  configChanges,
  developerOfKey,
  entriesLocalFor,
  forEachLocal,
  groupOf,
  logicalIdFor,
  profileResources,
  props,
  resolveResource,
  synthJson,
  synthProfiles,
  synthResource,
} from './helpers';

/** In group G58, which no developer of ROSTER is in. */
const ERIN: DeveloperProfileSpec = {
  id: 'erin.new@example.com',
  team: 'payments',
  costCenter: 'CC-200',
  tiers: ['sonnet', 'haiku'],
};

/** In group G59, with bob.smith. */
const DAN: DeveloperProfileSpec = {
  id: 'dan',
  team: 'platform',
  costCenter: 'CC-100',
  tiers: ['opus'],
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

/**
 * The configuration as built, before `cdktf synth` writes it with sorted keys: shows the order in
 * which the construct itself puts the keys of its maps.
 */
function unsortedJson(p: DeveloperProfilesProps): SynthesizedConfig {
  const stack = new TerraformStack(Testing.app(), 'stack');
  new DeveloperProfiles(stack, 'profiles', p);
  return stack.toTerraform() as SynthesizedConfig;
}

describe('DeveloperProfiles stability', () => {
  test('addresses derive from the construct id, developer id and tier only', () => {
    const json = synthJson(props());
    const resource = resolveResource(json);

    // Pinned: the logical ids and the keys are a contract; a changed address destroys and
    // recreates a profile.
    expect(
      Object.keys(resource.for_each).map(
        (k) => `aws_bedrock_inference_profile.${logicalIdFor(json, developerOfKey(k))}["${k}"]`,
      ),
    ).toEqual([
      'aws_bedrock_inference_profile.profiles_G26_007638EA["Carol+ML@example.com/sonnet"]',
      'aws_bedrock_inference_profile.profiles_G59_31E0A49C["bob.smith/haiku"]',
      'aws_bedrock_inference_profile.profiles_G59_31E0A49C["bob.smith/sonnet"]',
      'aws_bedrock_inference_profile.profiles_G35_18326BAD["dave.o-neil/haiku"]',
      'aws_bedrock_inference_profile.profiles_G35_18326BAD["dave.o-neil/sonnet"]',
      'aws_bedrock_inference_profile.profiles_G37_13612488["jane.doe@example.com/haiku"]',
      'aws_bedrock_inference_profile.profiles_G37_13612488["jane.doe@example.com/opus"]',
      'aws_bedrock_inference_profile.profiles_G37_13612488["jane.doe@example.com/sonnet"]',
    ]);
  });

  test("a developer's resource depends on their id only, not on the other developers", () => {
    const full = synthJson(props({ developers: [ERIN, DAN, ...ROSTER] }));

    for (const developer of [ERIN, DAN, ...ROSTER]) {
      const alone = synthJson(props({ developers: [developer] }));

      expect(Object.keys(profileResources(alone))).toEqual([logicalIdFor(full, developer.id)]);
      expect(entriesLocalFor(alone, developer.id)).toBe(entriesLocalFor(full, developer.id));
    }
  });

  test('reordering the roster gives a byte-identical configuration', () => {
    const developers = [...ROSTER, DAN, ERIN];
    const before = Testing.synthScope(
      (scope) => new DeveloperProfiles(scope, 'profiles', props({ developers })),
    );
    const reversed = [...developers]
      .reverse()
      .map((d) => ({ ...d, tiers: [...d.tiers].reverse() }));

    const after = Testing.synthScope(
      (scope) => new DeveloperProfiles(scope, 'profiles', props({ developers: reversed })),
    );

    expect(after).toBe(before);
  });

  test("reordering the roster keeps every group's map and its key order", () => {
    const developers = [ERIN, DAN, ...ROSTER];
    const shuffled = [ROSTER[2], DAN, ROSTER[0], ROSTER[3], ERIN, ROSTER[1]];
    const maps = (json: SynthesizedConfig) =>
      Object.values(profileResources(json)).map((r) => {
        const map = json.locals![forEachLocal(r.for_each)] as Record<string, ProfileEntry>;
        return [Object.keys(map), map];
      });

    const before = maps(unsortedJson(props({ developers })));
    const after = maps(unsortedJson(props({ developers: shuffled })));

    expect(after).toEqual(before);
    // Keys sorted by code unit in each map: bob's entries before dan's in G59.
    expect(before.map(([keys]) => keys)).toContainEqual([
      'bob.smith/haiku',
      'bob.smith/sonnet',
      'dan/opus',
    ]);
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

    const after = synthResource(props({ developers: [ERIN, DAN, ...ROSTER] }));

    const keys = added(before.for_each, after.for_each);
    expect(keys).toEqual(['dan/opus', 'erin.new@example.com/haiku', 'erin.new@example.com/sonnet']);
    expect(without(after.for_each, keys)).toEqual(before.for_each);
    expect(template(after)).toEqual(template(before));
  });

  test('adding a developer to an empty group adds one resource and its local, and that resource to the ARN maps', () => {
    const before = synthJson(props());
    expect(() => logicalIdFor(before, ERIN.id)).toThrow(/expected one resource of group G58/);

    const after = synthJson(props({ developers: [ERIN, ...ROSTER] }));

    // The ARN maps merge every group resource, so they list one more address (G58, between G37 and
    // G59); every other resource and local stays byte-identical.
    const erin = `aws_bedrock_inference_profile.${logicalIdFor(after, ERIN.id)}`;
    expect(configChanges(before, after)).toEqual({
      added: [
        `local.${entriesLocalFor(after, ERIN.id)}`,
        `resource.${logicalIdFor(after, ERIN.id)}`,
      ],
      removed: [],
      changed: [`local.${arnsLocalName(before)}`, `local.${developerArnsLocalName(before)}`],
    });
    expect(arnsLocalName(after)).toBe(arnsLocalName(before));
    const sources = arnsLocalSources(before);
    expect(arnsLocalSources(after)).toEqual([...sources.slice(0, 3), erin, ...sources.slice(3)]);
    expect(
      Object.keys(resolveResource(after).for_each).filter((k) => k.startsWith('erin')),
    ).toEqual(['erin.new@example.com/haiku', 'erin.new@example.com/sonnet']);
  });

  test("adding a developer to a non-empty group changes only that group's local", () => {
    const before = synthJson(props());

    const after = synthJson(props({ developers: [...ROSTER, DAN] }));

    expect(groupOf(DAN.id)).toBe(groupOf('bob.smith'));
    expect(logicalIdFor(after, DAN.id)).toBe(logicalIdFor(before, 'bob.smith'));
    expect(configChanges(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [`local.${entriesLocalFor(before, 'bob.smith')}`],
    });
  });

  test('removing a developer only removes their entries', () => {
    const before = synthResource(props({ developers: [...ROSTER, DAN] }));

    const after = synthResource(props({ developers: ROSTER.filter((d) => d.id !== 'bob.smith') }));

    const keys = added(after.for_each, before.for_each);
    expect(keys).toEqual(['bob.smith/haiku', 'bob.smith/sonnet', 'dan/opus']);
    expect(without(before.for_each, keys)).toEqual(after.for_each);
    expect(template(after)).toEqual(template(before));
  });

  test("removing a group's last developer removes its resource and local, and that resource from the ARN maps", () => {
    const before = synthJson(props());

    const after = synthJson(props({ developers: ROSTER.filter((d) => d.id !== 'bob.smith') }));

    // The ARN maps no longer list bob.smith's group resource (G59); every other resource and local
    // stays byte-identical.
    const bob = `aws_bedrock_inference_profile.${logicalIdFor(before, 'bob.smith')}`;
    expect(configChanges(before, after)).toEqual({
      added: [],
      removed: [
        `local.${entriesLocalFor(before, 'bob.smith')}`,
        `resource.${logicalIdFor(before, 'bob.smith')}`,
      ],
      changed: [`local.${arnsLocalName(before)}`, `local.${developerArnsLocalName(before)}`],
    });
    expect(arnsLocalSources(before)).toContain(bob);
    expect(arnsLocalSources(after)).toEqual(arnsLocalSources(before).filter((a) => a !== bob));
  });

  test("removing one of a group's developers changes only that group's local", () => {
    const before = synthJson(props({ developers: [...ROSTER, DAN] }));

    const after = synthJson(props({ developers: ROSTER }));

    expect(configChanges(before, after)).toEqual({
      added: [],
      removed: [],
      changed: [`local.${entriesLocalFor(before, 'bob.smith')}`],
    });
  });

  test("granting a tier only adds that entry to the developer's group local", () => {
    const json = synthJson(props());
    const before = resolveResource(json);
    const developers = ROSTER.map((d) =>
      d.id === 'bob.smith' ? { ...d, tiers: [...d.tiers, 'opus'] } : d,
    );

    const afterJson = synthJson(props({ developers }));
    const after = resolveResource(afterJson);

    const keys = added(before.for_each, after.for_each);
    expect(keys).toEqual(['bob.smith/opus']);
    expect(without(after.for_each, keys)).toEqual(before.for_each);
    expect(configChanges(json, afterJson)).toEqual({
      added: [],
      removed: [],
      changed: [`local.${entriesLocalFor(json, 'bob.smith')}`],
    });
  });

  test("a team or cost center change only changes that developer's tag values", () => {
    const json = synthJson(props());
    const before = resolveResource(json);
    const developers = ROSTER.map((d) =>
      d.id === 'bob.smith' ? { ...d, team: 'moved', costCenter: 'CC-999' } : d,
    );

    const afterJson = synthJson(props({ developers }));
    const after = resolveResource(afterJson);

    expect(configChanges(json, afterJson)).toEqual({
      added: [],
      removed: [],
      changed: [`local.${entriesLocalFor(json, 'bob.smith')}`],
    });
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

  test('extra tags and quota changes leave the for_each maps and replacement attributes alone', () => {
    const json = synthJson(props());
    const before = resolveResource(json);

    const afterJson = synthJson(props({ tags: { Owner: 'someone-else' }, quota: 50 }));
    const after = resolveResource(afterJson);

    // Only the resources' tags change; every local (the maps) stays byte-identical.
    expect(configChanges(json, afterJson)).toEqual({
      added: [],
      removed: [],
      changed: Object.keys(profileResources(json)).map((id) => `resource.${id}`),
    });
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
