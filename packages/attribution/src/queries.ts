import {
  UNATTRIBUTED,
  ModelPrice,
  ResolvedTier,
  sqlCallCost,
  sqlModelKey,
  SQL_TOKENS_PER_PRICE_UNIT,
  systemModelTiers,
} from '@claude-code-bedrock/core';
import { INVOCATION_LOG_TABLE, PARTITION_COLUMN } from './invocation-log-table';
import { PROFILE_TABLE } from './profile-mapping';

/** One saved Athena query. */
export interface CostQuery {
  /** Short, stable key (also the construct id of the named query). */
  readonly key: string;
  /** What the query answers. */
  readonly description: string;
  /** Athena (Trino) SQL. */
  readonly sql: string;
}

export interface CostQueryOptions {
  /** USD per million tokens per tier. */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** Tier → system profile id, for calls made with a system profile (or its model) directly. */
  readonly tiers: readonly Pick<ResolvedTier, 'name' | 'profileId'>[];
  /** IANA zone for the off-hours query. */
  readonly offHoursTimeZone: string;
  /** `[start, end)` working hours, Monday–Friday. */
  readonly workingHours: readonly [number, number];
}

/**
 * The time window a query reads; it becomes a filter on the projected `dt` partition. `parameters`:
 * `[from, to)` comes from the query's execution parameters (see {@link reportQueryParameters}).
 */
type Window =
  | { readonly kind: 'lastDays'; readonly days: number }
  | { readonly kind: 'previousMonth' }
  | { readonly kind: 'monthToDate' }
  | { readonly kind: 'parameters' };

const DT_FORMAT = `'%Y/%m/%d/%H'`;
const MONTH_START = `date_trunc('month', current_timestamp)`;
const EVENT_TIME = `from_iso8601_timestamp(l."timestamp")`;

/** Developer id prefix, team and cost center of calls made without a developer profile (core's reserved name). */
export { UNATTRIBUTED };

/** Whether a query row's `developer_id` stands for calls made without a developer profile. */
export function isUnattributed(developerId: string): boolean {
  return developerId.startsWith(`${UNATTRIBUTED}:`);
}

/** The saved name of a query: `{project}-{key}`. */
export function namedQueryName(project: string, key: string): string {
  return `${project}-${key}`;
}

/** The project of a saved query's `name` if it is the query `key` (inverse of namedQueryName). */
export function projectOfNamedQuery(name: string, key: string): string | undefined {
  const suffix = namedQueryName('', key);
  return name.length > suffix.length && name.endsWith(suffix)
    ? name.slice(0, -suffix.length)
    : undefined;
}

/**
 * The `WHERE` conditions of the `parameters` window, each with one `?` placeholder and the bound
 * it takes. The partition keeps the calendar windows' one hour of slack on both sides.
 */
const PARAMETER_CONDITIONS: readonly (readonly [string, 'from' | 'to'])[] = [
  [
    `l.${PARTITION_COLUMN} >= date_format(from_iso8601_timestamp(?) - INTERVAL '1' HOUR, ${DT_FORMAT})`,
    'from',
  ],
  [
    `l.${PARTITION_COLUMN} <= date_format(from_iso8601_timestamp(?) + INTERVAL '1' HOUR, ${DT_FORMAT})`,
    'to',
  ],
  [`${EVENT_TIME} >= from_iso8601_timestamp(?)`, 'from'],
  [`${EVENT_TIME} < from_iso8601_timestamp(?)`, 'to'],
];

/** The key of the query `npm run report` runs. */
export const REPORT_QUERY_KEY = 'usage-by-developer-tier-day';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/;

/**
 * The execution parameters of the report query (`StartQueryExecution`'s `ExecutionParameters`, in
 * order) for the UTC window `[from, to)`: ISO-8601 dates (`2026-11-01`, midnight UTC) or UTC
 * instants (`2026-11-01T00:00:00Z`), each as a SQL string literal.
 */
