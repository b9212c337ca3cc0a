import { TerraformLocal, TerraformStack, Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec } from '../src';
import { LOGICAL_ID, SynthesizedConfig, props, resolveResource } from './helpers';

const TEAMS = ['platform', 'payments', 'search', 'data', 'mobile'];

describe('DeveloperProfiles at scale', () => {
  test('synthesizes 5,000 developers x 2 tiers as one 10,000-entry for_each map', () => {
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
    const json = stack.toTerraform();
    const resources = (json as SynthesizedConfig).resource?.aws_bedrock_inference_profile ?? {};
    const entries = Object.values(resolveResource(json as SynthesizedConfig).for_each);

    expect(profiles.profileCount).toBe(10_000);
    expect(Object.keys(resources)).toEqual([LOGICAL_ID]);
    expect(entries).toHaveLength(10_000);
    expect(new Set(entries.map((e) => e.name)).size).toBe(10_000);
    expect(json.locals.arns['developer.4999@example.com'].haiku).toBe(
      `\${aws_bedrock_inference_profile.${LOGICAL_ID}["developer.4999@example.com/haiku"].arn}`,
    );
  }, 30_000);
});
