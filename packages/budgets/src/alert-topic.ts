import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { partitionIn } from './partition';
import {
  DeploymentContextProps,
  stableConstructId,
  validateContextProps,
} from '@claude-code-bedrock/core';
import { BudgetAlertTopicPropsSchema } from './validation';

/**
 * `context`: the topic is `{project}-budget-alerts`; the account owns the budgets, alarms and
 * anomaly subscriptions; the region is the topic's and that of the CloudWatch alarms that publish
 * to it (account and region may be tokens). `context.tags` is not used.
 */
export interface BudgetAlertTopicProps extends DeploymentContextProps {
  /** E-mail addresses subscribed to the topic (each must confirm the subscription). */
  readonly emails: readonly string[];
  /**
   * Customer-managed KMS key ARN to encrypt the topic with. Its key policy must allow
   * `budgets.amazonaws.com`, `cloudwatch.amazonaws.com` and `costalerts.amazonaws.com` to use
   * `kms:GenerateDataKey*` and `kms:Decrypt`. `alias/aws/sns` is rejected: AWS Budgets cannot
   * publish to a topic encrypted with the AWS-managed key.
   * @default - not encrypted
   */
  readonly kmsKeyArn?: string;
}

/** Service principals allowed to publish alerts to the topic. */
export const ALERT_PUBLISHERS = [
  'budgets.amazonaws.com',
  'cloudwatch.amazonaws.com',
  'costalerts.amazonaws.com',
] as const;

/**
 * The SNS topic every alert of the platform goes to: AWS Budgets notifications, CloudWatch usage
 * alarms and Cost Anomaly Detection. Its policy lets only those three services publish, each only
 * on behalf of this account (`aws:SourceAccount`, plus `aws:SourceArn` where the service sends
 * it), and refuses requests that do not use TLS.
 */
export class BudgetAlertTopic extends Construct {
  public readonly topic: SnsTopic;
  public readonly topicArn: string;
  public readonly topicName: string;
  public readonly policy: SnsTopicPolicy;
  public readonly subscriptions: SnsTopicSubscription[];

  constructor(scope: Construct, id: string, props: BudgetAlertTopicProps) {
    super(scope, id);
    const source = `BudgetAlertTopic '${this.node.path}'`;
    const { context } = validateContextProps(BudgetAlertTopicPropsSchema, props, source);
    const { project, accountId, region } = context;
    const partition = partitionIn(this, region);

    this.topic = new SnsTopic(this, 'Resource', {
      name: `${project}-budget-alerts`,
      displayName: `${project} budget and usage alerts`,
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.topicArn = this.topic.arn;
    this.topicName = this.topic.name;

    const sourceAccount = {
      test: 'StringEquals',
      variable: 'aws:SourceAccount',
      values: [accountId],
    };
    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'AllowBudgetsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['budgets.amazonaws.com'] }],
          actions: ['SNS:Publish'],
          resources: [this.topic.arn],
          condition: [
            sourceAccount,
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition}:budgets::${accountId}:*`],
            },
          ],
        },
        {
          sid: 'AllowCloudWatchAlarmsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['SNS:Publish'],
          resources: [this.topic.arn],
          condition: [
            sourceAccount,
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*`],
            },
          ],
        },
        {
          // Cost Anomaly Detection documents aws:SourceAccount only.
          sid: 'AllowCostAnomalyDetectionPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['costalerts.amazonaws.com'] }],
          actions: ['SNS:Publish'],
          resources: [this.topic.arn],
          condition: [sourceAccount],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['SNS:Publish', 'SNS:Subscribe'],
          resources: [this.topic.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyPlainHttpSubscriptions',
          effect: 'Deny',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['SNS:Subscribe'],
          resources: [this.topic.arn],
          condition: [{ test: 'StringEquals', variable: 'SNS:Protocol', values: ['http'] }],
        },
      ],
    });

    this.policy = new SnsTopicPolicy(this, 'Policy', {
      arn: this.topic.arn,
      policy: document.json,
    });

    this.subscriptions = [...new Set(props.emails)].map(
      (email) =>
        new SnsTopicSubscription(this, `Email-${stableConstructId(email)}`, {
          topicArn: this.topic.arn,
          protocol: 'email',
          endpoint: email,
        }),
    );
  }
}
