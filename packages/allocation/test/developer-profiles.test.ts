import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { PROFILE_NAME_PATTERN, profileName, resolveTiers } from '@claude-code-bedrock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { DeveloperProfiles, PROFILE_DESCRIPTION_PATTERN } from '../src';
import {
  LOGICAL_ID,
  ROSTER,
  SynthesizedConfig,
  TIERS,
  plan,
  props,
  resolveResource,
  synthJson,
  synthResource,
  synthResources,
  synthProfiles,
} from './helpers';

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

/** `${aws_bedrock_inference_profile.<logical id>["<key>"].<attribute>}` */
const instanceRef = (key: string, attribute: string) =>
  `\${aws_bedrock_inference_profile.${LOGICAL_ID}[${JSON.stringify(key)}].${attribute}}`;

describe('DeveloperProfiles', () => {
  test('refers for_each and the model source lookup to locals, not to inline maps', () => {
    // Plan time: Terraform evaluates a resource's for_each and arguments several times while
    // planning, and a large literal map inline in the resource made `terraform plan` about twice
    // as slow as the same map in a local (36 s vs 17 s at 100 developers).
    const json = synthJson(props());
    const resource = json.resource!.aws_bedrock_inference_profile![LOGICAL_ID];
    const entries = /^\$\{local\.(profiles_Entries_[0-9A-F]{8})\}$/.exec(String(resource.for_each));
    const sources = /^\$\{local\.(profiles_ModelSources_[0-9A-F]{8})\[each\.value\.tier\]\}$/.exec(
      resource.model_source[0].copy_from,
    );

    expect(typeof resource.for_each).toBe('string');
    expect(entries).not.toBeNull();
    expect(sources).not.toBeNull();
    expect(Object.keys(json.locals ?? {}).sort()).toEqual([entries![1], sources![1]].sort());
    expect(Object.keys(json.locals![entries![1]] as object)).toHaveLength(8);
    // Nothing per developer or per tier is written into the resource itself.
    expect(JSON.stringify(resource)).not.toMatch(/jane\.doe|bob\.smith|arn:|us\.anthropic/);
  });

  test('creates one resource with construct id Resource', () => {
    let profiles: DeveloperProfiles | undefined;
    const resources = synthResources(props());
    Testing.synthScope((scope) => {
      profiles = new DeveloperProfiles(scope, 'profiles', props());
    });

    expect(Object.keys(resources)).toEqual([LOGICAL_ID]);
    expect(profiles!.resource).toBeInstanceOf(BedrockInferenceProfile);
    expect(profiles!.resource.node.id).toBe('Resource');
  });

  test('keys one for_each entry per developer and entitled tier by "<developer id>/<tier>"', () => {
    const resource = synthResource(props());

    expect(Object.keys(resource.for_each)).toEqual([
      'Carol+ML@example.com/sonnet',
      'bob.smith/haiku',
      'bob.smith/sonnet',
      'dave.o-neil/haiku',
      'dave.o-neil/sonnet',
      'jane.doe@example.com/haiku',
      'jane.doe@example.com/opus',
      'jane.doe@example.com/sonnet',
    ]);
  });

  test('holds each profile as plain data in its for_each entry', () => {
    const resource = synthResource(props());

    expect(resource.for_each['jane.doe@example.com/opus']).toEqual({
      name: 'acme-claude-jane-doe-example-com-opus',
      description: 'Claude Code opus profile for jane-doe-example-com in acme-claude',
      user: 'jane.doe@example.com',
      team: 'platform',
      cost_center: 'CC-100',
      tier: 'opus',
    });
  });

  test('reads name, description and attribution tags from each.value', () => {
    const synth = Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', props()));

    expect(synth).toHaveResourceWithProperties(BedrockInferenceProfile, {
      name: '${each.value.name}',
      description: '${each.value.description}',
      tags: {
        User: '${each.value.user}',
        Team: '${each.value.team}',
        Project: 'acme-claude',
        CostCenter: '${each.value.cost_center}',
        Tier: '${each.value.tier}',
      },
    });
  });

  test('copies every profile from its tier system profile in the account and region', () => {
    const profiles = synthProfiles(props());

    for (const p of Object.values(profiles)) {
      const tier = TIERS.find((t) => t.name === p.tags.Tier)!;
      expect(p.copy_from).toBe(
        `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${tier.profileId}`,
      );
    }
  });

  test('looks the model source up by tier in a map with one ARN per tier', () => {
    const resource = synthResource(props());

    expect(resource.model_sources).toEqual({
      sonnet:
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      opus: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1',
      haiku:
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
  });

  test('uses the partition of a GovCloud region in the model source', () => {
    const tiers = resolveTiers({
      models: { sonnet: 'us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const developers = [{ id: 'gov.dev', team: 'gov', costCenter: 'CC-1', tiers: ['sonnet'] }];

    const profiles = synthProfiles(props({ region: 'us-gov-west-1', tiers, developers }));

    expect(profiles['gov.dev/sonnet'].copy_from).toBe(
      'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
  });

  test('tags every profile with User, Team, Project, CostCenter and Tier', () => {
    const profiles = synthProfiles(props());

    expect(profiles['Carol+ML@example.com/sonnet'].tags).toEqual({
      User: 'Carol+ML@example.com',
      Team: 'payments',
      Project: 'acme-claude',
      CostCenter: 'CC-200',
      Tier: 'sonnet',
    });
    for (const [key, p] of Object.entries(profiles)) {
      const developer = ROSTER.find((d) => d.id === p.tags.User)!;
      expect(p.tags).toEqual({
        User: developer.id,
        Team: developer.team,
        Project: 'acme-claude',
        CostCenter: developer.costCenter,
        Tier: expect.stringMatching(/^(sonnet|opus|haiku)$/),
      });
      expect(key).toBe(`${p.tags.User}/${p.tags.Tier}`);
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
    const profiles = synthProfiles(props());

    expect(profiles['jane.doe@example.com/opus'].name).toBe(
      'acme-claude-jane-doe-example-com-opus',
    );
    expect(profiles['Carol+ML@example.com/sonnet'].name).toBe(
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

    const entries = Object.entries(synthResource(props({ developers })).for_each);

    expect(entries).toHaveLength(ADVERSARIAL_IDS.length * 2);
    expect(new Set(entries.map(([, e]) => e.name)).size).toBe(entries.length);
    for (const [key, e] of entries) {
      expect(key).toBe(`${e.user}/${e.tier}`);
      expect(e.name).toMatch(PROFILE_NAME_PATTERN);
      expect(e.name.length).toBeLessThanOrEqual(64);
      expect(e.name).toBe(profileName('acme-claude', e.user, e.tier));
      expect(e.description).toMatch(PROFILE_DESCRIPTION_PATTERN);
      expect(e.description.length).toBeLessThanOrEqual(200);
    }
    expect(entries.map(([, e]) => e.user).sort()).toEqual(
      ADVERSARIAL_IDS.flatMap((id) => [id, id]).sort(),
    );
  });

  test('shortens over-long names with a hash of the developer id', () => {
    const id = `${'verylongname.'.repeat(8)}x@example.com`;
    const developers = [{ id, team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] }];

    const entry = synthResource(props({ developers })).for_each[`${id}/sonnet`];

    // Pinned: a name change would replace the developer's profile.
    expect(entry.name).toBe('acme-claude-verylongname-verylongname-verylongna-f9c26614-sonnet');
    expect(entry.name).toHaveLength(64);
  });

  test('synthesizes an empty for_each map for an empty roster', () => {
    let count = -1;
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        count = new DeveloperProfiles(scope, 'profiles', props({ developers: [] })).profileCount;
      }),
    );

    expect(count).toBe(0);
    expect(resolveResource(json).for_each).toEqual({});
  });

  /** Synthesizes the construct plus outputs built from it; returns the outputs' values. */
  function outputsOf(build: (profiles: DeveloperProfiles) => Record<string, unknown>) {
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        const profiles = new DeveloperProfiles(scope, 'profiles', props());
        for (const [name, value] of Object.entries(build(profiles))) {
          new TerraformOutput(scope, name, { value });
        }
      }),
    );
    return Object.fromEntries(Object.entries(json.output ?? {}).map(([k, v]) => [k, v.value]));
  }

  test('exposes developer -> tier -> profile references to for_each instances', () => {
    let count = 0;
    const values = outputsOf((profiles) => {
      count = profiles.profileCount;
      const jane = profiles.profiles['jane.doe@example.com'].opus;
      expect(jane.resource).toBe(profiles.resource);
      return {
        developers: Object.keys(profiles.profiles),
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
    expect(values.arn).toBe(instanceRef('jane.doe@example.com/opus', 'arn'));
    expect(values.id).toBe(instanceRef('jane.doe@example.com/opus', 'id'));
  });

  test('profile ARNs are tokens that work in strings and Terraform functions', () => {
    const values = outputsOf((profiles) => {
      const arn = profiles.profileFor('bob.smith', 'haiku').arn;
      expect(Token.isUnresolved(arn)).toBe(true);
      return {
        line: `${arn},bob.smith,haiku`,
        joined: Fn.join(',', [arn, profiles.profileFor('bob.smith', 'sonnet').arn]),
      };
    });

    expect(values.line).toBe(`${instanceRef('bob.smith/haiku', 'arn')},bob.smith,haiku`);
    expect(values.joined).toBe(
      `\${join(",", [aws_bedrock_inference_profile.${LOGICAL_ID}["bob.smith/haiku"].arn, aws_bedrock_inference_profile.${LOGICAL_ID}["bob.smith/sonnet"].arn])}`,
    );
  });

  test('a profile ARN used in another stack reads the instance from remote state', () => {
    const app = Testing.app();
    const origin = new TerraformStack(app, 'origin');
    new AwsProvider(origin, 'aws', { region: 'us-east-1' });
    const profiles = new DeveloperProfiles(origin, 'profiles', props());
    const consumer = new TerraformStack(app, 'consumer');
    new TerraformOutput(consumer, 'arn', { value: profiles.profileFor('bob.smith', 'haiku').arn });
    app.synth();

    const output = (stack: TerraformStack): SynthesizedConfig['output'] =>
      JSON.parse(Testing.synth(stack)).output;
    const shared = `cross-stack-output-aws_bedrock_inference_profile${LOGICAL_ID}`;
    expect(output(origin)?.[shared].value).toBe(`\${aws_bedrock_inference_profile.${LOGICAL_ID}}`);
    expect(output(consumer)?.arn.value).toBe(
      `\${data.terraform_remote_state.cross-stack-reference-input-origin.outputs.${shared}["bob.smith/haiku"].arn}`,
    );
  });

  test('arnsForTier leaves out developers without the tier', () => {
    const values = outputsOf((profiles) => ({ haiku: profiles.arnsForTier('haiku') }));

    expect(values.haiku).toEqual({
      'bob.smith': instanceRef('bob.smith/haiku', 'arn'),
      'dave.o-neil': instanceRef('dave.o-neil/haiku', 'arn'),
      'jane.doe@example.com': instanceRef('jane.doe@example.com/haiku', 'arn'),
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
    const values = outputsOf((profiles) => ({ all: profiles.arnsByDeveloper() }));

    const all = values.all as Record<string, Record<string, string>>;
    expect(Object.keys(all).sort()).toEqual(ROSTER.map((d) => d.id).sort());
    expect(all['jane.doe@example.com']).toEqual({
      sonnet: instanceRef('jane.doe@example.com/sonnet', 'arn'),
      opus: instanceRef('jane.doe@example.com/opus', 'arn'),
      haiku: instanceRef('jane.doe@example.com/haiku', 'arn'),
    });
    expect(all['Carol+ML@example.com']).toEqual({
      sonnet: instanceRef('Carol+ML@example.com/sonnet', 'arn'),
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

  test('keeps developer ids named like Object.prototype members as own entries', () => {
    const developers = ['__proto__', 'constructor', 'toString'].map((id) => ({
      id,
      team: 'platform',
      costCenter: 'CC-100',
      tiers: ['sonnet'],
    }));

    Testing.synthScope((scope) => {
      const { profiles } = new DeveloperProfiles(scope, 'profiles', props({ developers }));

      expect(Object.keys(profiles)).toEqual(['__proto__', 'constructor', 'toString']);
      expect(profiles['__proto__'].sonnet.name).toBe('acme-claude-proto-sonnet');
      expect(Object.getPrototypeOf(profiles)).toBe(Object.prototype);
      expect(Object.prototype).not.toHaveProperty('sonnet');
    });
  });

  test('keeps for_each entries free of tokens when the account id is one', () => {
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        const caller = new DataAwsCallerIdentity(scope, 'caller');
        new DeveloperProfiles(scope, 'profiles', props({ accountId: caller.accountId }));
      }),
    );
    const resource = resolveResource(json);

    expect(JSON.stringify(resource.for_each)).not.toContain('${');
    for (const [tier, arn] of Object.entries(resource.model_sources)) {
      expect(arn).toBe(
        `arn:aws:bedrock:us-east-1:\${data.aws_caller_identity.caller.account_id}:inference-profile/${TIERS.find((t) => t.name === tier)!.profileId}`,
      );
    }
    expect(Object.keys(plan(resource))).toHaveLength(8);
  });
});