export function reportQueryParameters(from: string, to: string): string[] {
  const bounds = { from, to };
  for (const [name, value] of Object.entries(bounds)) {
    // Date.parse accepts 2026-02-30 (as March 2): the instant must print back as written.
    const time = ISO_INSTANT.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value.slice(0, 10)) {
      throw new RangeError(
        `${name} must be a UTC date or instant (2026-11-01[T00:00:00Z]), got '${value}'`,
      );
    }
  }
  const instant = (v: string) => (v.length === 10 ? `${v}T00:00:00Z` : v);
  return PARAMETER_CONDITIONS.map(([, bound]) => sqlString(instant(bounds[bound])));
}

/** A number as a SQL literal without exponent notation. */
function sqlNumber(n: number): string {
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(12).replace(/\.?0+$/, '') : text;
}

/** A SQL string literal (single quotes doubled). */
function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The `WHERE` conditions that select a window. Each one compares `l.dt` with a constant folded at
 * planning time, so Athena's partition projection enumerates only the hours inside the window.
 * Calendar windows also filter on the record's own timestamp, with one hour of slack on the
 * partition, because a record delivered just after midnight can carry the previous day's time.
 */
function windowFilter(w: Window): string[] {
  const dt = `l.${PARTITION_COLUMN}`;
  switch (w.kind) {
    case 'lastDays':
      return [`${dt} >= date_format(current_timestamp - INTERVAL '${w.days}' DAY, ${DT_FORMAT})`];
    case 'previousMonth':
      return [
        `${dt} >= date_format(${MONTH_START} - INTERVAL '1' MONTH - INTERVAL '1' HOUR, ${DT_FORMAT})`,
        `${dt} <= date_format(${MONTH_START} + INTERVAL '1' HOUR, ${DT_FORMAT})`,
        `${EVENT_TIME} >= ${MONTH_START} - INTERVAL '1' MONTH`,
        `${EVENT_TIME} < ${MONTH_START}`,
      ];
    case 'monthToDate':
      return [
        `${dt} >= date_format(${MONTH_START} - INTERVAL '1' HOUR, ${DT_FORMAT})`,
        `${EVENT_TIME} >= ${MONTH_START}`,
      ];
    case 'parameters':
      return PARAMETER_CONDITIONS.map(([condition]) => condition);
  }
}

/** Token columns of the log record (core's pricing table); every use is wrapped in COALESCE(…, 0). */
export { TOKEN_COLUMNS } from '@claude-code-bedrock/core';

/** The cost formula over the log record `l` and its tier's price row `pr` (core's pricing table). */
const PRICING = sqlCallCost({ record: 'l', prices: 'pr', continuation: '\n      ' });

/**
 * The common part of every query: price and model tables as VALUES lists, and `calls`, one row per
 * invocation record in the window with its developer, team, tier, token counts and cost.
 */
