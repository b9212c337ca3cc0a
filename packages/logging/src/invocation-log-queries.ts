import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { Construct } from 'constructs';
import { INVOCATION_LOG_FIELDS as F } from './fields';

/** Keys of the saved queries, also their construct ids. */
export type InvocationLogQueryName =
  | 'usageByCallerDaily'
  | 'hourlyTokenTotals'
  | 'topConsumers'
  | 'modelBreakdown'
  | 'errors';

/** Saved-query folder and title per query (the console shows `/` as folders). */
const TITLES: Readonly<Record<InvocationLogQueryName, string>> = {
  usageByCallerDaily: 'usage-by-caller-per-day',
  hourlyTokenTotals: 'hourly-token-totals',
  topConsumers: 'top-consumers-7-days',
  modelBreakdown: 'model-breakdown',
  errors: 'errors',
};

/** The four token sums, read from the nested fields and named for the result columns. */
const TOKEN_SUMS = [
  `sum(${F.inputTokens}) as inputTokens`,
  `sum(${F.outputTokens}) as outputTokens`,
  `sum(${F.cacheReadTokens}) as cacheReadTokens`,
  `sum(${F.cacheWriteTokens}) as cacheWriteTokens`,
].join(', ');

/**
 * Logs Insights query strings over the invocation-log group. Every token count is read from its
 * nested path (`input.inputTokenCount`, ...); `sum` skips records without the field (e.g. a
 * stream interrupted before the final usage event has no `output.outputTokenCount`).
 */
export const INVOCATION_LOG_QUERIES: Readonly<Record<InvocationLogQueryName, string>> = {
  usageByCallerDaily: [
    `stats count(*) as invocations, ${TOKEN_SUMS} by ${F.caller} as caller, bin(1d) as day`,
    'sort day desc',
  ].join('\n| '),
  hourlyTokenTotals: [
    `stats count(*) as invocations, ${TOKEN_SUMS} by bin(1h) as hour`,
    'sort hour desc',
  ].join('\n| '),
  topConsumers:
    '# Run over the last 7 days (time range picker, or StartQuery startTime = now - 7 d).\n' +
    [
      `stats count(*) as invocations, ${TOKEN_SUMS} by ${F.caller} as caller`,
      'sort outputTokens desc',
      'limit 25',
    ].join('\n| '),
  modelBreakdown: [
    `stats count(*) as invocations, ${TOKEN_SUMS} by ${F.modelId}`,
    'sort invocations desc',
  ].join('\n| '),
  errors: [
    `filter ispresent(${F.errorCode})`,
    `stats count(*) as failures by ${F.errorCode}, ${F.modelId}, ${F.caller} as caller, bin(1h) as hour`,
    'sort hour desc',
  ].join('\n| '),
};

export interface InvocationLogQueriesProps {
  /** Prefix of every saved query's name, e.g. the project (`{prefix}/bedrock/...`). */
  readonly namePrefix: string;
  /** The invocation-log group the queries run against. */
  readonly logGroup: CloudwatchLogGroup;
}

/**
 * Saved CloudWatch Logs Insights queries over the Bedrock invocation logs: usage by caller per
 * day, hourly token totals, top consumers, model breakdown and errors.
 */
export class InvocationLogQueries extends Construct {
  /** The saved queries, keyed by {@link InvocationLogQueryName}. */
  public readonly queryDefinitions: Readonly<
    Record<InvocationLogQueryName, CloudwatchQueryDefinition>
  >;

  constructor(scope: Construct, id: string, props: InvocationLogQueriesProps) {
    super(scope, id);
    const defs = {} as Record<InvocationLogQueryName, CloudwatchQueryDefinition>;
    for (const key of Object.keys(INVOCATION_LOG_QUERIES) as InvocationLogQueryName[]) {
      defs[key] = new CloudwatchQueryDefinition(this, key, {
        name: `${props.namePrefix}/bedrock/${TITLES[key]}`,
        logGroupNames: [props.logGroup.name],
        queryString: INVOCATION_LOG_QUERIES[key],
      });
    }
    this.queryDefinitions = defs;
  }
}
