import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { PROFILE_NAME_PATTERN, profileName, resolveTiers } from '@claude-code-bedrock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { DeveloperProfiles, PROFILE_DESCRIPTION_PATTERN } from '../src';
import {
  ROSTER,
  SynthesizedConfig,
  TIERS,
  arnRef,
  arnsLocalName,
  developerArnsLocalName,
  arnsLocalSources,
  developerOfKey,
  forEachLocal,
  groupLabelOf,
  groupOf,
  logicalIdFor,
  plan,
  profileResources,
  props,
  resolveResource,
  synthJson,
  synthResource,
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

/**
 * `${aws_bedrock_inference_profile.<logical id>["<key>"].<attribute>}`, the logical id being that
 * of the key's developer's group resource in `json`.
 */
const instanceRef = (json: SynthesizedConfig, key: string, attribute: string) =>
  `\${aws_bedrock_inference_profile.${logicalIdFor(json, developerOfKey(key))}[${JSON.stringify(key)}].${attribute}}`;

/** `${ { for key, profile in <source> : key => profile.arn } }`: the value of the ARN map local. */
const arnsExpression = (source: string) =>
  `\${ { for key, profile in ${source} : key => profile.arn } }`;

/** The groups of the developers in ROSTER, pinned: G26 Carol, G35 dave, G37 jane, G59 bob. */
const ROSTER_GROUPS = ['G26', 'G35', 'G37', 'G59'];

describe('DeveloperProfiles', () => {
  test('refers for_each and the model source lookup to locals, not to inline maps', () => {
    // Plan time: Terraform evaluates a resource's for_each and arguments several times while
    // planning, and a large literal map inline in the resource made `terraform plan` about twice
    // as slow as the same map in a local (36 s vs 17 s at 100 developers).
    const json = synthJson(props());
    const resources = Object.entries(profileResources(json));
    const entries = resources.map(([logicalId, resource]) => {
      const match = /^profiles_Entries(G[0-9]{2})_[0-9A-F]{8}$/.exec(
        forEachLocal(resource.for_each),
      );
      expect(match?.[1]).toBe(groupLabelOf(logicalId));
      return match![0];
    });
    const sources = new Set(
      resources.map(
        ([, resource]) =>
          /^\$\{local\.(profiles_ModelSources_[0-9A-F]{8})\[each\.value\.tier\]\}$/.exec(
            resource.model_source[0].copy_from,
          )?.[1],
      ),
    );

    expect(resources).toHaveLength(4);
    expect(new Set(entries).size).toBe(4);
    expect(sources.size).toBe(1);
    expect([...sources][0]).toBeDefined();
    // Besides the entries and the model sources, only the two ARN maps, which read the resources.
    expect(Object.keys(json.locals ?? {}).sort()).toEqual(
      [...entries, ...sources, arnsLocalName(json), developerArnsLocalName(json)].sort(),
    );
    expect(entries.map((name) => Object.keys(json.locals![name] as object).length)).toEqual([
      1, 2, 3, 2,
    ]);
    // Nothing per developer or per tier is written into any resource itself.
    for (const [, resource] of resources) {
      expect(JSON.stringify(resource)).not.toMatch(/jane\.doe|bob\.smith|arn:|us\.anthropic/);
    }
  });

  test('creates one resource per non-empty developer group, with the group label as construct id', () => {
    let profiles: DeveloperProfiles | undefined;
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        profiles = new DeveloperProfiles(scope, 'profiles', props());
      }),
    );

    // Pinned: the group of a developer is part of their profiles' addresses.
    expect(ROSTER.map((d) => groupOf(d.id)).sort()).toEqual(ROSTER_GROUPS);
    expect(profiles!.resources.map((r) => r.node.id)).toEqual(ROSTER_GROUPS);
    for (const resource of profiles!.resources) {
      expect(resource).toBeInstanceOf(BedrockInferenceProfile);
    }
    expect(Object.keys(profileResources(json)).map(groupLabelOf)).toEqual(ROSTER_GROUPS);
    expect(Object.keys(profileResources(json))).toEqual(
      profiles!.resources.map((r) => r.friendlyUniqueId),
    );
  });

  test('lists the resources in group order, not in roster or developer id order', () => {
    // By developer id the groups come G26 (Carol), G59 (bob), G35 (dave), G02 (frank), G37 (jane).
    const frank = {
      id: 'frank@example.com',
      team: 'platform',
      costCenter: 'CC-100',
      tiers: ['haiku'],
    };
    expect(groupOf(frank.id)).toBe('G02');

    Testing.synthScope((scope) => {
      const { resources } = new DeveloperProfiles(
        scope,
        'profiles',
        props({ developers: [...ROSTER, frank] }),
      );

      expect(resources.map((r) => r.node.id)).toEqual(['G02', ...ROSTER_GROUPS]);
    });
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

  test('creates no profile resource, no entries local and empty ARN maps for an empty roster', () => {
    let profiles: DeveloperProfiles | undefined;
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        profiles = new DeveloperProfiles(scope, 'profiles', props({ developers: [] }));
      }),
    );

    expect(profiles!.profileCount).toBe(0);
    expect(profiles!.resources).toEqual([]);
    expect(profiles!.profiles).toEqual({});
    expect(profiles!.arnsByDeveloper()).toEqual({});
    expect(profileResources(json)).toEqual({});
    expect(Object.keys(json.locals ?? {}).sort()).toEqual([
      expect.stringMatching(/^profiles_Arns_[0-9A-F]{8}$/),
      expect.stringMatching(/^profiles_DeveloperArns_[0-9A-F]{8}$/),
      expect.stringMatching(/^profiles_ModelSources_[0-9A-F]{8}$/),
    ]);
    expect(json.locals![arnsLocalName(json)]).toEqual({});
    expect(json.locals![profiles!.developerArnMap.friendlyUniqueId]).toEqual({});
  });

  test('gathers every profile ARN in one local that merges the group resources in group order', () => {
    let profiles: DeveloperProfiles | undefined;
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        profiles = new DeveloperProfiles(scope, 'profiles', props());
      }),
    );
    const logicalIds = Object.keys(profileResources(json));
    const addresses = profiles!.resources.map(
      (r) => `aws_bedrock_inference_profile.${r.friendlyUniqueId}`,
    );

    expect(profiles!.arnMap.node.id).toBe('Arns');
    expect(profiles!.arnMap.friendlyUniqueId).toBe(arnsLocalName(json));
    expect(profiles!.arnMap.friendlyUniqueId).toMatch(/^profiles_Arns_[0-9A-F]{8}$/);
    // Every synthesized profile resource, each once, in group order (G26, G35, G37, G59).
    expect(logicalIds.map(groupLabelOf)).toEqual(ROSTER_GROUPS);
    expect(addresses).toEqual(logicalIds.map((id) => `aws_bedrock_inference_profile.${id}`));
    expect(arnsLocalSources(json)).toEqual(addresses);
    expect(json.locals![arnsLocalName(json)]).toBe(
      arnsExpression(`merge(${addresses.join(', ')})`),
    );
  });

  test('groups the ARNs by developer and tier in a second local over the same merge()', () => {
    let profiles: DeveloperProfiles | undefined;
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        profiles = new DeveloperProfiles(scope, 'profiles', props());
      }),
    );
    const addresses = profiles!.resources.map(
      (r) => `aws_bedrock_inference_profile.${r.friendlyUniqueId}`,
    );
    const local = profiles!.developerArnMap;
    expect(local.node.id).toBe('DeveloperArns');
    expect(local.friendlyUniqueId).toMatch(/^profiles_DeveloperArns_[0-9A-F]{8}$/);
    expect(json.locals![local.friendlyUniqueId]).toBe(
      `\${ { for dev, ps in { for p in values(merge(${addresses.join(', ')})) : p.tags["User"] => p... } : dev => { for p in ps : p.tags["Tier"] => p.arn } } }`,
    );
  });

  test('gathers the ARNs of a single group resource without merge()', () => {
    const json = synthJson(props({ developers: [ROSTER[0]] }));
    const [logicalId] = Object.keys(profileResources(json));

    expect(Object.keys(profileResources(json))).toHaveLength(1);
    expect(json.locals![arnsLocalName(json)]).toBe(
      arnsExpression(`aws_bedrock_inference_profile.${logicalId}`),
    );
  });

  /**
   * Synthesizes the construct plus outputs built from it; returns the outputs' values,
   * `arn(key)`, the expected token of a profile ARN (an element of the ARN map local), and
   * `ref(key, attribute)`, that of an instance attribute, in that configuration.
   */
  function outputsOf(build: (profiles: DeveloperProfiles) => Record<string, unknown>) {
    const json: SynthesizedConfig = JSON.parse(
      Testing.synthScope((scope) => {
        const profiles = new DeveloperProfiles(scope, 'profiles', props());
        for (const [name, value] of Object.entries(build(profiles))) {
          new TerraformOutput(scope, name, { value });
        }
      }),
    );
    return {
      values: Object.fromEntries(Object.entries(json.output ?? {}).map(([k, v]) => [k, v.value])),
      arn: (key: string) => arnRef(json, key),
      ref: (key: string, attribute: string) => instanceRef(json, key, attribute),
    };
  }

  test('exposes developer -> tier -> profile references: ARN map element and instance id', () => {
    let count = 0;
    const { values, arn, ref } = outputsOf((profiles) => {
      count = profiles.profileCount;
      const jane = profiles.profiles['jane.doe@example.com'].opus;
      expect(jane.resource.node.id).toBe('G37');
      expect(profiles.resources).toContain(jane.resource);
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
    expect(values.arn).toBe(arn('jane.doe@example.com/opus'));
    expect(values.arn).toMatch(
      /^\$\{local\.profiles_Arns_[0-9A-F]{8}\["jane\.doe@example\.com\/opus"\]\}$/,
    );
    // The id still reads the instance of the developer's group resource.
    expect(values.id).toBe(ref('jane.doe@example.com/opus', 'id'));
    expect(values.id).toMatch(
      /^\$\{aws_bedrock_inference_profile\.profiles_G37_[0-9A-F]{8}\["jane\.doe@example\.com\/opus"\]\.id\}$/,
    );
  });

  test("refers every profile to its developer's group resource", () => {
    const developers = [
      ...ROSTER,
      // Same group (G59) as bob.smith.
      { id: 'dan', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet', 'opus'] },
    ];
    expect(groupOf('dan')).toBe(groupOf('bob.smith'));

    Testing.synthScope((scope) => {
      const profiles = new DeveloperProfiles(scope, 'profiles', props({ developers }));

      expect(profiles.resources).toHaveLength(4);
      for (const [developerId, byTier] of Object.entries(profiles.profiles)) {
        for (const profile of Object.values(byTier)) {
          expect(profile.resource.node.id).toBe(groupOf(developerId));
          expect(profiles.resources).toContain(profile.resource);
        }
      }
      expect(profiles.profileFor('dan', 'opus').resource).toBe(
        profiles.profileFor('bob.smith', 'haiku').resource,
      );
    });
  });

  test('profile ARNs are tokens that work in strings and Terraform functions', () => {
    const { values, arn: arnOf } = outputsOf((profiles) => {
      const arn = profiles.profileFor('bob.smith', 'haiku').arn;
      expect(Token.isUnresolved(arn)).toBe(true);
      return {
        line: `${arn},bob.smith,haiku`,
        joined: Fn.join(',', [arn, profiles.profileFor('bob.smith', 'sonnet').arn]),
      };
    });

    expect(values.line).toBe(`${arnOf('bob.smith/haiku')},bob.smith,haiku`);
    expect(values.joined).toMatch(
      /^\$\{join\(",", \[local\.profiles_Arns_[0-9A-F]{8}\["bob\.smith\/haiku"\], local\.profiles_Arns_[0-9A-F]{8}\["bob\.smith\/sonnet"\]\]\)\}$/,
    );
    expect(values.joined).toBe(
      `\${join(",", [${arnOf('bob.smith/haiku').slice(2, -1)}, ${arnOf('bob.smith/sonnet').slice(2, -1)}])}`,
    );
  });

  test('a profile ARN used in another stack reads the ARN map from remote state, an id the instance', () => {
    const app = Testing.app();
    const origin = new TerraformStack(app, 'origin');
    new AwsProvider(origin, 'aws', { region: 'us-east-1' });
    const profiles = new DeveloperProfiles(origin, 'profiles', props());
    const consumer = new TerraformStack(app, 'consumer');
    new TerraformOutput(consumer, 'arn', { value: profiles.profileFor('bob.smith', 'haiku').arn });
    new TerraformOutput(consumer, 'id', { value: profiles.profileFor('bob.smith', 'haiku').id });
    app.synth();

    const synth = (stack: TerraformStack): SynthesizedConfig => JSON.parse(Testing.synth(stack));
    const origins = synth(origin);
    const arns = arnsLocalName(origins);
    const sharedArns = `cross-stack-output-local${arns}`;
    const logicalId = logicalIdFor(origins, 'bob.smith');
    const sharedGroup = `cross-stack-output-aws_bedrock_inference_profile${logicalId}`;
    // Shared: the ARN map (for the ARN) and the group resource holding the profile (for the id),
    // nothing else.
    expect(Object.keys(origins.output ?? {}).sort()).toEqual([sharedGroup, sharedArns].sort());
    expect(origins.output?.[sharedArns].value).toBe(`\${local.${arns}}`);
    expect(origins.output?.[sharedGroup].value).toBe(
      `\${aws_bedrock_inference_profile.${logicalId}}`,
    );
    const remote = 'data.terraform_remote_state.cross-stack-reference-input-origin.outputs';
    const consumed = synth(consumer);
    expect(consumed.output?.arn.value).toBe(`\${${remote}.${sharedArns}["bob.smith/haiku"]}`);
    expect(consumed.output?.id.value).toBe(`\${${remote}.${sharedGroup}["bob.smith/haiku"].id}`);
  });

  test('arnsForTier leaves out developers without the tier', () => {
    const { values, arn } = outputsOf((profiles) => ({ haiku: profiles.arnsForTier('haiku') }));

    expect(values.haiku).toEqual({
      'bob.smith': arn('bob.smith/haiku'),
      'dave.o-neil': arn('dave.o-neil/haiku'),
      'jane.doe@example.com': arn('jane.doe@example.com/haiku'),
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
    const { values, arn } = outputsOf((profiles) => ({ all: profiles.arnsByDeveloper() }));

    const all = values.all as Record<string, Record<string, string>>;
    expect(Object.keys(all).sort()).toEqual(ROSTER.map((d) => d.id).sort());
    expect(all['jane.doe@example.com']).toEqual({
      sonnet: arn('jane.doe@example.com/sonnet'),
      opus: arn('jane.doe@example.com/opus'),
      haiku: arn('jane.doe@example.com/haiku'),
    });
    expect(all['Carol+ML@example.com']).toEqual({
      sonnet: arn('Carol+ML@example.com/sonnet'),
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
