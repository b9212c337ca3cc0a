/**
 * The `AWS/Bedrock` runtime metrics that AWS documents (Amazon Bedrock user guide, "Monitor
 * bedrock-runtime inference using CloudWatch metrics"), published per model under the `ModelId`
 * dimension. The alarms and the dashboard name no other `AWS/Bedrock` metric.
 */
export const BEDROCK_NAMESPACE = 'AWS/Bedrock';

/** The dimension the runtime metrics are published under. */
export const BEDROCK_MODEL_DIMENSION = 'ModelId';

export const BEDROCK_METRICS = {
  /** Requests Bedrock accepted (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream). */
  invocations: 'Invocations',
  /** Milliseconds from the request to the last token. */
  invocationLatency: 'InvocationLatency',
  invocationClientErrors: 'InvocationClientErrors',
  invocationServerErrors: 'InvocationServerErrors',
  invocationThrottles: 'InvocationThrottles',
  inputTokenCount: 'InputTokenCount',
  outputTokenCount: 'OutputTokenCount',
} as const;

export type BedrockMetric = (typeof BEDROCK_METRICS)[keyof typeof BEDROCK_METRICS];

/** A search expression over every model's series of a metric: `SEARCH('{AWS/Bedrock,ModelId} ...')`. */
export function bedrockSearch(metric: BedrockMetric, stat: string, periodSeconds: number): string {
  return `SEARCH('{${BEDROCK_NAMESPACE},${BEDROCK_MODEL_DIMENSION}} MetricName="${metric}"', '${stat}', ${periodSeconds})`;
}

/** A Metrics Insights query summing a metric over every model (alarms evaluate these). */
export function bedrockSumQuery(metric: BedrockMetric): string {
  return `SELECT SUM(${metric}) FROM SCHEMA("${BEDROCK_NAMESPACE}", ${BEDROCK_MODEL_DIMENSION})`;
}
