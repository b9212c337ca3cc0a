/**
 * The CloudWatch metrics the enforcer publishes, as Embedded Metric Format (EMF) lines in its own
 * log: CloudWatch Logs turns each line into data points, with no PutMetricData call and no extra
 * permission. Custom metrics are billed per name × dimension combination, so dimensions stay
 * low-cardinality: none, and `Team`. The developer is a plain field of the line, never a
 * dimension: Logs Insights reads it (top developers by cost), CloudWatch does not bill it.
 *
 * The names below are the contract the dashboard reads them by.
 */

/** Metric names, in the namespace the function is configured with (`METRICS_NAMESPACE`). */
export const ENFORCER_METRICS = {
  /**
   * USD of the calls counted now, priced exactly (each call with its own tier's price, by core's
   * formula); calls a redelivery had already counted add nothing. Unit `None`.
   */
  estimatedCostUsd: 'EstimatedCostUsd',
  /** 1 per developer blocked (profiles tagged `BudgetState=blocked`). Unit `Count`. */
  developersBlocked: 'DevelopersBlocked',
} as const;

/** The one dimension besides none: the developer's team, when known. */
export const ENFORCER_METRIC_DIMENSIONS = { team: 'Team' } as const;

/** Fields of every metric line that are not metrics: Logs Insights reads them. */
export const ENFORCER_METRIC_FIELDS = { developer: 'developer', period: 'period' } as const;

/** One metric line: what is measured, for whom, when. */
export interface MetricEvent {
  readonly metric: keyof typeof ENFORCER_METRICS;
  readonly value: number;
  readonly developer: string;
  readonly team?: string;
  readonly period: string;
  /** ISO 8601 time the data point is dated at (the newest record's). */
  readonly at: string;
}

const UNITS: Readonly<Record<keyof typeof ENFORCER_METRICS, string>> = {
  estimatedCostUsd: 'None',
  developersBlocked: 'Count',
};

/**
 * The EMF document of one event: `_aws` metadata (timestamp in epoch milliseconds, the namespace,
 * dimension sets `[]` and, with a (non-empty) team, `[Team]`), the metric value and the plain
 * fields.
 */
export function metricLine(namespace: string, event: MetricEvent): Record<string, unknown> {
  const name = ENFORCER_METRICS[event.metric];
  const team = ENFORCER_METRIC_DIMENSIONS.team;
  // A dimension value must not be empty: no team, no Team dimension.
  const hasTeam = event.team !== undefined && event.team !== '';
  return {
    _aws: {
      Timestamp: Date.parse(event.at),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: hasTeam ? [[], [team]] : [[]],
          Metrics: [{ Name: name, Unit: UNITS[event.metric] }],
        },
      ],
    },
    ...(hasTeam ? { [team]: event.team } : {}),
    [ENFORCER_METRIC_FIELDS.developer]: event.developer,
    [ENFORCER_METRIC_FIELDS.period]: event.period,
    [name]: event.value,
  };
}
