import {
  callCostExpression,
  highestPrice,
  ModelPrice,
  pricesAgree,
  TOKEN_KINDS,
  TokenKind,
} from '@claude-code-bedrock/core';
import { ENFORCER_METRICS } from '@claude-code-bedrock/enforcer';
import { BEDROCK_METRICS, bedrockSearch } from './bedrock-metrics';
import {
  DashboardBody,
  DashboardSources,
  ExpressionRow,
  GRID_COLUMNS,
  MetricOptions,
  MetricRow,
  MetricWidgetProperties,
  Sized,
  Widget,
} from './dashboard-types';
import { alarmStates, capsRow, header, topDevelopers } from './dashboard-widgets';
import { TOKEN_METRICS } from './usage-alarms';

/** Rows of widgets, left to right, each row below the tallest widget of the one before. */
function layout(rows: readonly (readonly Sized[])[]): Widget[] {
  const widgets: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    for (const w of row) {
      widgets.push({
        type: w.type,
        x,
        y,
        width: w.width,
        height: w.height,
        properties: w.properties,
      });
      x += w.width;
    }
    if (x > GRID_COLUMNS) throw new Error(`dashboard row ${y} is ${x} columns wide`);
    y += Math.max(...row.map((w) => w.height));
  }
  return widgets;
}

/** `cacheRead` → `cache read tokens`. */
function tokenLabel(kind: TokenKind): string {
  return `${kind.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} tokens`;
}

/** The metric-math id of a token kind's series (ids start with a lowercase letter). */
export function tokenSeriesId(kind: TokenKind): string {
  return `tokens_${kind}`;
}

/**
 * The cost per period by the metric-filter token sums: exact when every tier has the same prices,
 * otherwise an upper bound (each kind at its highest tier price), since a log record names an
 * application inference profile ARN, not its tier.
 */
export function costIsUpperBound(prices: Readonly<Record<string, ModelPrice>>): boolean {
  return !pricesAgree(prices);
}

/** The body of the usage dashboard. */
export function usageDashboardBody(src: DashboardSources): DashboardBody {
  const { region, periodSeconds: period } = src;
  const ns = src.usage.namespace;
  const names = src.usage.metricNames;
  const price = highestPrice(src.prices);
  const upperBound = costIsUpperBound(src.prices);
  const metric = (
    title: string,
    metrics: MetricWidgetProperties['metrics'],
    extra: Partial<MetricWidgetProperties> = {},
    width = 8,
  ): Sized => ({
    type: 'metric',
    width,
    height: 6,
    properties: {
      title,
      region,
      view: 'timeSeries',
      stacked: false,
      period,
      stat: 'Sum',
      metrics,
      ...extra,
    },
  });
  const sum = (name: string, label: string, options: MetricOptions = {}): MetricRow => [
    ns,
    name,
    { label, ...options },
  ];
  const search = (id: string, label: string, expression: string): ExpressionRow => [
    { expression, id, label },
  ];

  const calls = metric('Calls', [
    sum(names.invocations, 'Calls (invocation log)'),
    sum(names.unapprovedModel, 'Calls naming an unapproved model'),
  ]);
  const tokens = metric(
    'Tokens by kind',
    TOKEN_KINDS.map((k) => sum(names[TOKEN_METRICS[k.kind]], tokenLabel(k.kind))),
    { stacked: true },
  );
  const terms = Object.fromEntries(
    TOKEN_KINDS.map((k) => [k.kind, `FILL(${tokenSeriesId(k.kind)}, 0)`]),
  ) as Record<TokenKind, string>;
  const cost = metric(
    upperBound ? 'Estimated cost (USD), upper bound' : 'Estimated cost (USD)',
    [
      ...TOKEN_KINDS.map((k) =>
        sum(names[TOKEN_METRICS[k.kind]], tokenLabel(k.kind), {
          id: tokenSeriesId(k.kind),
          visible: false,
        }),
      ),
      [
        {
          expression: callCostExpression(terms, price),
          id: 'cost',
          label: upperBound
            ? 'Upper bound: every token at the highest price of its kind across tiers'
            : 'Token sums at the price of every tier',
        },
      ],
      ...(src.caps
        ? [
            [
              src.caps.namespace,
              ENFORCER_METRICS.estimatedCostUsd,
              { id: 'exact', label: 'Exact: each call at its own tier price (spend-cap enforcer)' },
            ] as MetricRow,
          ]
        : []),
    ],
    { yAxis: { left: { label: 'USD', min: 0 } } },
  );
  const errors = metric(
    'Errors and throttles',
    [
      sum(names.errors, 'Failed calls (errorCode in the invocation log)'),
      search(
        'throttles',
        'Throttled (AWS/Bedrock, every model)',
        `SUM(${bedrockSearch(BEDROCK_METRICS.invocationThrottles, 'Sum', period)})`,
      ),
      search(
        'client_errors',
        'Client errors (AWS/Bedrock, every model)',
        `SUM(${bedrockSearch(BEDROCK_METRICS.invocationClientErrors, 'Sum', period)})`,
      ),
      search(
        'server_errors',
        'Server errors (AWS/Bedrock, every model)',
        `SUM(${bedrockSearch(BEDROCK_METRICS.invocationServerErrors, 'Sum', period)})`,
      ),
    ],
    {},
    12,
  );
  const latency = metric(
    'Latency per model (AWS/Bedrock InvocationLatency, average)',
    [
      [
        {
          expression: bedrockSearch(BEDROCK_METRICS.invocationLatency, 'Average', period),
          id: 'latency',
        },
      ],
    ],
    { stat: 'Average', yAxis: { left: { label: 'ms', min: 0 } } },
    12,
  );

  return {
    start: src.start,
    periodOverride: 'inherit',
    widgets: layout([
      [header(src, upperBound)],
      [calls, tokens, cost],
      [errors, latency],
      [topDevelopers(src, price, upperBound), alarmStates(src)],
      ...(src.caps ? [capsRow(src, src.caps, metric)] : []),
    ]),
  };
}