function callsCte(opts: CostQueryOptions, w: Window): string {
  const tierNames = opts.tiers.map((t) => t.name);
  const priceRows = tierNames.map((name) => {
    const p = opts.prices[name];
    const profileId = opts.tiers.find((t) => t.name === name)!.profileId;
    const cells = PRICING.priceCells(p).map((n) => `CAST(${sqlNumber(n)} AS double)`);
    return `(${sqlString(name)}, ${sqlString(profileId)}, ${cells.join(', ')})`;
  });
  // A call made with a system profile id (or ARN), or straight to the foundation model, is priced
  // by the tier whose profile it names (core's rule, shared with the enforcer).
  const modelRows = [...systemModelTiers(opts.tiers)].map(
    ([key, tier]) => `(${sqlString(key)}, ${sqlString(tier)})`,
  );
  const [startHour, endHour] = opts.workingHours;
  const localTime = `at_timezone(from_iso8601_timestamp(l."timestamp"), ${sqlString(opts.offHoursTimeZone)})`;
  const { tokens, prices } = PRICING;
  const where = [
    ...windowFilter(w),
    `l.schematype = 'ModelInvocationLog'`,
    `l."$path" NOT LIKE '%/data/%'`,
  ];
  return `WITH prices AS (
  SELECT * FROM (VALUES
    ${priceRows.join(',\n    ')}
  ) AS v (tier, profile_id, ${PRICING.priceColumns.join(', ')})
),
system_models AS (
  SELECT * FROM (VALUES
    ${modelRows.join(',\n    ')}
  ) AS v (model_key, tier)
),
calls AS (
  SELECT
    l.${PARTITION_COLUMN} AS dt,
    substr(l.${PARTITION_COLUMN}, 1, 10) AS day,
    date_format(${EVENT_TIME}, '%Y-%m-%d') AS event_day,
    l.requestid AS request_id,
    l.operation AS operation,
    l.errorcode AS error_code,
    l.identity.arn AS caller_arn,
    COALESCE(p.developer_id, concat('${UNATTRIBUTED}:', COALESCE(l.identity.arn, 'unknown'))) AS developer_id,
    COALESCE(p.team, '${UNATTRIBUTED}') AS team,
    COALESCE(p.cost_center, '${UNATTRIBUTED}') AS cost_center,
    COALESCE(pr.tier, 'unpriced') AS tier,
    COALESCE(pr.profile_id, ${sqlModelKey('l.modelid')}) AS model,
    ${tokens.input} AS input_tokens,
    ${tokens.cacheRead} AS cache_read_tokens,
    ${tokens.cacheWrite} AS cache_write_tokens,
    ${tokens.output} AS output_tokens,
    ${PRICING.costUsd} AS cost_usd,
    ${tokens.cacheRead} * (${prices.input} - ${prices.cacheRead}) / ${SQL_TOKENS_PER_PRICE_UNIT} AS cache_savings_usd,
    (day_of_week(${localTime}) >= 6
      OR hour(${localTime}) < ${startHour}
      OR hour(${localTime}) >= ${endHour}) AS off_hours
  FROM ${INVOCATION_LOG_TABLE} l
  LEFT JOIN ${PROFILE_TABLE} p ON p.profile_arn = l.modelid
  LEFT JOIN system_models s ON s.model_key = ${sqlModelKey('l.modelid')}
  LEFT JOIN prices pr ON pr.tier = COALESCE(p.tier, s.tier)
  WHERE ${where.join('\n    AND ')}
)`;
}

const COST = 'ROUND(SUM(c.cost_usd), 4) AS cost_usd';
const TOKENS = [
  'SUM(c.input_tokens) AS input_tokens',
  'SUM(c.output_tokens) AS output_tokens',
  'SUM(c.cache_read_tokens) AS cache_read_tokens',
  'SUM(c.cache_write_tokens) AS cache_write_tokens',
];

function perDeveloper(opts: CostQueryOptions, w: Window): string {
  return `${callsCte(opts, w)}
SELECT
  c.developer_id,
  c.team,
  c.cost_center,
  COUNT(*) AS calls,
  ${TOKENS.join(',\n  ')},
  ${COST}
FROM calls c
GROUP BY c.developer_id, c.team, c.cost_center
ORDER BY cost_usd DESC`;
}

/**
 * The saved queries: cost per developer (last 7 days, previous calendar month), per team (month to
 * date), per model, daily trend, cache-read ratio, off-hours usage and error/throttle counts, and
 * the report's usage per day, developer, tier and model over a parameterised window.
 */
