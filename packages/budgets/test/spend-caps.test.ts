import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import { BUDGET_STATE_TAG, ModelPrice, ResolvedTier } from '@claude-code-bedrock/core';
import { ENFORCER_ENV, parseCapsDocument } from '@claude-code-bedrock/enforcer';
import { synthesized, terraformOutputs } from '@claude-code-bedrock/testing';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { SpendCaps, SpendCapsProps } from '../src';
import { CONTEXT, dependencies, synth } from './helpers';

const TIERS: ResolvedTier[] = [
  {
    name: 'sonnet',
    profileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
  },
  {
    name: 'haiku',
    profileId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
  },
] as ResolvedTier[];
const PRICES: Record<string, ModelPrice> = {
  sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
};
const DEVELOPERS = [
  {
    id: 'jane.doe@example.com',
    team: 'platform',
    costCenter: 'CC-100',
    tiers: ['sonnet', 'haiku'],
  },
  { id: 'bob', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] },
];

function build(scope: Construct, overrides: Partial<SpendCapsProps> = {}): SpendCaps {
  const { topic, logGroup } = dependencies(scope);
  const profiles = new DeveloperProfiles(scope, 'profiles', {
    context: CONTEXT,
    tiers: TIERS,
    developers: DEVELOPERS.map((d) => ({ ...d, monthlyBudgetUsd: 1 })),
  } as ConstructorParameters<typeof DeveloperProfiles>[2]);
  return new SpendCaps(scope, 'caps', {
    context: CONTEXT,
    logGroup,
    topic,
    profiles,
    developers: [
      { id: 'jane.doe@example.com', capUsd: 0.05, team: 'platform', costCenter: 'CC-100' },
      { id: 'bob', capUsd: 20, team: 'payments' },
    ],
    tiers: TIERS,
    prices: PRICES,
    capsBucket: new S3Bucket(scope, 'Bucket', { bucket: 'acme-results' }),
    ...overrides,
  });
}

