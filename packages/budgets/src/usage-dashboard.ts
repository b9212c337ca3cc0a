import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  DeploymentContext,
  ModelPrice,
  partitionOf,
  validateWith,
} from '@claude-code-bedrock/core';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { costIsUpperBound, usageDashboardBody } from './dashboard-body';
import type { DashboardBody } from './dashboard-types';
import { partitionIn } from './partition';
import { SpendCaps } from './spend-caps';
import { UsageAlarms } from './usage-alarms';
import { UsageDashboardPropsSchema } from './validation';

export interface UsageDashboardProps {
  /**
   * `project` names the dashboard and heads it; `region` is that of the metrics, logs and the
   * console link (it may be a token). `accountId` and `tags` are not used.
   */
  readonly context: DeploymentContext;
  /** The usage alarms: their metric filters feed the calls, tokens, cost and error widgets. */
  readonly usage: UsageAlarms;
  /** The Bedrock invocation log group (top callers by cost when spend caps are off). */
  readonly logGroup: CloudwatchLogGroup;
  /** USD per million tokens per tier (the configuration's `prices`); at least one tier. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /**
   * The spend caps: with them the dashboard adds the enforcer's exact cost (total and per team),
   * developers blocked, the latest blocks and the enforcer's alarms, and ranks developers by the
   * enforcer's exact cost.
   * @default - no spend caps: no exact cost, no blocked-developer widgets
   */
  readonly spendCaps?: SpendCaps;
  /** @default `{project}-usage` */
  readonly dashboardName?: string;
  /**
   * Seconds per data point of every graph (a multiple of 60).
   * @default 3600
   */
  readonly periodSeconds?: number;
  /**
   * Time range shown when the dashboard opens, relative to now (`-PT3H`, `-P7D`, `-P1M`, ...).
   * @default '-P7D'
   */
  readonly timeRange?: string;
  /**
   * Rows of the top-developers table.
   * @default 20
   */
  readonly topDevelopers?: number;
}

/** Console hosts of the CloudWatch console per partition. */
const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

/**
 * One CloudWatch dashboard for an environment's Claude Code usage: calls, tokens by kind,
 * estimated cost (metric math on the usage alarms' token sums × prices: an upper bound unless every
 * tier has the same prices), errors and throttles, latency per model (`AWS/Bedrock`), top
 * developers by cost (Logs Insights), the alarms' states and, with spend caps, the enforcer's exact
 * cost per team and the developers it blocked. Every metric it names is published by the usage
 * alarms' metric filters, the spend-cap enforcer or Amazon Bedrock itself.
 */
export class UsageDashboard extends Construct {
  public readonly dashboard: CloudwatchDashboard;
  public readonly dashboardName: string;
  /** The dashboard in the CloudWatch console (the partition's console host). */
  public readonly dashboardUrl: string;
  /** The body, as the object the JSON is made of (tokens unresolved). */
  public readonly body: DashboardBody;
  /** Whether the metric-math cost is an upper bound (tiers with different prices). */
  public readonly costIsUpperBound: boolean;

  constructor(scope: Construct, id: string, props: UsageDashboardProps) {
    super(scope, id);
    const { usage, logGroup, spendCaps, ...checked } = props;
    const valid = validateWith(
      UsageDashboardPropsSchema,
      checked,
      `UsageDashboard '${this.node.path}'`,
    );
    const { project, region } = valid.context;
    this.dashboardName = valid.dashboardName ?? `${project}-usage`;
    this.costIsUpperBound = costIsUpperBound(valid.prices);
    this.body = usageDashboardBody({
      project,
      region,
      usage: { namespace: usage.namespace, metricNames: usage.metricNames },
      alarmArns: [
        ...Object.values(usage.alarms).map((a) => a.arn),
        ...Object.values(spendCaps?.alarms ?? {}).map((a) => a.arn),
      ],
      invocationLogGroupName: logGroup.name,
      prices: valid.prices,
      caps: spendCaps && {
        namespace: spendCaps.metricsNamespace,
        logGroupName: spendCaps.functionLogGroup.name,
      },
      periodSeconds: valid.periodSeconds ?? 3600,
      start: valid.timeRange ?? '-P7D',
      topDevelopers: valid.topDevelopers ?? 20,
    });
    this.dashboard = new CloudwatchDashboard(this, 'Resource', {
      dashboardName: this.dashboardName,
      dashboardBody: JSON.stringify(this.body),
    });
    this.dashboardUrl = `https://${this.consoleHost(region)}/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboardName}`;
  }

  /** `<region>.console.aws.amazon.com`, or the partition's console (looked up when a token). */
  private consoleHost(region: string): string {
    if (Token.isUnresolved(region)) {
      return Fn.lookup(CONSOLE_HOSTS, partitionIn(this, region), CONSOLE_HOSTS.aws);
    }
    const partition = partitionOf(region);
    return partition === 'aws' ? `${region}.${CONSOLE_HOSTS.aws}` : CONSOLE_HOSTS[partition];
  }
}