export function buildCostQueries(opts: CostQueryOptions): CostQuery[] {
  const last7: Window = { kind: 'lastDays', days: 7 };
  const last30: Window = { kind: 'lastDays', days: 30 };
  const [startHour, endHour] = opts.workingHours;
  return [
    {
      key: 'cost-by-developer-7d',
      description: 'Cost and tokens per developer over the last 7 days',
      sql: perDeveloper(opts, last7),
    },
    {
      key: 'cost-by-developer-previous-month',
      description: 'Cost and tokens per developer for the previous calendar month (UTC)',
      sql: perDeveloper(opts, { kind: 'previousMonth' }),
    },
    {
      key: 'cost-by-team-month-to-date',
      description:
        'Cost per team and cost center for the current calendar month (UTC), as budgets see it',
      sql: `${callsCte(opts, { kind: 'monthToDate' })}
SELECT
  c.team,
  c.cost_center,
  COUNT(DISTINCT c.developer_id) AS developers,
  COUNT(*) AS calls,
  ${TOKENS.join(',\n  ')},
  ${COST}
FROM calls c
GROUP BY c.team, c.cost_center
ORDER BY cost_usd DESC`,
    },
    {
      key: 'cost-by-model-30d',
      description: 'Cost and tokens per model tier over the last 30 days',
      sql: `${callsCte(opts, last30)}
SELECT
  c.tier,
  c.model,
  COUNT(*) AS calls,
  ${TOKENS.join(',\n  ')},
  ${COST}
FROM calls c
GROUP BY c.tier, c.model
ORDER BY cost_usd DESC`,
    },
    {
      key: 'daily-cost-trend-30d',
      description: 'Calls, active developers, tokens and cost per UTC day over the last 30 days',
      sql: `${callsCte(opts, last30)}
SELECT
  c.day,
  COUNT(*) AS calls,
  COUNT(DISTINCT c.developer_id) AS developers,
  ${TOKENS.join(',\n  ')},
  ${COST}
FROM calls c
GROUP BY c.day
ORDER BY c.day`,
    },
    {
      key: 'cache-read-ratio-7d',
      description:
        'Share of input tokens served from the prompt cache per developer over the last 7 days, and what it saved',
      sql: `${callsCte(opts, last7)}
SELECT
  c.developer_id,
  c.team,
  SUM(c.input_tokens) AS input_tokens,
  SUM(c.cache_read_tokens) AS cache_read_tokens,
  SUM(c.cache_write_tokens) AS cache_write_tokens,
  ROUND(CAST(SUM(c.cache_read_tokens) AS double)
    / NULLIF(SUM(c.input_tokens) + SUM(c.cache_read_tokens) + SUM(c.cache_write_tokens), 0), 4) AS cache_read_ratio,
  ROUND(SUM(c.cache_savings_usd), 4) AS cache_savings_usd
FROM calls c
GROUP BY c.developer_id, c.team
ORDER BY cache_read_ratio ASC`,
    },
    {
      key: 'off-hours-usage-7d',
      description: `Calls and cost outside working hours (Mon-Fri ${startHour}:00-${endHour}:00 ${opts.offHoursTimeZone}) per developer over the last 7 days`,
      sql: `${callsCte(opts, last7)}
SELECT
  c.developer_id,
  c.team,
  COUNT(*) AS calls,
  COUNT_IF(c.off_hours) AS off_hours_calls,
  ROUND(CAST(COUNT_IF(c.off_hours) AS double) / COUNT(*), 4) AS off_hours_share,
  ROUND(SUM(CASE WHEN c.off_hours THEN c.cost_usd ELSE 0 END), 4) AS off_hours_cost_usd
FROM calls c
GROUP BY c.developer_id, c.team
HAVING COUNT_IF(c.off_hours) > 0
ORDER BY off_hours_calls DESC`,
    },
    {
      key: 'errors-and-throttles-7d',
      description: 'Failed and throttled calls per UTC day over the last 7 days',
      sql: `${callsCte(opts, last7)}
SELECT
  c.day,
  COUNT(*) AS calls,
  COUNT_IF(c.error_code IS NOT NULL) AS errors,
  COUNT_IF(c.error_code LIKE '%Throttl%') AS throttles,
  ROUND(CAST(COUNT_IF(c.error_code IS NOT NULL) AS double) / COUNT(*), 4) AS error_rate,
  ROUND(CAST(COUNT_IF(c.error_code LIKE '%Throttl%') AS double) / COUNT(*), 4) AS throttle_rate
FROM calls c
GROUP BY c.day
ORDER BY c.day`,
    },
    {
      key: REPORT_QUERY_KEY,
      description:
        'Calls, tokens, unrounded cost, errors and throttles per UTC day, developer, team, cost center, tier and model in [from, to): run with the execution parameters of reportQueryParameters (npm run report)',
      sql: `${callsCte(opts, { kind: 'parameters' })}
SELECT
  c.event_day AS day,
  c.developer_id,
  c.team,
  c.cost_center,
  c.tier,
  c.model,
  COUNT(*) AS calls,
  ${TOKENS.join(',\n  ')},
  SUM(c.cost_usd) AS cost_usd,
  COUNT_IF(c.error_code IS NOT NULL) AS errors,
  COUNT_IF(c.error_code LIKE '%Throttl%') AS throttles
FROM calls c
GROUP BY c.event_day, c.developer_id, c.team, c.cost_center, c.tier, c.model
ORDER BY c.event_day, c.developer_id, c.tier, c.model`,
    },
  ];
}
