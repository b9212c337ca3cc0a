import { DEVELOPER_GROUPS } from '@claude-code-bedrock/core';
import { TerraformLocal, TerraformStack, Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec } from '../src';
import {
  SynthesizedConfig,
  arnRef,
  arnsLocalSources,
  forEachMap,
  groupLabelOf,
  profileResources,
  props,
  resolveResource,
} from './helpers';

const TEAMS = ['platform', 'payments', 'search', 'data', 'mobile'];

describe('DeveloperProfiles at scale', () => {
  test('spreads 5,000 developers x 2 tiers over at most 64 evenly filled for_each maps', () => {
    const developers: DeveloperProfileSpec[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `developer.${i}@example.com`,
      team: TEAMS[i % TEAMS.length],
      costCenter: `CC-${100 + (i % TEAMS.length)}`,
      tiers: ['sonnet', 'haiku'],
    }));
    const stack = new TerraformStack(Testing.app(), 'scale');

    const profiles = new DeveloperProfiles(stack, 'profiles', props({ developers, quota: 20_000 }));
    // Every ARN referenced, as the environment stack does for its outputs.
    new TerraformLocal(stack, 'arns', profiles.arnsByDeveloper());
    // stack.toTerraform() is what `cdktf synth` writes (Testing.synth adds slow post-processing).
    const json = stack.toTerraform() as SynthesizedConfig;
    const resources = Object.values(profileResources(json));
    // Also checks that each map holds only its group's developers and no key twice.
    const entries = Object.values(resolveResource(json).for_each);
    const sizes = resources.map((r) => Object.keys(forEachMap(r.for_each, json.locals)).length);
    const mean = 10_000 / resources.length;

    expect(profiles.profileCount).toBe(10_000);
    expect(profiles.resources).toHaveLength(resources.length);
    expect(resources.length).toBeLessThanOrEqual(DEVELOPER_GROUPS);
    // With 5,000 developers every group is all but certain to be used: a spread, not a few maps.
    expect(resources.length).toBeGreaterThan(DEVELOPER_GROUPS / 2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * mean);
    expect(entries).toHaveLength(10_000);
    expect(new Set(entries.map((e) => e.name)).size).toBe(10_000);
    // Every ARN is its own key of the ARN map local, which merges every group resource once, in
    // group order: one reference per profile to a local, none to a for_each instance.
    const logicalIds = Object.keys(profileResources(json));
    const labels = logicalIds.map(groupLabelOf);
    expect(labels).toEqual([...labels].sort());
    expect(arnsLocalSources(json)).toEqual(
      logicalIds.map((id) => `aws_bedrock_inference_profile.${id}`),
    );
    const arn = (id: string, tier: string) => arnRef(json, `${id}/${tier}`);
    expect(json.locals?.arns).toEqual(
      Object.fromEntries(
        developers.map(({ id }) => [id, { sonnet: arn(id, 'sonnet'), haiku: arn(id, 'haiku') }]),
      ),
    );
  }, 30_000);
});
