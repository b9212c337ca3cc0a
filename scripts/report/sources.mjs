// The report's three sources, each read through an `aws` function (`(args) => parsed JSON
// output`, throwing a ReportError on failure): the workgroup's named query through the Athena API
// (logs), the spend-cap usage table (live) and Cost Explorer (billed).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { capState, capsStatus } from '../caps-status.mjs';
import { ROOT } from '../lib.mjs';
import { ReportError } from './error.mjs';
import { isoDate } from './period.mjs';

/** The built attribution package: the report query's key, parameters and naming rule. */
export function attribution() {
  try {
    return createRequire(import.meta.url)(join(ROOT, 'packages/attribution/dist/index.js'));
  } catch {
    throw new ReportError("the attribution package is not built: run 'npm run build' first");
  }
}

/** Polling of GetQueryExecution: first wait, longest wait, and when to give up (milliseconds). */
export const POLL = { firstMs: 200, maxMs: 5000, timeoutMs: 300_000 };

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const NUMERIC = /^(tinyint|smallint|integer|int|bigint|double|real|float|decimal)/i;

/** The report query saved in `workgroup`: `{ id, name, sql, project }`. */
export function findReportQuery(aws, workgroup) {
  const { REPORT_QUERY_KEY, projectOfNamedQuery } = attribution();
  const ids = aws(['athena', 'list-named-queries', '--work-group', workgroup]).NamedQueryIds ?? [];
  const found = [];
  for (let i = 0; i < ids.length; i += 50) {
    const out = aws([
      'athena',
      'batch-get-named-query',
      '--named-query-ids',
      ...ids.slice(i, i + 50),
    ]);
    for (const q of out.NamedQueries ?? []) {
      const project = projectOfNamedQuery(q.Name, REPORT_QUERY_KEY);
      if (project !== undefined) {
        found.push({ id: q.NamedQueryId, name: q.Name, sql: q.QueryString, project });
      }
    }
  }
  if (found.length === 0) {
    throw new ReportError(
      `the named query *-${REPORT_QUERY_KEY} is not in the Athena workgroup ${workgroup}: deploy this version of the kit`,
    );
  }
  if (found.length > 1) {
    throw new ReportError(
      `the Athena workgroup ${workgroup} holds ${found.length} report queries (${found.map((q) => q.name).join(', ')}): keep one`,
    );
  }
  return found[0];
}

/**
 * A timestamp as the AWS CLI prints it: epoch seconds (CLI v1 prints what the JSON protocol
 * sends) or ISO 8601 (CLI v2's default).
 */
export function awsTimestamp(value) {
  const seconds =
    typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  return Number.isNaN(seconds) ? new Date(value) : new Date(seconds * 1000);
}

/** One line for a query that ended FAILED or CANCELLED. */
export function athenaFailure(id, status) {
  const reason = status.AthenaError?.ErrorMessage ?? status.StateChangeReason ?? 'no reason given';
  if (status.State === 'CANCELLED') {
    const cutoff = /bytes scanned limit|scan(ned)? limit|cutoff/i.test(reason)
      ? " (the workgroup's bytes-scanned cutoff, attribution.bytesScannedCutoffPerQuery: report a shorter period or raise it)"
      : '';
    return `Athena query ${id} was cancelled: ${reason}${cutoff}`;
  }
  return `Athena query ${id} failed: ${reason}`;
}

/**
 * Waits for query `id` to end, polling with doubling waits; returns its QueryExecution when it
 * SUCCEEDED. A failure, a cancellation or the timeout (the query is then stopped) throws.
 */
