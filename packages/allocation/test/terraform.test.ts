import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { Fn, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import {
  planningProvider,
  terraformOutputs,
  terraformPlan,
  terraformValidate,
} from '@claude-code-bedrock/testing';
import { DeveloperProfileSpec, DeveloperProfiles } from '../src';
import {
  SynthesizedConfig,
  SynthesizedResource,
  arnsLocalName,
  arnsLocalSources,
  forEachMap,
  groupOf,
  logicalIdFor,
  plan,
  props,
  resolveResource,
} from './helpers';

/** The planned arguments of one profile (`terraform show -json`) that the construct sets. */
interface PlannedAfter {
  readonly name: string;
  readonly description: string;
  readonly model_source: { copy_from: string }[];
  readonly tags: Record<string, string>;
}

const ADVERSARIAL: DeveloperProfileSpec[] = [
  {
    id: 'jane.doe@example.com',
    team: 'platform',
    costCenter: 'CC-100',
    tiers: ['sonnet', 'opus'],
  },
  { id: 'José.Müller@例え.jp', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet'] },
  { id: '山田太郎', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] },
  { id: 'constructor', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] },
  {
    id: 'arn:aws:iam::123456789012:user/x=y+z',
    team: 'payments',
    costCenter: 'CC-200',
    tiers: ['opus'],
  },
  { id: 'y'.repeat(128), team: 'payments', costCenter: 'CC-200', tiers: ['sonnet'] },
];

// terraform init installs the provider from the machine's filesystem mirror.
describe('DeveloperProfiles in a stack', () => {
  test('produces valid Terraform with adversarial ids and a caller-identity account', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'allocation');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const caller = new DataAwsCallerIdentity(stack, 'caller');
    new DeveloperProfiles(stack, 'profiles', {
      ...props({ accountId: caller.accountId, tags: { Environment: 'dev' } }),
      developers: ADVERSARIAL,
    });

    expect(terraformValidate(stack)).toMatchObject({ valid: true });
  }, 60_000);

  test("terraform plans one instance per for_each entry with that entry's values", () => {
    const stack = new TerraformStack(Testing.app(), 'allocation');
    planningProvider(stack);
    new DeveloperProfiles(stack, 'profiles', {
      ...props({ tags: { Environment: 'dev' } }),
      developers: ADVERSARIAL,
    });
    const planned = terraformPlan<PlannedAfter>(stack);

    const json: SynthesizedConfig = JSON.parse(Testing.synth(stack));
    const synthesized: SynthesizedResource = resolveResource(json);
    const expected = Object.fromEntries(
      Object.entries(plan(synthesized)).map(([key, p]): [string, PlannedAfter] => [
        `aws_bedrock_inference_profile.${logicalIdFor(json, p.tags.User)}[${JSON.stringify(key)}]`,
        {
          name: p.name,
          description: p.description,
          model_source: [{ copy_from: p.copy_from }],
          tags: p.tags,
        },
      ]),
    );
    const actual = Object.fromEntries(
      planned.resource_changes.map(({ address, change: { after } }): [string, PlannedAfter] => [
        address,
        {
          name: after.name,
          description: after.description,
          model_source: after.model_source,
          tags: after.tags,
        },
      ]),
    );
    expect(Object.keys(actual)).toHaveLength(7);
    expect(actual).toEqual(expected);
    // One resource per group of the roster, each planned with its own instances.
    const plannedResources = new Set(Object.keys(actual).map((a) => a.slice(0, a.indexOf('['))));
    expect(plannedResources.size).toBe(new Set(ADVERSARIAL.map((d) => groupOf(d.id))).size);
    expect(plannedResources.size).toBeGreaterThan(1);
    const constructor = `aws_bedrock_inference_profile.${logicalIdFor(json, 'constructor')}["constructor/haiku"]`;
    expect(actual[constructor].tags).toEqual({
      User: 'constructor',
      Team: 'payments',
      Project: 'acme-claude',
      CostCenter: 'CC-200',
      Tier: 'haiku',
      Environment: 'dev',
    });
  }, 60_000);
});

