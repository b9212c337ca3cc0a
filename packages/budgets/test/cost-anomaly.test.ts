import { CeAnomalySubscription } from '@cdktf/provider-aws/lib/ce-anomaly-subscription';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { CostAnomalyDetection, CostAnomalyDetectionProps } from '../src';
import { dependencies, resources, synth } from './helpers';

type Props = Omit<CostAnomalyDetectionProps, 'topic'>;
const base: Props = { project: 'acme' };

function build(scope: Construct, props: Props = base): CostAnomalyDetection {
  return new CostAnomalyDetection(scope, 'Anomaly', { ...props, topic: dependencies(scope).topic });
}

function only(type: string, props: Props = base): Record<string, unknown> {
  const all = Object.values(
    resources(
      synth((scope) => build(scope, props)),
      type,
    ),
  );
  expect(all).toHaveLength(1);
  return all[0];
}

describe('CostAnomalyDetection', () => {
  test('monitors the spend tagged with the project by default', () => {
    const monitor = only('aws_ce_anomaly_monitor');
    expect(monitor).toMatchObject({ name: 'acme-project-spend', monitor_type: 'CUSTOM' });
    // Unused expression keys are explicit nulls, as the provider reads them back (no perpetual diff).
    expect(JSON.parse(monitor.monitor_specification as string)).toEqual({
      And: null,
      CostCategories: null,
      Dimensions: null,
      Not: null,
      Or: null,
      Tags: { Key: 'Project', Values: ['acme'], MatchOptions: ['EQUALS'] },
    });
  });

  test('can watch a different Project tag value', () => {
    const monitor = only('aws_ce_anomaly_monitor', { ...base, projectTagValue: 'acme-claude' });
    expect(JSON.parse(monitor.monitor_specification as string).Tags.Values).toEqual([
      'acme-claude',
    ]);
  });

  test('can use an AWS-managed per-service monitor instead', () => {
    const monitor = only('aws_ce_anomaly_monitor', { ...base, monitor: 'service' });
    expect(monitor).toMatchObject({ monitor_type: 'DIMENSIONAL', monitor_dimension: 'SERVICE' });
    expect(monitor.monitor_specification).toBeUndefined();
  });

  test('alerts the topic immediately for anomalies of at least 100 USD by default', () => {
    const out = Testing.synthScope((scope) => build(scope));
    expect(out).toHaveResourceWithProperties(CeAnomalySubscription, {
      name: 'acme-anomaly-alerts',
      frequency: 'IMMEDIATE',
      monitor_arn_list: [
        expect.stringMatching(/^\$\{aws_ce_anomaly_monitor\.Anomaly_Monitor_[0-9A-F]+\.arn\}$/),
      ],
      subscriber: [{ type: 'SNS', address: '${aws_sns_topic.Topic.arn}' }],
      threshold_expression: {
        dimension: {
          key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
          match_options: ['GREATER_THAN_OR_EQUAL'],
          values: ['100'],
        },
      },
    });
  });

  test('uses the configured USD threshold', () => {
    const subscription = only('aws_ce_anomaly_subscription', { ...base, thresholdUsd: 250.5 });
    expect(subscription.threshold_expression).toEqual({
      dimension: expect.objectContaining({ values: ['250.5'] }),
    });
  });

  test('subscribes after the topic policy when given one', () => {
    const out = Testing.synthScope((scope) => {
      const { topic } = dependencies(scope);
      const topicPolicy = new SnsTopicPolicy(scope, 'TopicPolicy', {
        arn: topic.arn,
        policy: '{}',
      });
      new CostAnomalyDetection(scope, 'Anomaly', { ...base, topic, topicPolicy });
    });
    expect(out).toHaveResourceWithProperties(CeAnomalySubscription, {
      depends_on: ['aws_sns_topic_policy.TopicPolicy'],
    });
  });

  test('rejects a non-positive threshold', () => {
    expect(() => synth((scope) => build(scope, { ...base, thresholdUsd: -20 }))).toThrow(
      /thresholdUsd: must be a positive amount in USD \(got -20\)/,
    );
  });
});