export async function waitForQuery(aws, id, { poll = POLL, sleep = sleepMs } = {}) {
  let waited = 0;
  let wait = poll.firstMs;
  for (;;) {
    const started = Date.now();
    const execution = aws([
      'athena',
      'get-query-execution',
      '--query-execution-id',
      id,
    ]).QueryExecution;
    // The time the call itself took counts too (an AWS CLI call takes about half a second).
    waited += Date.now() - started;
    const status = execution?.Status ?? {};
    if (status.State === 'SUCCEEDED') return execution;
    if (status.State === 'FAILED' || status.State === 'CANCELLED') {
      throw new ReportError(athenaFailure(id, status));
    }
    if (waited >= poll.timeoutMs) {
      try {
        aws(['athena', 'stop-query-execution', '--query-execution-id', id]);
      } catch {
        // without athena:StopQueryExecution the query runs on until the workgroup's limits
      }
      throw new ReportError(
        `Athena query ${id} did not finish within ${poll.timeoutMs / 1000} s (still ${status.State ?? 'unknown'}); it was stopped`,
      );
    }
    await sleep(wait);
    waited += wait;
    wait = Math.min(wait * 2, poll.maxMs);
  }
}

const cell = (text, type) =>
  text === undefined || text === null ? null : NUMERIC.test(type ?? '') ? Number(text) : text;

/** Every row of a finished query as objects keyed by column (GetQueryResults, page by page). */
export function queryResults(aws, id) {
  const rows = [];
  let columns;
  let token;
  do {
    const page = aws([
      'athena',
      'get-query-results',
      '--query-execution-id',
      id,
      '--no-paginate',
      '--max-results',
      '1000',
      ...(token ? ['--next-token', token] : []),
    ]);
    let data = page.ResultSet?.Rows ?? [];
    if (!columns) {
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => [c.Name, c.Type]);
      // The first page of a SELECT starts with the column names.
      const first = data[0]?.Data ?? [];
      if (data.length > 0 && columns.every(([name], i) => first[i]?.VarCharValue === name)) {
        data = data.slice(1);
      }
    }
    for (const r of data) {
      rows.push(
        Object.fromEntries(columns.map(([n, t], i) => [n, cell(r.Data?.[i]?.VarCharValue, t)])),
      );
    }
    token = page.NextToken;
  } while (token);
  return rows;
}

/** A query row as the report's usage row. */
function usageRow(r, isUnattributed) {
  return {
    day: r.day,
    developer: r.developer_id,
    team: r.team,
    costCenter: r.cost_center,
    tier: r.tier,
    model: r.model,
    unattributed: isUnattributed(r.developer_id),
    calls: r.calls ?? 0,
    inputTokens: r.input_tokens ?? 0,
    outputTokens: r.output_tokens ?? 0,
    cacheReadTokens: r.cache_read_tokens ?? 0,
    cacheWriteTokens: r.cache_write_tokens ?? 0,
    usd: r.cost_usd ?? 0,
    errors: r.errors ?? 0,
    throttles: r.throttles ?? 0,
  };
}

const megabytes = (bytes) => `${((bytes ?? 0) / 1e6).toFixed(1)} MB`;

/**
 * logs: runs the report query of `workgroup` over `period` and returns
 * `{ project, rows, source }` (usage rows, and the source entry of the report).
 */
export async function logsSource(aws, { workgroup, database, period, poll, sleep, now }) {
  const { reportQueryParameters, isUnattributed } = attribution();
  const query = findReportQuery(aws, workgroup);
  const { QueryExecutionId: id } = aws([
    'athena',
    'start-query-execution',
    '--work-group',
    workgroup,
    '--query-execution-context',
    `Database=${database}`,
    '--query-string',
    query.sql,
    '--execution-parameters',
    ...reportQueryParameters(period.from, period.to),
  ]);
  const execution = await waitForQuery(aws, id, { poll, sleep });
  const rows = queryResults(aws, id).map((r) => usageRow(r, isUnattributed));
  const done = execution.Status?.CompletionDateTime;
  return {
    project: query.project,
    rows,
    source: {
      name: 'logs',
      description: `Athena workgroup ${workgroup}, named query ${query.name}, ${megabytes(execution.Statistics?.DataScannedInBytes)} scanned`,
      asOf: done === undefined ? now.toISOString() : awsTimestamp(done).toISOString(),
    },
  };
}

