import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmConfig,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { BEDROCK_METRICS, bedrockSumQuery } from './bedrock-metrics';
import { partitionIn } from './partition';
import {
  DeploymentContextProps,
  TOKEN_KINDS,
  TOKEN_PATHS,
  TokenKind,
  validateContextProps,
} from '@claude-code-bedrock/core';
import { UsageAlarmsPropsSchema } from './validation';

export interface BusinessHours {
  /** First business hour, UTC (0-23). */
  readonly start: number;
  /** Hour at which business hours end, UTC (1-24, exclusive). */
  readonly end: number;
}

/**
 * `context`: the project prefixes the metric filter and alarm names and the metric namespace; the
 * account's application inference profiles are the approved model ids; the region is that of the
 * profiles and of the alarms (account and region may be tokens). `context.tags` is not used.
 */
export interface UsageAlarmsProps extends DeploymentContextProps {
  /** The Bedrock model invocation log group (CloudWatch Logs delivery). */
  readonly logGroup: CloudwatchLogGroup;
  /** Topic the alarms notify. */
  readonly topic: SnsTopic;
  /**
   * Alarm when more calls than this are logged in 5 minutes.
   * @default 500
   */
  readonly invocationsPer5Min?: number;
  /**
   * Alarm when more output tokens than this are generated in one hour.
   * @default 2000000
   */
  readonly outputTokensPerHour?: number;
  /**
   * Alarm when more failed calls (and, separately, more throttled calls) than this happen in
   * 5 minutes.
   * @default 10
   */
  readonly errorsPer5Min?: number;
  /**
   * Business hours, UTC. Calls outside them count towards the off-hours alarm.
   * @default { start: 6, end: 20 }
   */
  readonly businessHoursUtc?: BusinessHours;
  /**
   * Whether all of Saturday and Sunday (UTC) are outside business hours.
   * @default true
   */
  readonly weekendsAreOffHours?: boolean;
  /**
   * Alarm when more calls than this are made in one off-hours hour.
   * @default 50
   */
  readonly offHoursInvocationsPerHour?: number;
}

/** Keys of {@link UsageAlarms.metricFilters}. */
export type UsageMetricKey =
  | 'invocations'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadInputTokens'
  | 'cacheWriteInputTokens'
  | 'errors'
  | 'unapprovedModel';

/** The filter counting each kind of token (core's `TOKEN_KINDS`): every kind has one. */
export const TOKEN_METRICS = {
  input: 'inputTokens',
  output: 'outputTokens',
  cacheRead: 'cacheReadInputTokens',
  cacheWrite: 'cacheWriteInputTokens',
} as const satisfies Readonly<Record<TokenKind, UsageMetricKey>>;

/** Keys of {@link UsageAlarms.alarms}. */
export type UsageAlarmKey =
  | 'invocationRate'
  | 'outputTokenSpike'
  | 'errors'
  | 'throttles'
  | 'unapprovedModel'
  | 'offHours';

interface MetricDefinition {
  readonly id: string;
  readonly metricName: string;
  readonly pattern: string;
  readonly value: string;
}

/**
 * Metric filters on the invocation log group and the "unusual pattern" alarms built on them.
 * Token counts are read from their nested JSON paths (`$.input.inputTokenCount`,
 * `$.output.outputTokenCount`, ...), where Bedrock writes them.
 */
