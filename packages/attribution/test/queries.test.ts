import { readFileSync } from 'fs';
import { join } from 'path';
import {
  buildCostQueries,
  CostQuery,
  INVOCATION_LOG_COLUMNS,
  isUnattributed,
  namedQueryName,
  projectOfNamedQuery,
  REPORT_QUERY_KEY,
  reportQueryParameters,
  structFields,
  TOKEN_COLUMNS,
} from '../src';
import { PRICES, TIERS } from './helpers';
import {
  aliasesOf,
  allSelects,
  astify,
  hasPartitionFilter,
  uncoalescedReferences,
  unknownColumns,
} from './sql-check';

const OPTIONS = {
  prices: PRICES,
  tiers: TIERS,
  offHoursTimeZone: 'Europe/Paris',
  workingHours: [9, 17] as const,
};
const QUERIES = buildCostQueries(OPTIONS);
const byKey = (key: string): CostQuery => QUERIES.find((q) => q.key === key)!;
const cases = QUERIES.map((q) => [q.key, q] as const);

describe('cost queries', () => {
  test('cover every question the issue asks', () => {
    expect(QUERIES.map((q) => q.key)).toEqual([
      'cost-by-developer-7d',
      'cost-by-developer-previous-month',
      'cost-by-team-month-to-date',
      'cost-by-model-30d',
      'daily-cost-trend-30d',
      'cache-read-ratio-7d',
      'off-hours-usage-7d',
      'errors-and-throttles-7d',
      'usage-by-developer-tier-day',
    ]);
  });

  test.each(cases)('%s parses as Trino SQL', (_key, q) => {
    expect(() => astify(q.sql)).not.toThrow();
  });

  test.each(cases)('%s references only existing columns', (_key, q) => {
    expect(unknownColumns(q.sql)).toEqual([]);
  });

  test.each(cases)('%s filters every read of invocation_logs on the dt partition', (_key, q) => {
    const reads = allSelects(q.sql).flatMap((s) =>
      aliasesOf(s, 'invocation_logs').map((alias) => ({ s, alias })),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const { s, alias } of reads) expect(hasPartitionFilter(s.where, alias)).toBe(true);
  });

  test.each(cases)('%s wraps every token column in COALESCE(…, 0)', (_key, q) => {
    expect(q.sql).toMatch(/COALESCE\(l\.input\.inputtokencount, 0\)/);
    expect(uncoalescedReferences(q.sql, TOKEN_COLUMNS)).toEqual([]);
  });

  test.each(cases)('%s excludes large-payload objects and non-record rows', (_key, q) => {
    expect(q.sql).toContain(`l."$path" NOT LIKE '%/data/%'`);
    expect(q.sql).toContain(`l.schematype = 'ModelInvocationLog'`);
  });

  test('the column checker catches a column the table lacks', () => {
    const bad = byKey('cost-by-developer-7d').sql.replace(
      'l.input.inputtokencount',
      'l.inputtokencount',
    );
    expect(unknownColumns(bad)).toEqual([expect.objectContaining({ ref: 'l.inputtokencount' })]);
  });

  test('the column checker catches a column a CTE does not output', () => {
    const bad = byKey('cost-by-team-month-to-date').sql.replace(
      'GROUP BY c.team, c.cost_center',
      'GROUP BY c.teams, c.cost_center',
    );
    expect(unknownColumns(bad)).toEqual([expect.objectContaining({ ref: 'c.teams' })]);
  });

  test('the COALESCE checker catches a bare token column', () => {
    const bad = byKey('cost-by-developer-7d').sql.replace(
      'COALESCE(l.output.outputtokencount, 0) AS output_tokens',
      'l.output.outputtokencount AS output_tokens',
    );
    expect(uncoalescedReferences(bad, TOKEN_COLUMNS)).toEqual(['output.outputtokencount']);
  });

  test('the partition checker rejects a query without a dt filter', () => {
    const bad = byKey('cost-by-model-30d').sql.replace(/WHERE l\.dt >= [^\n]+\n\s+AND /, 'WHERE ');
    const [select] = allSelects(bad).filter((s) => aliasesOf(s, 'invocation_logs').length > 0);
    expect(hasPartitionFilter(select.where, 'l')).toBe(false);
  });

  test('prices are embedded per tier with their system profile id', () => {
    const sql = byKey('cost-by-model-30d').sql;
    expect(sql).toContain(
      "('opus', 'us.anthropic.claude-opus-4-6-v1', CAST(5 AS double), CAST(25 AS double), CAST(0.5 AS double), CAST(6.25 AS double))",
    );
    expect(sql).toContain(
      "('haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', CAST(1 AS double), CAST(5 AS double), CAST(0.1 AS double), CAST(1.25 AS double))",
    );
  });

  test('calls with a system profile id or foundation model id are priced by that tier', () => {
    const sql = byKey('cost-by-model-30d').sql;
    expect(sql).toContain("('us.anthropic.claude-opus-4-6-v1', 'opus')");
    expect(sql).toContain("('anthropic.claude-opus-4-6-v1', 'opus')");
    expect(sql).toContain(
      "LEFT JOIN system_models s ON s.model_key = regexp_replace(l.modelid, '^.*/', '')",
    );
    expect(sql).toContain('LEFT JOIN prices pr ON pr.tier = COALESCE(p.tier, s.tier)');
  });

  test('developers are resolved through the profile table on the model id', () => {
    expect(byKey('cost-by-developer-7d').sql).toContain(
      'LEFT JOIN developer_profiles p ON p.profile_arn = l.modelid',
    );
  });

  test('cost multiplies each token count by its own price per million', () => {
    const sql = byKey('cost-by-developer-7d').sql;
    expect(sql).toContain('COALESCE(l.input.inputtokencount, 0) * COALESCE(pr.input_usd, 0)');
    expect(sql).toContain('COALESCE(l.output.outputtokencount, 0) * COALESCE(pr.output_usd, 0)');
    expect(sql).toContain(
      'COALESCE(l.input.cachereadinputtokencount, 0) * COALESCE(pr.cache_read_usd, 0)',
    );
    expect(sql).toContain(
      'COALESCE(l.input.cachewriteinputtokencount, 0) * COALESCE(pr.cache_write_usd, 0)) / 1000000.0 AS cost_usd',
    );
  });

  test('the previous-month query bounds both the partition and the record time', () => {
    const sql = byKey('cost-by-developer-previous-month').sql;
    expect(sql).toContain(
      "l.dt >= date_format(date_trunc('month', current_timestamp) - INTERVAL '1' MONTH - INTERVAL '1' HOUR",
    );
    expect(sql).toContain(
      "l.dt <= date_format(date_trunc('month', current_timestamp) + INTERVAL '1' HOUR",
    );
    expect(sql).toContain(
      `from_iso8601_timestamp(l."timestamp") < date_trunc('month', current_timestamp)`,
    );
  });

  test('the 7-day queries read only the last 7 days of partitions', () => {
    expect(byKey('cost-by-developer-7d').sql).toContain(
      "l.dt >= date_format(current_timestamp - INTERVAL '7' DAY, '%Y/%m/%d/%H')",
    );
  });

  test('off-hours use the configured zone and working hours', () => {
    const sql = byKey('off-hours-usage-7d').sql;
    expect(sql).toContain(`at_timezone(from_iso8601_timestamp(l."timestamp"), 'Europe/Paris')`);
    expect(sql).toMatch(/hour\([^\n]+\) < 9\n/);
    expect(sql).toMatch(/hour\([^\n]+\) >= 17\)/);
    expect(byKey('off-hours-usage-7d').description).toContain('9:00-17:00 Europe/Paris');
  });

  test('only the report query takes execution parameters', () => {
    const parameterised = QUERIES.filter((q) => q.sql.includes('?')).map((q) => q.key);
    expect(parameterised).toEqual([REPORT_QUERY_KEY]);
  });

  test('a price below 1e-6 is written without exponent notation', () => {
    const sql = buildCostQueries({
      ...OPTIONS,
      prices: { ...PRICES, haiku: { ...PRICES.haiku, cacheRead: 1e-7 } },
    })[0].sql;
    expect(sql).toContain('CAST(0.0000001 AS double)');
  });
});