/**
 * live: every developer's cap, state and spend in the current spend-cap period
 * (`{ period, statuses, source }`; statuses carry `capState`).
 */
export function liveSource(aws, caps, now) {
  const status = capsStatus(aws, caps, now);
  const updated = status.developers
    .map((d) => Date.parse(d.updatedAt ?? ''))
    .filter((t) => !Number.isNaN(t));
  const age =
    updated.length > 0
      ? `${Math.max(0, Math.round((now.getTime() - Math.max(...updated)) / 1000))} s old`
      : 'no usage recorded in it yet';
  return {
    period: status.period,
    statuses: status.developers.map((d) => ({ ...d, capState: capState(d) })),
    source: {
      name: 'live',
      description: `spend-cap usage table ${status.table}, period ${status.period}, ${age}`,
      asOf: now.toISOString(),
    },
  };
}

/** The tag keys the bill is filtered and grouped by (core's cost-allocation tags). */
const BILLED_TAGS = ['Project', 'User', 'Team'].filter((k) =>
  createRequire(import.meta.url)(
    join(ROOT, 'packages/core/dist/tags.js'),
  ).COST_ALLOCATION_TAG_KEYS.includes(k),
);

/**
 * Which of {@link BILLED_TAGS} are not active cost-allocation tags (a key Cost Explorer has not
 * seen in billing data is not listed at all); undefined when the caller may not list them.
 */
function inactiveAllocationTags(aws) {
  let listed;
  try {
    listed = aws(['ce', 'list-cost-allocation-tags', '--tag-keys', ...BILLED_TAGS]);
  } catch {
    return undefined;
  }
  const active = new Set(
    (listed.CostAllocationTags ?? []).filter((t) => t.Status === 'Active').map((t) => t.TagKey),
  );
  return BILLED_TAGS.filter((k) => !active.has(k));
}

/** Cost Explorer's name of an untagged group (`User$`): the empty value. */
const tagValue = (key) => key.slice(key.indexOf('$') + 1);

/**
 * billed: Cost Explorer's UnblendedCost for `period` (End exclusive, at most tomorrow), of the
 * spend tagged `Project = project`, grouped by the `User` and `Team` tags:
 * `{ groups: [{ user, team, usd }], totalUsd, estimated, start, end, source }` ('' = untagged).
 */
export function billedSource(aws, { project, period, now }) {
  const tomorrow = isoDate(now.getTime() + 24 * 3600 * 1000);
  const start = period.from;
  const end = period.to < tomorrow ? period.to : tomorrow;
  const groups = [];
  let estimated = false;
  let token;
  while (start < end) {
    const out = aws([
      'ce',
      'get-cost-and-usage',
      '--time-period',
      `Start=${start},End=${end}`,
      '--granularity',
      'MONTHLY',
      '--metrics',
      'UnblendedCost',
      '--group-by',
      'Type=TAG,Key=User',
      'Type=TAG,Key=Team',
      '--filter',
      JSON.stringify({ Tags: { Key: 'Project', Values: [project], MatchOptions: ['EQUALS'] } }),
      ...(token ? ['--next-page-token', token] : []),
    ]);
    for (const result of out.ResultsByTime ?? []) {
      estimated ||= result.Estimated === true;
      for (const g of result.Groups ?? []) {
        const [user = 'User$', team = 'Team$'] = g.Keys ?? [];
        groups.push({
          user: tagValue(user),
          team: tagValue(team),
          usd: Number(g.Metrics?.UnblendedCost?.Amount ?? 0),
        });
      }
    }
    token = out.NextPageToken;
    if (!token) break;
  }
  return {
    groups,
    totalUsd: groups.reduce((sum, g) => sum + g.usd, 0),
    estimated,
    inactiveTags: inactiveAllocationTags(aws),
    start,
    end,
    source: {
      name: 'billed',
      description: `Cost Explorer GetCostAndUsage ${start} to ${end} (End exclusive), UnblendedCost of the spend tagged Project=${project}, by tags User, Team`,
      asOf: now.toISOString(),
    },
  };
}