describe('the ARN map evaluated by terraform', () => {
  test('maps every profile key to the ARN of its own instance, through outputs too', () => {
    // Three constructs: several groups (merge()), a single group, and an empty roster.
    const stack = new TerraformStack(Testing.app(), 'arns');
    const many = new DeveloperProfiles(stack, 'profiles', { ...props(), developers: ADVERSARIAL });
    const one = new DeveloperProfiles(stack, 'solo', {
      ...props(),
      developers: [ADVERSARIAL[0]],
    });
    const none = new DeveloperProfiles(stack, 'none', { ...props(), developers: [] });
    const jane = many.profileFor('jane.doe@example.com', 'opus').arn;
    const arn = many.profileFor('arn:aws:iam::123456789012:user/x=y+z', 'opus').arn;
    new TerraformOutput(stack, 'jane', { value: jane });
    new TerraformOutput(stack, 'line', { value: `${jane},jane.doe@example.com,opus` });
    new TerraformOutput(stack, 'joined', { value: Fn.join(',', [jane, arn]) });
    new TerraformOutput(stack, 'all', { value: many.arnsByDeveloper() });
    new TerraformOutput(stack, 'solo_all', { value: one.arnsByDeveloper() });
    new TerraformOutput(stack, 'map', { value: many.arnMap.asAnyMap });
    new TerraformOutput(stack, 'none_map', { value: none.arnMap.asAnyMap });
    new TerraformOutput(stack, 'by_developer', { value: many.developerArnMap.asAnyMap });
    new TerraformOutput(stack, 'solo_by_developer', { value: one.developerArnMap.asAnyMap });
    new TerraformOutput(stack, 'none_by_developer', { value: none.developerArnMap.asAnyMap });
    const json: SynthesizedConfig = JSON.parse(Testing.synth(stack));

    // Each group resource replaced by a local of stand-in instances, one per key of its for_each
    // map, whose ARN ends with the key; the ARN map local as synthesized reads those locals.
    const standIn = (key: string) =>
      `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/${key}`;
    const locals: Record<string, unknown> = { ...json.locals };
    const keys: string[] = [];
    for (const [logicalId, resource] of Object.entries(
      json.resource!.aws_bedrock_inference_profile!,
    )) {
      const instances = forEachMap(resource.for_each, json.locals) as Record<
        string,
        { user: string; tier: string }
      >;
      if (logicalId.startsWith('profiles_')) keys.push(...Object.keys(instances));
      locals[`fake_${logicalId}`] = Object.fromEntries(
        Object.entries(instances).map(([key, e]) => [
          key,
          { arn: standIn(key), tags: { User: e.user, Tier: e.tier } },
        ]),
      );
    }
    // The three forms: merge() of several resources, one resource alone, and `{}`.
    expect(arnsLocalSources(json, 'profiles').length).toBeGreaterThan(1);
    expect(arnsLocalSources(json, 'solo')).toHaveLength(1);
    expect(arnsLocalSources(json, 'none')).toEqual([]);
    const constructs: Record<string, DeveloperProfiles> = { profiles: many, solo: one, none };
    for (const constructId of ['profiles', 'solo', 'none']) {
      const name = arnsLocalName(json, constructId);
      const addresses = arnsLocalSources(json, constructId);
      let value = JSON.stringify(json.locals![name]);
      for (const address of addresses) {
        value = value.replaceAll(address, `local.fake_${address.split('.')[1]}`);
      }
      expect(value).not.toContain('aws_bedrock_inference_profile');
      locals[name] = JSON.parse(value);
      // The developer map lists the same resources in the same form.
      const developerName = constructs[constructId].developerArnMap.friendlyUniqueId;
      let developerValue = JSON.stringify(json.locals![developerName]);
      for (const address of addresses) {
        developerValue = developerValue.replaceAll(address, `local.fake_${address.split('.')[1]}`);
      }
      expect(developerValue).not.toContain('aws_bedrock_inference_profile');
      locals[developerName] = JSON.parse(developerValue);
    }
    const out = terraformOutputs({ locals, output: json.output });

    const byDeveloper = (developers: readonly DeveloperProfileSpec[]) =>
      Object.fromEntries(
        developers.map((d) => [
          d.id,
          Object.fromEntries(d.tiers.map((tier) => [tier, standIn(`${d.id}/${tier}`)])),
        ]),
      );
    const janeArn = standIn('jane.doe@example.com/opus');
    expect(out.jane).toBe(janeArn);
    expect(out.line).toBe(`${janeArn},jane.doe@example.com,opus`);
    expect(out.joined).toBe(`${janeArn},${standIn('arn:aws:iam::123456789012:user/x=y+z/opus')}`);
    expect(keys).toHaveLength(7);
    expect(out.map).toEqual(Object.fromEntries(keys.map((key) => [key, standIn(key)])));
    expect(out.all).toEqual(byDeveloper(ADVERSARIAL));
    expect(out.solo_all).toEqual(byDeveloper([ADVERSARIAL[0]]));
    expect(out.none_map).toEqual({});
    expect(out.by_developer).toEqual(byDeveloper(ADVERSARIAL));
    expect(out.solo_by_developer).toEqual(byDeveloper([ADVERSARIAL[0]]));
    expect(out.none_by_developer).toEqual({});
  }, 60_000);
});
