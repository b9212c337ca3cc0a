import { terraformOutputs } from '@claude-code-bedrock/testing';
import { developerSettings } from '../src';
import { config, profileEntries, synth } from './helpers';

/*
 * The per-developer outputs are Terraform `for` expressions. This test evaluates them with the
 * real Terraform (no provider needed: the profile ARNs are replaced by literal strings) and
 * compares the result with the TypeScript settings generator used by the onboarding command.
 */
type Entry = { user: string; tier: string };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/acme-claude-developer';

describe.each(['dev', 'prod'])('%s outputs evaluated by terraform', (env) => {
  const c = config(env);
  const s = synth(c);
  // Stand-in for the applied profiles: developer -> tier -> ARN for every entitled tier.
  const entries = Object.values(profileEntries(s.tf as Parameters<typeof profileEntries>[0]));
  expect(entries.length).toBeGreaterThan(5);
  const arns: Record<string, Record<string, string>> = {};
  for (const e of entries) {
    arns[e.user] = {
      ...arns[e.user],
      [e.tier]: `arn:aws:bedrock:${c.region}:123456789012:application-inference-profile/${e.user.length}${e.tier}`,
    };
  }
  // The profiles' developer -> tier -> ARN local as synthesized, with each instance-group resource
  // replaced by a local holding its instances (tags and a stand-in ARN), so Terraform evaluates
  // the real expression that gathers the ARNs from every group resource.
  const arnsLocal = s.stack.profiles!.developerArnMap.friendlyUniqueId;
  const profileArns = (s.tf as unknown as { locals: Record<string, string> }).locals[arnsLocal];
  const groups = Object.entries(s.tf.resource.aws_bedrock_inference_profile);
  expect(groups.length).toBeGreaterThan(1);
  const fakes: Record<string, Record<string, unknown>> = {};
  let gathered = profileArns;
  for (const [id, r] of groups) {
    const local = /^\$\{local\.([\w-]+)\}$/.exec(String(r.for_each))![1];
    const group = (s.tf as unknown as { locals: Record<string, Record<string, Entry>> }).locals[
      local
    ];
    fakes[`fake_${id}`] = Object.fromEntries(
      Object.entries(group).map(([key, e]) => [
        key,
        { tags: { User: e.user, Tier: e.tier }, arn: arns[e.user][e.tier] },
      ]),
    );
    gathered = gathered.replace(
      new RegExp(`aws_bedrock_inference_profile\\.${id}(?=[,)])`),
      `local.fake_${id}`,
    );
  }
  expect(gathered).not.toContain('aws_bedrock_inference_profile');
  // The developer role's ARN (in awsCredentialExport) becomes a literal too.
  const outputs = Object.fromEntries(
    ['inference_profile_arns', 'developer_env_config', 'claude_settings', 'inference_profiles'].map(
      (name) => [
        name,
        {
          value: String(s.tf.output[name].value).replace(
            /aws_iam_role\.[\w-]+\.arn/g,
            'local.fake_role_arn',
          ),
        },
      ],
    ),
  );
  const result = terraformOutputs({
    locals: { [arnsLocal]: arns, ...fakes, gathered, fake_role_arn: ROLE_ARN },
    output: { ...outputs, gathered: { value: '${local.gathered}' } },
  });

  it('claude_settings equals the onboarding generator for every developer', () => {
    const expected = Object.fromEntries(
      Object.entries(arns).map(([dev, a]) => [dev, developerSettings(c, { id: dev }, a, ROLE_ARN)]),
    );
    expect(result.claude_settings).toEqual(expected);
  });

  it('developer_env_config is each developer settings env block', () => {
    const value = result.developer_env_config as Record<string, Record<string, string>>;
    for (const [dev, a] of Object.entries(arns)) {
      expect(value[dev]).toEqual(developerSettings(c, { id: dev }, a, ROLE_ARN).env);
      expect(value[dev].ANTHROPIC_MODEL).toBe(a[c.defaultModel!] ?? Object.values(a)[0]);
      expect(Object.keys(value[dev])).not.toContain('AWS_BEARER_TOKEN_BEDROCK');
    }
  });

  it('the developer ARN map gathers developer -> tier -> ARN from every instance-group resource', () => {
    expect(result.gathered).toEqual(arns);
  });

  it('inference_profile_arns maps every developer to their default-tier ARN', () => {
    const value = result.inference_profile_arns as Record<string, string>;
    expect(Object.keys(value).sort()).toEqual(c.developers.map((d) => d.id).sort());
    for (const [dev, a] of Object.entries(arns)) expect(value[dev]).toBe(a[c.defaultModel!]);
    expect(result.inference_profiles).toEqual(arns);
  });
});
