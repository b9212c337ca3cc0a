import {
  callCostExpression,
  ModelPrice,
  TOKEN_KINDS,
  TOKEN_PATHS,
  TokenKind,
} from '@claude-code-bedrock/core';
import {
  ENFORCER_METRIC_DIMENSIONS,
  ENFORCER_METRIC_FIELDS,
  ENFORCER_METRICS,
} from '@claude-code-bedrock/enforcer';
import { INVOCATION_LOG_FIELDS as F } from '@claude-code-bedrock/logging';
import { DashboardSources, GRID_COLUMNS, MetricWidgetProperties, Sized } from './dashboard-types';

/*
 * The dashboard's text, log and alarm widgets, and the spend-cap row (see dashboard-body.ts).
 */

/** A Logs Insights query of the widget syntax: `SOURCE '<group>' | cmd\n| cmd ...`. */
function logQuery(logGroupName: string, commands: readonly string[]): string {
  return `SOURCE '${logGroupName}' | ${commands.join('\n| ')}`;
}

/** The heading: what the dashboard is, and how exact its cost lines are. */
export function header(src: DashboardSources, upperBound: boolean): Sized {
  const cost = upperBound
    ? 'Estimated cost from the invocation-log token sums is an **upper bound**: a log record names an application inference profile, not its tier, so every token is priced at the highest price of its kind across the tiers.'
    : 'Every tier has the same prices, so the cost from the invocation-log token sums is exact.';
  const caps = src.caps
    ? ' The spend-cap enforcer prices each call at its own tier: its line is exact, and the top developers and blocks come from its log.'
    : ' Spend caps are off: top callers are priced like the estimate above.';
  return {
    type: 'text',
    width: GRID_COLUMNS,
    height: 3,
    properties: {
      markdown: [
        `# Claude Code on Amazon Bedrock: ${src.project}`,
        `Managed by Terraform (the kit's UsageDashboard): edits in the console are overwritten on the next apply. ${cost}${caps}`,
      ].join('\n\n'),
    },
  };
}

/** Top developers by cost: the enforcer's exact per-developer lines, else callers at the bound. */
export function topDevelopers(
  src: DashboardSources,
  price: ModelPrice,
  upperBound: boolean,
): Sized {
  const base = { type: 'log' as const, width: 12, height: 8 };
  if (src.caps) {
    const cost = ENFORCER_METRICS.estimatedCostUsd;
    const developer = ENFORCER_METRIC_FIELDS.developer;
    return {
      ...base,
      properties: {
        title: `Top ${src.topDevelopers} developers by cost (USD, exact, spend-cap enforcer)`,
        region: src.region,
        view: 'table',
        query: logQuery(src.caps.logGroupName, [
          `filter ispresent(${cost}) and ispresent(${developer})`,
          `stats sum(${cost}) as costUsd by ${developer}`,
          'sort costUsd desc',
          `limit ${src.topDevelopers}`,
        ]),
      },
    };
  }
  const terms = Object.fromEntries(
    TOKEN_KINDS.map((k) => [k.kind, `coalesce(${TOKEN_PATHS[k.kind]}, 0)`]),
  ) as Record<TokenKind, string>;
  const column = upperBound ? 'costUsdUpperBound' : 'costUsd';
  return {
    ...base,
    properties: {
      title: `Top ${src.topDevelopers} callers by cost (USD${upperBound ? ', upper bound' : ''})`,
      region: src.region,
      view: 'table',
      query: logQuery(src.invocationLogGroupName, [
        `filter ${F.schemaType} = "ModelInvocationLog"`,
        `fields ${callCostExpression(terms, price)} as callUsd`,
        `stats sum(callUsd) as ${column}, count(*) as calls by ${F.caller} as caller`,
        `sort ${column} desc`,
        `limit ${src.topDevelopers}`,
      ]),
    },
  };
}

export function alarmStates(src: DashboardSources): Sized {
  return {
    type: 'alarm',
    width: 12,
    height: 8,
    properties: { title: 'Alarms', alarms: src.alarmArns, sortBy: 'stateUpdatedTimestamp' },
  };
}

/** Exact cost per team, developers blocked, and the latest blocks (spend caps on). */
export function capsRow(
  src: DashboardSources,
  caps: NonNullable<DashboardSources['caps']>,
  metric: (title: string, metrics: MetricWidgetProperties['metrics']) => Sized,
): Sized[] {
  const team = ENFORCER_METRIC_DIMENSIONS.team;
  const { developer, period } = ENFORCER_METRIC_FIELDS;
  const blocked = ENFORCER_METRICS.developersBlocked;
  return [
    metric('Cost per team (USD, exact, spend-cap enforcer)', [
      [
        {
          expression: `SEARCH('{${caps.namespace},${team}} MetricName="${ENFORCER_METRICS.estimatedCostUsd}"', 'Sum', ${src.periodSeconds})`,
          id: 'team_cost',
        },
      ],
    ]),
    metric('Developers blocked', [[caps.namespace, blocked, { label: 'Developers blocked' }]]),
    {
      type: 'log',
      width: 8,
      height: 6,
      properties: {
        title: 'Latest blocks (spend caps)',
        region: src.region,
        view: 'table',
        query: logQuery(caps.logGroupName, [
          `filter ispresent(${blocked})`,
          `fields @timestamp, ${developer}, ${team}, ${period}`,
          'sort @timestamp desc',
          'limit 50',
        ]),
      },
    },
  ];
}