export class UsageAlarms extends Construct {
  /** Metric namespace of the filters: `{project}/Bedrock`. */
  public readonly namespace: string;
  /** The metric each filter publishes in {@link namespace} (`Invocations`, `InputTokens`, ...). */
  public readonly metricNames: Readonly<Record<UsageMetricKey, string>>;
  public readonly metricFilters: Readonly<Record<UsageMetricKey, CloudwatchLogMetricFilter>>;
  public readonly alarms: Readonly<Record<UsageAlarmKey, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: UsageAlarmsProps) {
    super(scope, id);
    const { logGroup, topic, ...checked } = props;
    const source = `UsageAlarms '${this.node.path}'`;
    const { context } = validateContextProps(UsageAlarmsPropsSchema, checked, source);
    const { project, accountId, region } = context;
    const partition = partitionIn(this, region);
    const approvedProfiles = `arn:${partition}:bedrock:${region}:${accountId}:application-inference-profile/*`;
    this.namespace = `${project}/Bedrock`;

    const definitions: Record<UsageMetricKey, MetricDefinition> = {
      invocations: {
        id: 'Invocations',
        metricName: 'Invocations',
        pattern: '{ $.schemaType = "ModelInvocationLog" }',
        value: '1',
      },
      ...tokenDefinitions(),
      errors: {
        id: 'Errors',
        metricName: 'InvocationErrors',
        pattern: '{ $.errorCode = "*" }',
        value: '1',
      },
      unapprovedModel: {
        id: 'UnapprovedModel',
        metricName: 'UnapprovedModelInvocations',
        pattern: `{ $.modelId != "${approvedProfiles}" }`,
        value: '1',
      },
    };

    this.metricNames = Object.fromEntries(
      Object.entries(definitions).map(([key, def]) => [key, def.metricName]),
    ) as Record<UsageMetricKey, string>;
    const filters = {} as Record<UsageMetricKey, CloudwatchLogMetricFilter>;
    for (const [key, def] of Object.entries(definitions) as [UsageMetricKey, MetricDefinition][]) {
      filters[key] = new CloudwatchLogMetricFilter(this, `Filter-${def.id}`, {
        name: `${project}-bedrock-${kebab(def.metricName)}`,
        logGroupName: logGroup.name,
        pattern: def.pattern,
        metricTransformation: {
          name: def.metricName,
          namespace: this.namespace,
          value: def.value,
          unit: 'Count',
        },
      });
    }
    this.metricFilters = filters;

    const invocationsPer5Min = props.invocationsPer5Min ?? 500;
    const outputTokensPerHour = props.outputTokensPerHour ?? 2_000_000;
    const errorsPer5Min = props.errorsPer5Min ?? 10;
    const hours = props.businessHoursUtc ?? { start: 6, end: 20 };
    const weekends = props.weekendsAreOffHours ?? true;
    const offHoursPerHour = props.offHoursInvocationsPerHour ?? 50;

    const common = {
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      alarmActions: [topic.arn],
    } satisfies Partial<CloudwatchMetricAlarmConfig>;
    // The filters must exist before an alarm on their metric is useful.
    const onFilter = (key: UsageMetricKey, period: number) => ({
      namespace: this.namespace,
      metricName: definitions[key].metricName,
      statistic: 'Sum',
      period,
      dependsOn: [filters[key]],
    });
    const alarm = (id: string, config: Omit<CloudwatchMetricAlarmConfig, keyof typeof common>) =>
      new CloudwatchMetricAlarm(this, id, { ...common, ...config });

    const offHoursCondition = [
      ...(hours.start > 0 ? [`HOUR(m1) < ${hours.start}`] : []),
      ...(hours.end < 24 ? [`HOUR(m1) >= ${hours.end}`] : []),
      ...(weekends ? ['DAY(m1) >= 6'] : []),
    ];

    this.alarms = {
      invocationRate: alarm('InvocationRate', {
        alarmName: `${project}-bedrock-invocation-rate`,
        alarmDescription: `More than ${invocationsPer5Min} Bedrock calls in 5 minutes (tune: invocationsPer5Min).`,
        threshold: invocationsPer5Min,
        ...onFilter('invocations', 300),
      }),
      outputTokenSpike: alarm('OutputTokenSpike', {
        alarmName: `${project}-bedrock-output-token-spike`,
        alarmDescription: `More than ${outputTokensPerHour} output tokens in one hour (tune: outputTokensPerHour).`,
        threshold: outputTokensPerHour,
        ...onFilter('outputTokens', 3600),
      }),
      errors: alarm('Errors', {
        alarmName: `${project}-bedrock-invocation-errors`,
        alarmDescription: `More than ${errorsPer5Min} failed Bedrock calls (errorCode in the invocation log) in 5 minutes (tune: errorsPer5Min).`,
        threshold: errorsPer5Min,
        ...onFilter('errors', 300),
      }),
      throttles: alarm('Throttles', {
        alarmName: `${project}-bedrock-throttles`,
        alarmDescription: `More than ${errorsPer5Min} throttled Bedrock calls (AWS/Bedrock InvocationThrottles, all models) in 5 minutes (tune: errorsPer5Min).`,
        threshold: errorsPer5Min,
        metricQuery: [
          {
            id: 'throttles',
            expression: bedrockSumQuery(BEDROCK_METRICS.invocationThrottles),
            period: 300,
            label: 'Bedrock invocation throttles (all models)',
            returnData: true,
          },
        ],
      }),
      unapprovedModel: alarm('UnapprovedModel', {
        alarmName: `${project}-bedrock-unapproved-model`,
        alarmDescription:
          "A Bedrock call used a model id that is not one of this account's application inference profiles (shared or unattributed access).",
        threshold: 0,
        ...onFilter('unapprovedModel', 300),
      }),
      offHours: alarm('OffHours', {
        alarmName: `${project}-bedrock-off-hours-use`,
        alarmDescription: `More than ${offHoursPerHour} Bedrock calls in one hour outside business hours ${hours.start}:00-${hours.end}:00 UTC${weekends ? ' and at weekends' : ''} (tune: businessHoursUtc, offHoursInvocationsPerHour).`,
        threshold: offHoursPerHour,
        dependsOn: [filters.invocations],
        metricQuery: [
          {
            id: 'm1',
            returnData: false,
            metric: {
              namespace: this.namespace,
              metricName: definitions.invocations.metricName,
              stat: 'Sum',
              period: 3600,
            },
          },
          {
            id: 'offhours',
            expression: `IF(${offHoursCondition.join(' || ')}, m1, 0)`,
            label: 'Off-hours Bedrock calls per hour',
            returnData: true,
          },
        ],
      }),
    };
  }
}

/**
 * One filter per token kind (core's `TOKEN_KINDS`, in its order), named after its key in
 * {@link TOKEN_METRICS} (`inputTokens` → `InputTokens`), summing the count at the kind's nested path.
 */
function tokenDefinitions(): Record<(typeof TOKEN_METRICS)[TokenKind], MetricDefinition> {
  return Object.fromEntries(
    TOKEN_KINDS.map((k) => {
      const key = TOKEN_METRICS[k.kind];
      const name = key[0].toUpperCase() + key.slice(1);
      const path = `$.${TOKEN_PATHS[k.kind]}`;
      return [key, { id: name, metricName: name, pattern: `{ ${path} >= 0 }`, value: path }];
    }),
  ) as Record<(typeof TOKEN_METRICS)[TokenKind], MetricDefinition>;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
