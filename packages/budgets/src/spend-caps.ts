import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import {
  DeploymentContextProps,
  ModelPrice,
  ResolvedTier,
  systemModelTiers,
  validateContextProps,
} from '@claude-code-bedrock/core';
import {
  CAPS_DOCUMENT_VERSION,
  CapsDocument,
  ENFORCER_BUNDLE_DIR,
  ENFORCER_ENV,
  ENFORCER_HANDLER,
  ENFORCER_RUNTIME,
  Period,
  USAGE_TABLE_KEYS,
  parseCapsDocument,
} from '@claude-code-bedrock/enforcer';
import { AssetType, TerraformAsset, TerraformLocal, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { partitionIn } from './partition';
import { enforcerRole } from './spend-caps-role';
import { SpendCapsPropsSchema } from './validation';

/** One developer's cap. */
export interface DeveloperCap {
  readonly id: string;
  /** USD per period. */
  readonly capUsd: number;
  /** @default - none */
  readonly team?: string;
  /** @default - none */
  readonly costCenter?: string;
}

/**
 * `context`: names are `{project}-spend-caps...`; the account and region scope the function's
 * permissions (they may be tokens). `context.tags` is not used.
 */
export interface SpendCapsProps extends DeploymentContextProps {
  /** The Bedrock model invocation log group the enforcer subscribes to. */
  readonly logGroup: CloudwatchLogGroup;
  /** The developers' application inference profiles (same stack): blocked by tagging them. */
  readonly profiles: DeveloperProfiles;
  /** Every developer with a cap. A developer without one is counted but never blocked. */
  readonly developers: readonly DeveloperCap[];
  /** The model tiers, for pricing calls that name a system profile or a model directly. */
  readonly tiers: readonly Pick<ResolvedTier, 'name' | 'profileId'>[];
  /** USD per million tokens per tier: the price table of the Athena queries. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** Topic for threshold alerts and the enforcer's alarms. */
  readonly topic: SnsTopic;
  /**
   * The topic's customer-managed KMS key, which the function must be allowed to use.
   * @default - the topic is not encrypted
   */
  readonly topicKmsKeyArn?: string;
  /** Bucket holding the caps document (one object, whatever the roster size). */
  readonly capsBucket: S3Bucket;
  /** @default 'spend-caps/caps.json' */
  readonly capsKey?: string;
  /** @default 'monthly' */
  readonly period?: Period;
  /** Percentages of the cap that alert (100 always blocks and alerts). @default [80, 100] */
  readonly warnAt?: readonly number[];
  /**
   * Concurrent executions reserved for the function: a ceiling on its share of the account's
   * Lambda concurrency, and on parallel writes to one developer's usage row.
   * @default 200
   */
  readonly reservedConcurrency?: number;
  /** Retention of the function's own log group. @default 30 */
  readonly logRetentionDays?: number;
}

/** Key of the caps document in {@link SpendCapsProps.capsBucket} unless given. */
export const DEFAULT_CAPS_KEY = 'spend-caps/caps.json';
/** The reset schedule: hourly, so the reset runs at the boundary and a missed run heals. */
export const RESET_SCHEDULE = 'cron(0 * * * ? *)';
/** Invocation records only (the log group also receives Bedrock's delivery test events). */
export const INVOCATION_RECORD_PATTERN = '{ $.schemaType = "ModelInvocationLog" }';

/**
 * Per-developer spend caps enforced server-side, without a proxy: the enforcer function
 * (`@claude-code-bedrock/enforcer`) is subscribed to the invocation log group, prices every record
 * with the Athena queries' formula, adds it to the developer's row of a DynamoDB usage table, alerts
 * at each `warnAt` percentage and, at the cap, tags the developer's profiles `BudgetState=blocked`,
 * which the developer policy denies invoking. An hourly schedule lifts blocks from earlier periods.
 * The caps travel as one S3 object, so plan cost does not grow with the roster.
 *
 * Fail-open: when the function fails, calls continue; alarms on its errors and throttles and on the
 * subscription's delivery errors notify the topic.
 */
export class SpendCaps extends Construct {
  public readonly table: DynamodbTable;
  public readonly function: LambdaFunction;
  public readonly capsObject: S3Object;
  public readonly subscription: CloudwatchLogSubscriptionFilter;
  public readonly resetRule: CloudwatchEventRule;
  /** The period a cap applies to. */
  public readonly period: Period;
  /**
   * Namespace `{project}/SpendCaps` of the enforcer's metrics (`ENFORCER_METRICS` of
   * `@claude-code-bedrock/enforcer`: exact cost, developers blocked), written as EMF lines.
   */
  public readonly metricsNamespace: string;
  /** The function's own log group: its batch summaries and metric lines. */
  public readonly functionLogGroup: CloudwatchLogGroup;
  /** Function errors, throttles and dropped batches; subscription delivery errors. */
  public readonly alarms: Readonly<
    Record<'errors' | 'throttles' | 'droppedBatches' | 'deliveryErrors', CloudwatchMetricAlarm>
  >;

  constructor(scope: Construct, id: string, props: SpendCapsProps) {
    super(scope, id);
    const { logGroup, profiles, topic, capsBucket, prices, tiers, developers, ...checked } = props;
    const source = `SpendCaps '${this.node.path}'`;
    const valid = validateContextProps(SpendCapsPropsSchema, checked, source);
    const { project, accountId, region } = valid.context;
    if (TerraformStack.of(profiles) !== TerraformStack.of(this)) {
      throw new Error(`${source}: the profiles must be in the same stack as the spend caps`);
    }
    const partition = partitionIn(this, region);
    const name = `${project}-spend-caps`;
    const capsKey = props.capsKey ?? DEFAULT_CAPS_KEY;
    const period = props.period ?? 'monthly';
    this.period = period;
    const warnAt = [...(props.warnAt ?? [80, 100])];

    // The document without the profile ARNs (known only at apply), validated by the enforcer's
    // own parser: what the function would refuse, synthesis refuses.
    const models = Object.fromEntries(systemModelTiers(tiers));
    const caps = Object.fromEntries(
      developers.map((d) => [
        d.id,
        {
          capUsd: d.capUsd,
          ...(d.team !== undefined ? { team: d.team } : {}),
          ...(d.costCenter !== undefined ? { costCenter: d.costCenter } : {}),
        },
      ]),
    );
    // Everything but the developers' profile ARNs, which Terraform joins in (below).
    const shared: Omit<CapsDocument, 'developers'> = {
      version: CAPS_DOCUMENT_VERSION,
      period,
      warnAt,
      prices: { ...prices },
      models,
    };
    const document: CapsDocument = {
      ...shared,
      developers: Object.fromEntries(
        Object.entries(caps).map(([dev, c]) => [dev, { ...c, profiles: {} }]),
      ),
    };
    parseCapsDocument(JSON.stringify(document), source);

    this.table = new DynamodbTable(this, 'Usage', {
      name: `${name}-usage`,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: USAGE_TABLE_KEYS.hashKey,
      rangeKey: USAGE_TABLE_KEYS.rangeKey,
      attribute: [
        { name: USAGE_TABLE_KEYS.hashKey, type: 'S' },
        { name: USAGE_TABLE_KEYS.rangeKey, type: 'S' },
      ],
      ttl: { attributeName: USAGE_TABLE_KEYS.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });

    // Static part and caps as locals; the profile ARNs joined in by Terraform from the profiles'
    // developer -> tier -> ARN local. One object, one expression, at any roster size.
    const staticPart = new TerraformLocal(this, 'CapsDocument', shared);
    const capsLocal = new TerraformLocal(this, 'Caps', caps);
    const arns = `local.${profiles.developerArnMap.friendlyUniqueId}`;
    const developersExpr = `{ for dev, arns in ${arns} : dev => merge(local.${capsLocal.friendlyUniqueId}[dev], { profiles = arns }) if contains(keys(local.${capsLocal.friendlyUniqueId}), dev) }`;
    this.capsObject = new S3Object(this, 'CapsObject', {
      bucket: capsBucket.bucket,
      key: capsKey,
      contentType: 'application/json',
      content: `\${jsonencode(merge(local.${staticPart.friendlyUniqueId}, { developers = ${developersExpr} }))}`,
    });

    const functionLogs = new CloudwatchLogGroup(this, 'FunctionLogs', {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    this.functionLogGroup = functionLogs;
    this.metricsNamespace = `${project}/SpendCaps`;
    const role = enforcerRole(this, {
      name,
      partition,
      region,
      accountId,
      tableArn: this.table.arn,
      topicArn: topic.arn,
      topicKmsKeyArn: props.topicKmsKeyArn,
      capsObjectArn: `${capsBucket.arn}/${capsKey}`,
      functionLogGroupArn: functionLogs.arn,
    });

    const code = new TerraformAsset(this, 'Code', {
      path: ENFORCER_BUNDLE_DIR,
      type: AssetType.ARCHIVE,
    });
    this.function = new LambdaFunction(this, 'Function', {
      functionName: name,
      description: 'Prices Bedrock invocation logs per developer and enforces spend caps',
      role: role.arn,
      handler: ENFORCER_HANDLER,
      runtime: ENFORCER_RUNTIME,
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 60,
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 200,
      environment: {
        variables: {
          [ENFORCER_ENV.usageTable]: this.table.name,
          [ENFORCER_ENV.alertTopicArn]: topic.arn,
          [ENFORCER_ENV.capsBucket]: capsBucket.bucket,
          [ENFORCER_ENV.capsKey]: capsKey,
          [ENFORCER_ENV.metricsNamespace]: this.metricsNamespace,
        },
      },
      dependsOn: [functionLogs, role.policy],
    });

    const fromLogs = new LambdaPermission(this, 'InvokeFromLogs', {
      statementId: 'InvocationLogs',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'logs.amazonaws.com',
      sourceArn: `${logGroup.arn}:*`,
      sourceAccount: accountId,
    });
    this.subscription = new CloudwatchLogSubscriptionFilter(this, 'Subscription', {
      name,
      logGroupName: logGroup.name,
      filterPattern: INVOCATION_RECORD_PATTERN,
      destinationArn: this.function.arn,
      dependsOn: [fromLogs],
    });

    this.resetRule = new CloudwatchEventRule(this, 'Reset', {
      name: `${name}-reset`,
      description: 'Lifts spend-cap blocks of earlier periods',
      scheduleExpression: RESET_SCHEDULE,
    });
    new LambdaPermission(this, 'InvokeFromSchedule', {
      statementId: 'Reset',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.resetRule.arn,
    });
    new CloudwatchEventTarget(this, 'ResetTarget', {
      rule: this.resetRule.name,
      arn: this.function.arn,
      retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
    });

    const alarm = (
      id: string,
      props: {
        namespace: string;
        metricName: string;
        dimensions: Record<string, string>;
        description: string;
      },
    ) =>
      new CloudwatchMetricAlarm(this, id, {
        alarmName: `${name}-${id.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`,
        alarmDescription: props.description,
        namespace: props.namespace,
        metricName: props.metricName,
        dimensions: props.dimensions,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      });
    this.alarms = {
      errors: alarm('Errors', {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: this.function.functionName },
        description:
          'The spend-cap enforcer failed: usage is not being counted and caps are not enforced (fail-open) until it recovers.',
      }),
      throttles: alarm('Throttles', {
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        dimensions: { FunctionName: this.function.functionName },
        description:
          'The spend-cap enforcer was throttled (reserved concurrency reached): counting lags behind the calls.',
      }),
      droppedBatches: alarm('DroppedBatches', {
        namespace: 'AWS/Lambda',
        metricName: 'AsyncEventsDropped',
        dimensions: { FunctionName: this.function.functionName },
        description:
          'A batch of invocation records failed every attempt and was dropped: those calls are not counted towards anyone’s cap.',
      }),
      deliveryErrors: alarm('DeliveryErrors', {
        namespace: 'AWS/Logs',
        metricName: 'DeliveryErrors',
        dimensions: {
          LogGroupName: logGroup.name,
          DestinationType: 'Lambda',
          FilterName: this.subscription.name,
        },
        description:
          'CloudWatch Logs could not deliver invocation records to the spend-cap enforcer: some calls may never be counted.',
      }),
    };
  }
}
