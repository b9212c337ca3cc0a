import { CeAnomalyMonitor } from '@cdktf/provider-aws/lib/ce-anomaly-monitor';
import { CeAnomalySubscription } from '@cdktf/provider-aws/lib/ce-anomaly-subscription';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { validateWith } from '@claude-code-bedrock/core';
import { CostAnomalyDetectionPropsSchema } from './validation';

/** What the anomaly monitor watches. */
export type AnomalyMonitorScope = 'projectTag' | 'service';

export interface CostAnomalyDetectionProps {
  /** Project name: prefix of the monitor and subscription names. */
  readonly project: string;
  /** Topic the anomaly alerts are published to (immediately, one message per anomaly). */
  readonly topic: SnsTopic;
  /**
   * Policy that lets Cost Anomaly Detection publish to `topic`; the subscription is created
   * after it.
   * @default - no explicit ordering
   */
  readonly topicPolicy?: SnsTopicPolicy;
  /**
   * Alert on anomalies whose total cost impact is at least this many USD.
   * @default 100
   */
  readonly thresholdUsd?: number;
  /**
   * `projectTag`: a custom monitor on the spend tagged `Project = projectTagValue` (every
   * platform resource, whichever service bills it). `service`: an AWS-managed monitor per
   * service (AWS allows one such monitor per account, and many accounts already have one).
   * @default 'projectTag'
   */
  readonly monitor?: AnomalyMonitorScope;
  /**
   * Value of the `Project` cost allocation tag watched by the `projectTag` monitor.
   * @default - `project`
   */
  readonly projectTagValue?: string;
}

/**
 * AWS Cost Anomaly Detection for the platform's spend, alerting the topic immediately when an
 * anomaly's total impact reaches the threshold.
 */
export class CostAnomalyDetection extends Construct {
  public readonly monitor: CeAnomalyMonitor;
  public readonly subscription: CeAnomalySubscription;
  public readonly monitorArn: string;

  constructor(scope: Construct, id: string, props: CostAnomalyDetectionProps) {
    super(scope, id);
    const { topic, topicPolicy, ...checked } = props;
    validateWith(
      CostAnomalyDetectionPropsSchema,
      checked,
      `CostAnomalyDetection '${this.node.path}'`,
    );

    const scopeKind = props.monitor ?? 'projectTag';
    const thresholdUsd = props.thresholdUsd ?? 100;

    this.monitor =
      scopeKind === 'service'
        ? new CeAnomalyMonitor(this, 'Monitor', {
            name: `${props.project}-services`,
            monitorType: 'DIMENSIONAL',
            monitorDimension: 'SERVICE',
          })
        : new CeAnomalyMonitor(this, 'Monitor', {
            name: `${props.project}-project-spend`,
            monitorType: 'CUSTOM',
            // The provider reads the specification back with every expression key present
            // (unused ones as null) and compares JSON literally: listing them as null avoids a
            // replacement on every plan.
            monitorSpecification: JSON.stringify({
              And: null,
              CostCategories: null,
              Dimensions: null,
              Not: null,
              Or: null,
              Tags: {
                Key: 'Project',
                Values: [props.projectTagValue ?? props.project],
                MatchOptions: ['EQUALS'],
              },
            }),
          });
    this.monitorArn = this.monitor.arn;

    this.subscription = new CeAnomalySubscription(this, 'Subscription', {
      name: `${props.project}-anomaly-alerts`,
      // SNS subscribers receive individual (IMMEDIATE) alerts; DAILY/WEEKLY digests are e-mail only.
      frequency: 'IMMEDIATE',
      monitorArnList: [this.monitor.arn],
      subscriber: [{ type: 'SNS', address: topic.arn }],
      thresholdExpression: {
        dimension: {
          key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
          matchOptions: ['GREATER_THAN_OR_EQUAL'],
          values: [String(thresholdUsd)],
        },
      },
      dependsOn: topicPolicy ? [topicPolicy] : undefined,
    });
  }
}
