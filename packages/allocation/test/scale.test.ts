import { TerraformStack, Testing } from 'cdktf';
import { DeveloperProfiles, DeveloperProfileSpec } from '../src';
import { props } from './helpers';

const TEAMS = ['platform', 'payments', 'search', 'data', 'mobile'];

describe('DeveloperProfiles at scale', () => {
  const prepareStackTrace = Error.prepareStackTrace;

  beforeAll(() => {
    // cdktf captures a creation stack trace for every token and complex attribute (several per
    // resource); under Jest each trace is source-mapped, which alone costs ~30 s for 10,000
    // profiles. Not formatting them keeps this test about the construct, not the test runner.
    Error.prepareStackTrace = () => '';
  });

  afterAll(() => {
    Error.prepareStackTrace = prepareStackTrace;
  });

  test('synthesizes 5,000 developers x 2 tiers', () => {
    const developers: DeveloperProfileSpec[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `developer.${i}@example.com`,
      team: TEAMS[i % TEAMS.length],
      costCenter: `CC-${100 + (i % TEAMS.length)}`,
      tiers: ['sonnet', 'haiku'],
    }));
    const stack = new TerraformStack(Testing.app(), 'scale');

    const profiles = new DeveloperProfiles(stack, 'profiles', props({ developers, quota: 20_000 }));
    // Testing.synth post-processes the JSON in quadratic time; stack.toTerraform() is what
    // `cdktf synth` writes.
    const resources = stack.toTerraform().resource.aws_bedrock_inference_profile;

    expect(profiles.profileCount).toBe(10_000);
    expect(Object.keys(resources)).toHaveLength(10_000);
    expect(new Set(Object.values<{ name: string }>(resources).map((r) => r.name)).size).toBe(
      10_000,
    );
  }, 60_000);
});