describe('SpendCaps', () => {
  const out = synthesized(synth((s) => build(s)));

  it('subscribes the enforcer to invocation records only', () => {
    const filter = out.only('aws_cloudwatch_log_subscription_filter');
    expect(filter.filter_pattern).toBe('{ $.schemaType = "ModelInvocationLog" }');
    expect(filter.destination_arn).toMatch(/^\$\{aws_lambda_function\.caps_Function_\w+\.arn\}$/);
    expect(filter.depends_on).toEqual([
      expect.stringMatching(/^aws_lambda_permission\.caps_InvokeFromLogs/),
    ]);
    const fromLogs = out.only('aws_lambda_permission', (p) => p.principal === 'logs.amazonaws.com');
    expect(fromLogs.source_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.LogGroup\w*\.arn\}:\*$/);
  });

  it('runs the bundled function with its settings in the environment', () => {
    const fn = out.only('aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: 'acme-spend-caps',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      reserved_concurrent_executions: 200,
    });
    expect(fn.filename).toMatch(/^assets\/caps_Code_\w+\/[0-9A-F]+\/archive\.zip$/);
    const env = (fn.environment as { variables: Record<string, string> }).variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        ENFORCER_ENV.usageTable,
        ENFORCER_ENV.alertTopicArn,
        ENFORCER_ENV.capsBucket,
        ENFORCER_ENV.capsKey,
        ENFORCER_ENV.metricsNamespace,
      ].sort(),
    );
    expect(env[ENFORCER_ENV.capsKey]).toBe('spend-caps/caps.json');
    // The enforcer's metric lines land in the namespace the dashboard reads.
    expect(env[ENFORCER_ENV.metricsNamespace]).toBe('acme/SpendCaps');
  });

  it('keeps usage in an on-demand table keyed developer x period, with TTL for dedupe items', () => {
    expect(out.only('aws_dynamodb_table')).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'developer',
      range_key: 'period',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: true },
    });
  });

  it('lets the function set and remove only the BudgetState tag', () => {
    const policy = Object.values(out.data('aws_iam_policy_document')).find((d) =>
      JSON.stringify(d).includes('SetBudgetStateTagOnly'),
    ) as { statement: { sid: string; actions: string[]; condition?: unknown[] }[] };
    const tagging = policy.statement.find((s) => s.sid === 'SetBudgetStateTagOnly')!;
    expect(tagging.actions).toEqual(['bedrock:TagResource', 'bedrock:UntagResource']);
    expect(tagging.condition).toEqual([
      { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: [BUDGET_STATE_TAG] },
    ]);
    const all = policy.statement.flatMap((s) => s.actions);
    expect(all).not.toContain('*');
    expect(all.filter((a) => a.endsWith(':*'))).toEqual([]);
  });

  it('resets hourly and alarms on errors, throttles, dropped batches and delivery errors', () => {
    expect(out.only('aws_cloudwatch_event_rule').schedule_expression).toBe('cron(0 * * * ? *)');
    const alarms = Object.values(out.resources('aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => `${a.namespace}/${a.metric_name}`).sort()).toEqual([
      'AWS/Lambda/AsyncEventsDropped',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'AWS/Logs/DeliveryErrors',
    ]);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([
        expect.stringMatching(/^\$\{aws_sns_topic\.Topic_?\w*\.arn\}$/),
      ]);
    }
  });

  it('writes one caps document that terraform turns into what the enforcer accepts', () => {
    const object = out.only('aws_s3_object');
    const profilesLocal = Object.keys(out.json.locals ?? {}).find((k) =>
      k.includes('DeveloperArns'),
    )!;
    const arns = {
      'jane.doe@example.com': {
        sonnet: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jane1',
        haiku: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jane2',
      },
      bob: { haiku: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bob1' },
    };
    const locals = Object.fromEntries(
      Object.entries(out.json.locals ?? {}).filter(([k]) => k.startsWith('caps_')),
    );
    const result = terraformOutputs({
      locals: { ...locals, [profilesLocal]: arns },
      output: { caps: { value: object.content } },
    });
    const caps = parseCapsDocument(String(result.caps), 'test');
    expect(caps.document.developers['jane.doe@example.com']).toEqual({
      capUsd: 0.05,
      team: 'platform',
      costCenter: 'CC-100',
      profiles: arns['jane.doe@example.com'],
    });
    expect(caps.document.developers.bob.profiles).toEqual(arns.bob);
    expect(caps.period).toBe('monthly');
    expect(caps.document.models).toMatchObject({
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 'sonnet',
    });
  });

  it('keeps plan size constant in the roster: no resource per developer', () => {
    const count = (n: number) => {
      const many = synthesized(
        synth((s) =>
          build(s, {
            developers: Array.from({ length: n }, (_, i) => ({ id: `dev${i}`, capUsd: 10 })),
          }),
        ),
      );
      return Object.values(many.json.resource ?? {}).reduce(
        (sum, byName) => sum + Object.keys(byName).length,
        0,
      );
    };
    expect(count(500)).toBe(count(2));
  });

  it('refuses what the enforcer would refuse, every problem at once', () => {
    expect(() =>
      synth((s) =>
        build(s, {
          developers: [{ id: 'x', capUsd: -1 }],
          prices: { ...PRICES, haiku: { ...PRICES.haiku, output: -5 } },
        }),
      ),
    ).toThrow(
      /prices\.haiku\.output: must be >= 0 USD[\s\S]*developers\.x\.capUsd: must be >= 0 USD/,
    );
    expect(() =>
      synth((s) => build(s, { developers: [{ id: 'unattributed', capUsd: 10 }] })),
    ).toThrow(/unattributed/);
  });

  it('rejects bad props with their paths', () => {
    expect(() =>
      synth((s) => build(s, { warnAt: [120], reservedConcurrency: 0, logRetentionDays: 8 })),
    ).toThrow(/warnAt[\s\S]*reservedConcurrency[\s\S]*logRetentionDays/);
  });

  it('accepts a KMS key ARN known only at plan time and lets the function use that key', () => {
    const out = synthesized(
      synth((s) => {
        const key = new KmsKey(s, 'AlertKey');
        build(s, { topicKmsKeyArn: key.arn });
      }),
    );
    const policy = Object.values(out.data('aws_iam_policy_document')).find((d) =>
      JSON.stringify(d).includes('EncryptAlerts'),
    ) as { statement: { sid: string; resources: string[] }[] };
    expect(policy.statement.find((st) => st.sid === 'EncryptAlerts')!.resources).toEqual([
      '${aws_kms_key.AlertKey.arn}',
    ]);
  });

  it('still rejects a literal AWS-managed SNS key', () => {
    expect(() => synth((s) => build(s, { topicKmsKeyArn: 'alias/aws/sns' }))).toThrow(
      /topicKmsKeyArn: alias\/aws\/sns cannot be used/,
    );
  });

  it('refuses profiles from another stack', () => {
    const app = Testing.app();
    const platform = new TerraformStack(app, 'platform');
    const other = new TerraformStack(app, 'other');
    const { topic, logGroup } = dependencies(platform);
    const profiles = new DeveloperProfiles(other, 'profiles', {
      context: CONTEXT,
      tiers: TIERS,
      developers: [{ id: 'bob', team: 'payments', costCenter: 'CC-200', tiers: ['haiku'] }],
    } as ConstructorParameters<typeof DeveloperProfiles>[2]);
    expect(
      () =>
        new SpendCaps(platform, 'caps', {
          context: CONTEXT,
          logGroup,
          topic,
          profiles,
          developers: [{ id: 'bob', capUsd: 1 }],
          tiers: TIERS,
          prices: PRICES,
          capsBucket: new S3Bucket(platform, 'Bucket', { bucket: 'acme-results' }),
        }),
    ).toThrow(/the profiles must be in the same stack as the spend caps/);
  });
});