describe('invocation log fixture', () => {
  const records = readFileSync(
    join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const columns = new Map(INVOCATION_LOG_COLUMNS.map((c) => [c.name, structFields(c.type)]));

  test('every token count in the records lands in a declared (lowercased) struct field', () => {
    const seen = new Set<string>();
    for (const record of records) {
      for (const part of ['input', 'output'] as const) {
        for (const key of Object.keys((record[part] as Record<string, unknown>) ?? {})) {
          if (!/TokenCount$/.test(key)) continue;
          seen.add(`${part}.${key.toLowerCase()}`);
          expect(columns.get(part)).toContain(key.toLowerCase());
        }
      }
    }
    expect([...seen].sort()).toEqual([...TOKEN_COLUMNS].sort());
  });

  test('the records carry no token count at the top level (where the baseline looked)', () => {
    for (const record of records) {
      expect(Object.keys(record).filter((k) => /tokencount/i.test(k))).toEqual([]);
    }
  });

  test('some records omit cache or output counts, which is why every token column is COALESCEd', () => {
    const missing = records.filter(
      (r) =>
        !('cacheReadInputTokenCount' in (r.input as object)) ||
        !('outputTokenCount' in (r.output as object)),
    );
    expect(missing.length).toBeGreaterThan(0);
  });

  test('every top-level scalar field of the records is a declared column', () => {
    const declared = new Set(columns.keys());
    for (const record of records) {
      for (const [key, value] of Object.entries(record)) {
        if (typeof value === 'string') expect(declared).toContain(key.toLowerCase());
      }
    }
  });
});

describe('the report query', () => {
  const sql = byKey(REPORT_QUERY_KEY).sql;
  /** The SQL with each `?` replaced by the next parameter, as Athena binds them. */
  const bind = (params: readonly string[]) => {
    let i = 0;
    return sql.replace(/\?/g, () => params[i++]);
  };

  test('binds one parameter per placeholder', () => {
    const params = reportQueryParameters('2026-11-01', '2026-12-01');
    expect(sql.match(/\?/g)).toHaveLength(params.length);
  });

  test('reads [from, to) of record time and the partitions one hour either side', () => {
    const bound = bind(reportQueryParameters('2026-11-01', '2026-12-01'));
    expect(bound).toContain(
      "l.dt >= date_format(from_iso8601_timestamp('2026-11-01T00:00:00Z') - INTERVAL '1' HOUR, '%Y/%m/%d/%H')",
    );
    expect(bound).toContain(
      "l.dt <= date_format(from_iso8601_timestamp('2026-12-01T00:00:00Z') + INTERVAL '1' HOUR, '%Y/%m/%d/%H')",
    );
    expect(bound).toContain(
      `from_iso8601_timestamp(l."timestamp") >= from_iso8601_timestamp('2026-11-01T00:00:00Z')`,
    );
    expect(bound).toContain(
      `from_iso8601_timestamp(l."timestamp") < from_iso8601_timestamp('2026-12-01T00:00:00Z')`,
    );
    expect(() => astify(bound)).not.toThrow();
  });

  test('accepts UTC instants as bounds', () => {
    expect(reportQueryParameters('2026-11-01T06:30:00Z', '2026-11-02T00:00:00.000Z')).toEqual([
      "'2026-11-01T06:30:00Z'",
      "'2026-11-02T00:00:00.000Z'",
      "'2026-11-01T06:30:00Z'",
      "'2026-11-02T00:00:00.000Z'",
    ]);
  });

  test.each([
    ['2026-02-30', '2026-03-01', /from must be a UTC date or instant .*'2026-02-30'/],
    ['2026-11-01', '2026-11-01T00:00:00+01:00', /to must be a UTC date or instant/],
    ['2026-11-01', "2026-12-01'; DROP TABLE x; --", /to must be a UTC date or instant/],
    ['2026-11-01T25:00:00Z', '2026-12-01', /from must be a UTC date or instant/],
  ])('rejects the bounds %s, %s', (from, to, message) => {
    expect(() => reportQueryParameters(from, to)).toThrow(message);
  });

  test('groups by record day, developer, team, cost center, tier and model with unrounded cost', () => {
    expect(sql).toContain(
      `date_format(from_iso8601_timestamp(l."timestamp"), '%Y-%m-%d') AS event_day`,
    );
    expect(sql).toContain(
      'GROUP BY c.event_day, c.developer_id, c.team, c.cost_center, c.tier, c.model',
    );
    expect(sql).toContain('SUM(c.cost_usd) AS cost_usd');
    expect(sql).not.toMatch(/ROUND\(SUM\(c\.cost_usd\)/);
    expect(sql).toContain("COUNT_IF(c.error_code LIKE '%Throttl%') AS throttles");
  });
});

describe('names of saved queries and unattributed developers', () => {
  test('a saved query is named {project}-{key} and the project is read back from the name', () => {
    const name = namedQueryName('acme-claude', REPORT_QUERY_KEY);
    expect(name).toBe('acme-claude-usage-by-developer-tier-day');
    expect(projectOfNamedQuery(name, REPORT_QUERY_KEY)).toBe('acme-claude');
    expect(projectOfNamedQuery('acme-claude-cost-by-model-30d', REPORT_QUERY_KEY)).toBeUndefined();
    expect(projectOfNamedQuery(`-${REPORT_QUERY_KEY}`, REPORT_QUERY_KEY)).toBeUndefined();
  });

  test('calls without a developer profile carry an unattributed developer id', () => {
    expect(byKey('cost-by-developer-7d').sql).toContain(
      "COALESCE(p.developer_id, concat('unattributed:', COALESCE(l.identity.arn, 'unknown')))",
    );
    expect(isUnattributed('unattributed:arn:aws:iam::123456789012:user/ci')).toBe(true);
    expect(isUnattributed('alice@example.com')).toBe(false);
  });
});
