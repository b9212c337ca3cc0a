import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformVariable, Testing } from 'cdktf';
import { BudgetAlertTopic, BudgetAlertTopicProps } from '../src';
import { ACCOUNT, CONTEXT, REGION, resources, synth } from './helpers';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const props: BudgetAlertTopicProps = {
  context: CONTEXT,
  emails: ['finops@example.com', 'platform@example.com'],
};

interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  principals: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

function statements(p: BudgetAlertTopicProps = props): Record<string, Statement> {
  const out = synth((scope) => new BudgetAlertTopic(scope, 'Alerts', p));
  const [doc] = Object.values(out.data?.aws_iam_policy_document ?? {});
  return Object.fromEntries((doc.statement as Statement[]).map((s) => [s.sid, s])) as Record<
    string,
    Statement
  >;
}

describe('BudgetAlertTopic', () => {
  test('names the topic {project}-budget-alerts and leaves it unencrypted by default', () => {
    const out = Testing.synthScope((scope) => new BudgetAlertTopic(scope, 'Alerts', props));
    expect(out).toHaveResourceWithProperties(SnsTopic, { name: 'acme-budget-alerts' });
    const [topic] = Object.values(resources(JSON.parse(out), 'aws_sns_topic'));
    expect(topic.kms_master_key_id).toBeUndefined();
  });

  test('encrypts with a customer-managed key when given one', () => {
    const out = Testing.synthScope(
      (scope) => new BudgetAlertTopic(scope, 'Alerts', { ...props, kmsKeyArn: KEY_ARN }),
    );
    expect(out).toHaveResourceWithProperties(SnsTopic, { kms_master_key_id: KEY_ARN });
  });

  test('lets AWS Budgets publish only for this account and its budgets', () => {
    const s = statements().AllowBudgetsPublish;
    expect(s.effect).toBe('Allow');
    expect(s.actions).toEqual(['SNS:Publish']);
    expect(s.principals).toEqual([{ type: 'Service', identifiers: ['budgets.amazonaws.com'] }]);
    expect(s.condition).toEqual(
      expect.arrayContaining([
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:aws:budgets::${ACCOUNT}:*`] },
      ]),
    );
  });

  test("lets CloudWatch publish only for this account's alarms in the region", () => {
    const s = statements().AllowCloudWatchAlarmsPublish;
    expect(s.principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
    expect(s.condition).toEqual(
      expect.arrayContaining([
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:*`],
        },
      ]),
    );
  });

  test('lets Cost Anomaly Detection publish only on behalf of this account', () => {
    const s = statements().AllowCostAnomalyDetectionPublish;
    expect(s.principals).toEqual([{ type: 'Service', identifiers: ['costalerts.amazonaws.com'] }]);
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
    ]);
  });

  test('grants publishing to no principal other than the three alert services', () => {
    const allowed = Object.values(statements())
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => s.principals.flatMap((p) => p.identifiers));
    expect(allowed.sort()).toEqual([
      'budgets.amazonaws.com',
      'cloudwatch.amazonaws.com',
      'costalerts.amazonaws.com',
    ]);
  });

  test('denies publishing and subscribing without TLS', () => {
    const s = statements().DenyInsecureTransport;
    expect(s.effect).toBe('Deny');
    expect(s.actions.sort()).toEqual(['SNS:Publish', 'SNS:Subscribe']);
    expect(s.principals).toEqual([{ type: 'AWS', identifiers: ['*'] }]);
    expect(s.condition).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] },
    ]);
  });

  test('denies plain-HTTP subscriptions', () => {
    const s = statements().DenyPlainHttpSubscriptions;
    expect(s.effect).toBe('Deny');
    expect(s.condition).toEqual([
      { test: 'StringEquals', variable: 'SNS:Protocol', values: ['http'] },
    ]);
  });

  test('uses the partition of the region in source ARNs', () => {
    const s = statements({
      ...props,
      context: { ...CONTEXT, region: 'us-gov-west-1' },
    }).AllowBudgetsPublish;
    expect(s.condition).toContainEqual({
      test: 'ArnLike',
      variable: 'aws:SourceArn',
      values: [`arn:aws-us-gov:budgets::${ACCOUNT}:*`],
    });
  });

  test('subscribes each distinct e-mail address once, keyed by address', () => {
    const out = Testing.synthScope(
      (scope) =>
        new BudgetAlertTopic(scope, 'Alerts', {
          ...props,
          emails: ['finops@example.com', 'platform@example.com', 'finops@example.com'],
        }),
    );
    const subs = resources(JSON.parse(out), 'aws_sns_topic_subscription');
    expect(Object.values(subs).map((s) => s.endpoint)).toEqual([
      'finops@example.com',
      'platform@example.com',
    ]);
    expect(Object.keys(subs).every((id) => id.includes('Email-'))).toBe(true);
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'finops@example.com',
    });
  });

  test('keeps a subscription id when other addresses are added before it', () => {
    const ids = (emails: string[]) =>
      Object.entries(
        resources(
          synth((scope) => new BudgetAlertTopic(scope, 'Alerts', { ...props, emails })),
          'aws_sns_topic_subscription',
        ),
      ).map(([id, s]) => [s.endpoint, id]);
    const before = Object.fromEntries(ids(['platform@example.com']));
    const after = Object.fromEntries(ids(['new@example.com', 'platform@example.com']));
    expect(after['platform@example.com']).toBe(before['platform@example.com']);
  });

  test('accepts an account id and region that are tokens', () => {
    const out = synth((scope) => {
      const account = new TerraformVariable(scope, 'account', { type: 'string' });
      const region = new TerraformVariable(scope, 'region', { type: 'string' });
      new BudgetAlertTopic(scope, 'Alerts', {
        ...props,
        context: { ...CONTEXT, accountId: account.stringValue, region: region.stringValue },
      });
    });
    expect(Object.keys(out.data?.aws_partition ?? {})).toHaveLength(1);
    expect(JSON.stringify(out.data?.aws_iam_policy_document)).toContain(
      'arn:${data.aws_partition.Alerts_Partition_',
    );
  });

  test.each(['alias/aws/sns', 'arn:aws:kms:us-east-1:123456789012:alias/aws/sns'])(
    'rejects the AWS-managed SNS key %s, explaining why',
    (kmsKeyArn) => {
      expect(() =>
        synth((scope) => new BudgetAlertTopic(scope, 'Alerts', { ...props, kmsKeyArn })),
      ).toThrow(
        new RegExp(
          `kmsKeyArn: alias/aws/sns cannot be used: AWS Budgets.*\\(got "${kmsKeyArn}"\\)`,
        ),
      );
    },
  );

  test('rejects a key alias other than a key ARN', () => {
    expect(() =>
      synth(
        (scope) => new BudgetAlertTopic(scope, 'Alerts', { ...props, kmsKeyArn: 'alias/mine' }),
      ),
    ).toThrow(/kmsKeyArn: must be a customer-managed KMS key ARN.*"alias\/mine"/);
  });

  test('rejects a malformed account id and e-mail address, listing both', () => {
    expect(() =>
      synth(
        (scope) =>
          new BudgetAlertTopic(scope, 'Alerts', {
            ...props,
            context: { ...CONTEXT, accountId: '12345' },
            emails: ['not-an-email'],
          }),
      ),
    ).toThrow(/2 problems[\s\S]*accountId: .*"12345"[\s\S]*emails\[0\]: .*"not-an-email"/);
  });
});

describe('BudgetAlertTopic deprecated top-level project, accountId and region', () => {
  const { context, ...rest } = props;
  const synthOf = (p: BudgetAlertTopicProps) => () =>
    Testing.synthScope((scope) => new BudgetAlertTopic(scope, 'Alerts', p));

  test('build what context builds, and cannot be combined with it', () => {
    const flat = { ...rest, ...CONTEXT };
    expect(synthOf(flat)()).toEqual(synthOf(props)());
    expect(synthOf({ ...flat, context })).toThrow(
      /accountId: cannot be combined with context: pass it as context\.accountId/,
    );
  });
});
