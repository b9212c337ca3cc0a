// npm run report, against a fake `aws` (no emulator): periods and usage errors, the Athena
// protocol (named query, parameters, polling, pagination, failures), aggregation per --by, the
// live and billed sources, and the text formats.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { developerStatuses } from '../caps-status.mjs';
import { ROOT } from '../lib.mjs';
import { ReportError, main } from '../report.mjs';
import { csvField, formatCsv, formatMarkdown, formatTable } from '../report/format.mjs';
import { billedReasons, buildReport, cacheHitRatio } from '../report/model.mjs';
import { parsePeriod } from '../report/period.mjs';
import {
  attribution,
  awsTimestamp,
  billedSource,
  queryResults,
  waitForQuery,
} from '../report/sources.mjs';

const NOW = new Date('2026-11-20T10:00:00.000Z');
const UNATTRIBUTED_CI = 'unattributed:arn:aws:iam::123456789012:user/ci';
const COLUMNS = [
  ['day', 'varchar'],
  ['developer_id', 'varchar'],
  ['team', 'varchar'],
  ['cost_center', 'varchar'],
  ['tier', 'varchar'],
  ['model', 'varchar'],
  ['calls', 'bigint'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_tokens', 'bigint'],
  ['cost_usd', 'double'],
  ['errors', 'bigint'],
  ['throttles', 'bigint'],
];
// The query's rows (estimated total 1.0 USD): alice 0.75, bob 0.2, two unattributed callers 0.05.
const QUERY_ROWS = [
  [
    '2026-11-02',
    'alice',
    'platform',
    'CC-1',
    'sonnet',
    'us.sonnet',
    2,
    1000,
    200,
    5000,
    300,
    0.5,
    0,
    0,
  ],
  ['2026-11-02', 'bob', 'data', 'CC-2', 'sonnet', 'us.sonnet', 3, 300, 30, 0, 0, 0.2, 1, 1],
  ['2026-11-03', 'alice', 'platform', 'CC-1', 'opus', 'us.opus', 1, 100, 50, 0, 0, 0.25, 0, 0],
  [
    '2026-11-03',
    UNATTRIBUTED_CI,
    'unattributed',
    'unattributed',
    'sonnet',
    'us.sonnet',
    1,
    10,
    10,
    0,
    0,
    0.05,
    0,
    0,
  ],
  [
    '2026-11-03',
    'unattributed:unknown',
    'unattributed',
    'unattributed',
    'unpriced',
    'anthropic.x',
    1,
    5,
    5,
    0,
    0,
    0,
    0,
    0,
  ],
];
const QUERY_NAME = 'acme-claude-usage-by-developer-tier-day';
const OUTPUTS = {
  athena_workgroup: { value: 'acme-claude-bedrock-logs' },
  athena_database: { value: 'acme_claude_bedrock_logs' },
};
const CAPS = {
  usage_table: 'acme-claude-usage',
  caps_bucket: 'acme-claude-caps',
  caps_key: 'caps.json',
  period: 'monthly',
};
const CAPS_DOCUMENT = {
  period: 'monthly',
  developers: {
    alice: { capUsd: 1, team: 'platform', profiles: {} },
    bob: { capUsd: 0.1, team: 'data', profiles: {} },
    carol: { capUsd: 5, team: 'data', profiles: {} },
  },
};
const USAGE_ITEMS = [
  {
    developer: { S: 'alice' },
    costUsd: { N: '0.8' },
    calls: { N: '3' },
    warned: { NS: ['80'] },
    updatedAt: { S: '2026-11-20T09:59:57.000Z' },
  },
  { developer: { S: 'bob' }, costUsd: { N: '0.12' }, calls: { N: '3' }, blocked: { BOOL: true } },
];
// Two pages of Cost Explorer groups: 1.1 USD billed.
const BILLED_PAGES = [
  {
    ResultsByTime: [
      {
        Estimated: true,
        Groups: [
          { Keys: ['User$alice', 'Team$platform'], Metrics: { UnblendedCost: { Amount: '0.7' } } },
          { Keys: ['User$', 'Team$'], Metrics: { UnblendedCost: { Amount: '0.3' } } },
        ],
      },
    ],
    NextPageToken: 'page-2',
  },
  {
    ResultsByTime: [
      {
        Groups: [
          { Keys: ['User$dave', 'Team$data'], Metrics: { UnblendedCost: { Amount: '0.1' } } },
        ],
      },
    ],
  },
];

/** A fake `aws` recording its calls; Athena returns `rows` in pages of `pageSize`. */
function fakeAws({
  rows = QUERY_ROWS,
  pageSize = 2,
  states = ['QUEUED', 'RUNNING', 'SUCCEEDED'],
  finalStatus = {},
  names = [QUERY_NAME, 'acme-claude-cost-by-model-30d'],
  billedPages = BILLED_PAGES,
  activeTags = ['Project', 'User', 'Team'],
} = {}) {
  const calls = [];
  let polls = 0;
  const header = { Data: COLUMNS.map(([name]) => ({ VarCharValue: name })) };
  const data = rows.map((r) => ({ Data: r.map((v) => ({ VarCharValue: String(v) })) }));
  const pages = [];
  for (let i = 0; i < data.length || i === 0; i += pageSize)
    pages.push(data.slice(i, i + pageSize));
  const aws = (args) => {
    calls.push(args);
    const arg = (flag) => args[args.indexOf(flag) + 1];
    switch (`${args[0]} ${args[1]}`) {
      case 'athena list-named-queries':
        return { NamedQueryIds: names.map((_, i) => `nq-${i}`) };
      case 'athena batch-get-named-query':
        return {
          NamedQueries: args.slice(3).map((id) => ({
            NamedQueryId: id,
            Name: names[Number(id.slice(3))],
            QueryString: 'SELECT 1 WHERE ? < ?',
          })),
        };
      case 'athena start-query-execution':
        return { QueryExecutionId: 'qe-1' };
      case 'athena get-query-execution': {
        const State = states[Math.min(polls++, states.length - 1)];
        const last = !['QUEUED', 'RUNNING'].includes(State);
        return {
          QueryExecution: {
            QueryExecutionId: 'qe-1',
            Status: {
              State,
              ...(last ? { CompletionDateTime: NOW.toISOString(), ...finalStatus } : {}),
            },
            Statistics: { DataScannedInBytes: 1_200_000 },
          },
        };
      }
      case 'athena stop-query-execution':
        return {};
      case 'athena get-query-results': {
        const page = Number(args.includes('--next-token') ? arg('--next-token') : 0);
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: COLUMNS.map(([Name, Type]) => ({ Name, Type })) },
            Rows: page === 0 ? [header, ...pages[0]] : pages[page],
          },
          ...(page + 1 < pages.length ? { NextToken: String(page + 1) } : {}),
        };
      }
      case 's3 cp':
        return CAPS_DOCUMENT;
      case 'dynamodb batch-get-item':
        return { Responses: { [CAPS.usage_table]: USAGE_ITEMS } };
      case 'ce list-cost-allocation-tags':
        if (activeTags === null) throw new Error('AccessDeniedException');
        return {
          CostAllocationTags: activeTags.map((TagKey) => ({ TagKey, Status: 'Active' })),
        };
      case 'ce get-cost-and-usage':
        return billedPages[args.includes('--next-page-token') ? 1 : 0];
      default:
        throw new Error(`unexpected aws ${args.join(' ')}`);
    }
  };
  aws.calls = calls;
  aws.callsOf = (service, op) => calls.filter((c) => c[0] === service && c[1] === op);
  return aws;
}

/** Runs the report; returns `{ code, text, aws }`. */
async function report(argv, { outputs = OUTPUTS, ...fake } = {}) {
  const aws = fakeAws(fake);
  const lines = [];
  const code = await main(['--env', 'dev', ...argv], (l) => lines.push(l), {
    outputs,
    aws,
    now: NOW,
    sleep: async () => {},
  });
  return { code, text: lines.join('\n'), aws };
}

const json = async (argv, opts) =>
  JSON.parse((await report([...argv, '--format', 'json'], opts)).text);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

describe('period', () => {
  it('--period is a calendar month [first day, first day of the next)', () => {
    assert.deepEqual(parsePeriod({ period: '2026-12' }, NOW).period, {
      from: '2026-12-01',
      to: '2027-01-01',
      label: '2026-12',
    });
  });

  it('--to is inclusive; --from alone runs to today; the default is the month to date', () => {
    assert.deepEqual(parsePeriod({ from: '2026-11-01', to: '2026-11-15' }, NOW).period, {
      from: '2026-11-01',
      to: '2026-11-16',
      label: '2026-11-01 – 2026-11-15',
    });
    assert.equal(parsePeriod({ from: '2026-11-03' }, NOW).period.to, '2026-11-21');
    assert.deepEqual(parsePeriod({}, NOW).period, {
      from: '2026-11-01',
      to: '2026-11-21',
      label: '2026-11-01 – 2026-11-20',
    });
    assert.equal(
      parsePeriod({ from: '2026-11-30', to: '2026-11-30' }, NOW).period.label,
      '2026-11-30',
    );
  });

  it('reports every usage problem at once, exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const out = join(dir, 'r.csv');
    await assert.rejects(
      report([
        '--period',
        '2026-13',
        '--from',
        '2026-02-30',
        '--to',
        '2026-1-1',
        '--by',
        'x',
        '--format',
        'xls',
        '--out',
        out,
        '--bogus',
        '--billed=yes',
      ]),
      (err) => {
        assert.ok(err instanceof ReportError);
        assert.equal(err.code, 2);
        for (const part of [
          "unknown option '--bogus'",
          "option '--billed' takes no value",
          "--period must be a month YYYY-MM (got '2026-13')",
          "--from must be a date YYYY-MM-DD (got '2026-02-30')",
          "--to must be a date YYYY-MM-DD (got '2026-1-1')",
          'use either --period or --from/--to, not both',
          "unknown --by 'x'",
          "unknown --format 'xls'",
        ]) {
          assert.ok(err.message.includes(part), `${part} missing from: ${err.message}`);
        }
        return true;
      },
    );
    assert.equal(existsSync(out), false);
  });

  it('rejects --to before --from, --to alone, a missing --out directory and a missing --env', async () => {
    await assert.rejects(
      report(['--from', '2026-11-10', '--to', '2026-11-01']),
      /--to 2026-11-01 is before --from 2026-11-10/,
    );
    await assert.rejects(report(['--to', '2026-11-01']), /--to needs --from/);
    await assert.rejects(
      report(['--out', '/no/such/dir/r.md']),
      /--out \/no\/such\/dir\/r.md: the directory \/no\/such\/dir does not exist/,
    );
    await assert.rejects(
      main([], () => {}),
      (err) => err.code === 2 && /--env is required/.test(err.message),
    );
  });
});

describe('logs: the named query through the Athena API', () => {
  it('runs the saved query in the workgroup with the period as execution parameters', async () => {
    const { aws } = await report(['--period', '2026-11']);
    const [start] = aws.callsOf('athena', 'start-query-execution');
    const arg = (flag) => start[start.indexOf(flag) + 1];
    assert.equal(arg('--work-group'), 'acme-claude-bedrock-logs');
    assert.equal(arg('--query-execution-context'), 'Database=acme_claude_bedrock_logs');
    assert.equal(arg('--query-string'), 'SELECT 1 WHERE ? < ?');
    const params = start.slice(start.indexOf('--execution-parameters') + 1);
    assert.deepEqual(params, attribution().reportQueryParameters('2026-11-01', '2026-12-01'));
    assert.equal(params[0], "'2026-11-01T00:00:00Z'");
  });

  it('reads every page of results, without the header row', async () => {
    const aws = fakeAws({ pageSize: 2 });
    const rows = queryResults(aws, 'qe-1');
    assert.equal(rows.length, QUERY_ROWS.length);
    assert.deepEqual(
      aws.callsOf('athena', 'get-query-results').map((c) => c.slice(c.indexOf('--no-paginate'))),
      [
        ['--no-paginate', '--max-results', '1000'],
        ['--no-paginate', '--max-results', '1000', '--next-token', '1'],
        ['--no-paginate', '--max-results', '1000', '--next-token', '2'],
      ],
    );
    assert.deepEqual(rows[0], {
      day: '2026-11-02',
      developer_id: 'alice',
      team: 'platform',
      cost_center: 'CC-1',
      tier: 'sonnet',
      model: 'us.sonnet',
      calls: 2,
      input_tokens: 1000,
      output_tokens: 200,
      cache_read_tokens: 5000,
      cache_write_tokens: 300,
      cost_usd: 0.5,
      errors: 0,
      throttles: 0,
    });
  });

  it('polls with doubling waits up to 5 s, then stops the query at the timeout', async () => {
    const aws = fakeAws({ states: ['RUNNING'] });
    const waits = [];
    await assert.rejects(
      waitForQuery(aws, 'qe-1', {
        poll: { firstMs: 200, maxMs: 5000, timeoutMs: 20_000 },
        sleep: async (ms) => waits.push(ms),
      }),
      /^ReportError: Athena query qe-1 did not finish within 20 s \(still RUNNING\); it was stopped$/,
    );
    assert.deepEqual(waits, [200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    assert.equal(aws.callsOf('athena', 'stop-query-execution').length, 1);
  });

  it("reports a failed query with Athena's error, in one line, and writes nothing", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.json');
    const finalStatus = {
      StateChangeReason: 'query failed',
      AthenaError: { ErrorMessage: "COLUMN_NOT_FOUND: line 3:8: Column 'x' cannot be resolved" },
    };
    await assert.rejects(
      report(['--out', out], { states: ['RUNNING', 'FAILED'], finalStatus }),
      (err) =>
        err.code === 1 &&
        err.message ===
          "Athena query qe-1 failed: COLUMN_NOT_FOUND: line 3:8: Column 'x' cannot be resolved",
    );
    assert.equal(existsSync(out), false);
  });

  it('names the bytes-scanned cutoff when Athena cancels a query for it', async () => {
    await assert.rejects(
      report([], {
        states: ['CANCELLED'],
        finalStatus: { StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded' },
      }),
      /^ReportError: Athena query qe-1 was cancelled: Query cancelled! : Bytes scanned limit was exceeded \(the workgroup's bytes-scanned cutoff, attribution.bytesScannedCutoffPerQuery/,
    );
    await assert.rejects(
      report([], {
        states: ['CANCELLED'],
        finalStatus: { StateChangeReason: 'cancelled by user' },
      }),
      (err) => err.message === 'Athena query qe-1 was cancelled: cancelled by user',
    );
  });

  it('fails clearly when the workgroup lacks the report query', async () => {
    await assert.rejects(
      report([], { names: ['acme-claude-cost-by-model-30d'] }),
      /the named query \*-usage-by-developer-tier-day is not in the Athena workgroup acme-claude-bedrock-logs: deploy this version of the kit/,
    );
  });
});

describe('rows per --by', () => {
  const keys = (r) => r.rows.map((row) => [row.key, Number(row.estimatedUsd.toFixed(6))]);

  for (const [by, expected] of [
    [
      'developer',
      [
        ['alice', 0.75],
        ['bob', 0.2],
        ['unattributed', 0.05],
      ],
    ],
    [
      'team',
      [
        ['platform', 0.75],
        ['data', 0.2],
        ['unattributed', 0.05],
      ],
    ],
    [
      'cost-center',
      [
        ['CC-1', 0.75],
        ['CC-2', 0.2],
        ['unattributed', 0.05],
      ],
    ],
    [
      'model',
      [
        ['us.sonnet', 0.7],
        ['us.opus', 0.25],
        ['unattributed', 0.05],
      ],
    ],
    [
      'tier',
      [
        ['sonnet', 0.7],
        ['opus', 0.25],
        ['unattributed', 0.05],
      ],
    ],
    [
      'day',
      [
        ['2026-11-02', 0.7],
        ['2026-11-03', 0.25],
        ['unattributed', 0.05],
      ],
    ],
  ]) {
    it(`--by ${by}: one row per value, the unattributed row kept, shares summing to 1`, async () => {
      const r = await json(['--period', '2026-11', '--by', by]);
      assert.deepEqual(keys(r), expected);
      close(sum(r.rows.map((row) => row.share)), 1);
      close(r.totals.estimatedUsd, 1);
      assert.equal(r.totals.calls, 8);
      assert.deepEqual(
        r.rows.map((row) => row.unattributed),
        [false, false, true],
      );
    });
  }

  it('sums tokens and computes the cache hit ratio, null when there is nothing to hit', async () => {
    const r = await json(['--period', '2026-11']);
    const alice = r.rows.find((row) => row.key === 'alice');
    assert.deepEqual(
      [
        alice.calls,
        alice.inputTokens,
        alice.outputTokens,
        alice.cacheReadTokens,
        alice.cacheWriteTokens,
      ],
      [3, 1100, 250, 5000, 300],
    );
    assert.equal(alice.cacheHitRatio, 5000 / 6400);
    assert.equal(alice.team, 'platform');
    assert.equal(alice.costCenter, 'CC-1');
    assert.equal(r.rows.find((row) => row.key === 'bob').cacheHitRatio, 0);
    assert.equal(cacheHitRatio({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }), null);
    const empty = await json(['--period', '2026-11'], { rows: [] });
    assert.deepEqual(
      empty.rows.filter((row) => !row.capUsd),
      [],
    );
    assert.equal(empty.totals.cacheHitRatio, null);
  });

  it('prints the contract object: its keys, sources and charts', async () => {
    const r = await json(['--period', '2026-11']);
    assert.deepEqual(Object.keys(r), [
      'schemaVersion',
      'environment',
      'project',
      'generatedAt',
      'period',
      'by',
      'sources',
      'rows',
      'totals',
      'billed',
      'charts',
    ]);
    assert.equal(r.schemaVersion, 1);
    assert.equal(r.project, 'acme-claude');
    assert.deepEqual(r.period, { from: '2026-11-01', to: '2026-12-01', label: '2026-11' });
    assert.deepEqual(
      r.sources.map((s) => s.name),
      ['logs'],
    );
    assert.equal(
      r.sources[0].description,
      `Athena workgroup acme-claude-bedrock-logs, named query ${QUERY_NAME}, 1.2 MB scanned`,
    );
    assert.deepEqual(Object.keys(r.rows[0]), [
      'key',
      'label',
      'team',
      'costCenter',
      'unattributed',
      'calls',
      'inputTokens',
      'outputTokens',
      'cacheReadTokens',
      'cacheWriteTokens',
      'cacheHitRatio',
      'estimatedUsd',
      'billedUsd',
      'share',
      'capUsd',
      'capState',
      'liveUsd',
    ]);
    assert.deepEqual(Object.keys(r.totals), [
      'calls',
      'inputTokens',
      'outputTokens',
      'cacheReadTokens',
      'cacheWriteTokens',
      'cacheHitRatio',
      'estimatedUsd',
      'billedUsd',
    ]);
    assert.equal(r.billed, null);
    const { charts } = r;
    assert.equal(charts.spendByTeamDaily.days.length, 20); // to today (2026-11-20), not the month's end
    const platform = charts.spendByTeamDaily.series.find((s) => s.team === 'platform');
    close(platform.usd[1], 0.5);
    close(platform.usd[2], 0.25);
    assert.deepEqual(
      charts.spendByTeamDaily.series.map((s) => s.team),
      ['platform', 'data', 'unattributed'],
    );
    assert.deepEqual(charts.topDevelopers, [
      { developer: 'alice', team: 'platform', usd: 0.75 },
      { developer: 'bob', team: 'data', usd: 0.2 },
    ]);
    assert.deepEqual(
      charts.tierMix.map((t) => [t.tier, t.calls]),
      [
        ['sonnet', 6],
        ['opus', 1],
        ['unpriced', 1],
      ],
    );
    assert.equal(charts.cacheHitRatio.overall, 5000 / (1415 + 5000 + 300));
    assert.deepEqual(charts.blocked, []);
  });

  it('keeps the top developers chart to ten', () => {
    const usage = Array.from({ length: 12 }, (_, i) => ({
      day: '2026-11-02',
      developer: `d${i}`,
      team: 't',
      costCenter: 'c',
      tier: 'sonnet',
      model: 'm',
      unattributed: false,
      calls: 1,
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      usd: i,
    }));
    const r = buildReport({
      environment: 'dev',
      project: 'p',
      now: NOW,
      by: 'developer',
      usage,
      sources: [],
      period: { from: '2026-11-01', to: '2026-12-01', label: '2026-11' },
    });
    assert.deepEqual(
      r.charts.topDevelopers.map((d) => d.developer),
      ['d11', 'd10', 'd9', 'd8', 'd7', 'd6', 'd5', 'd4', 'd3', 'd2'],
    );
  });
});

describe('live: the spend-cap usage table', () => {
  const outputs = { ...OUTPUTS, spend_caps: { value: CAPS } };

  it("shows each developer's cap, state and live spend in the current period", async () => {
    const r = await json(['--period', '2026-11'], { outputs });
    assert.deepEqual(
      r.sources.map((s) => s.name),
      ['logs', 'live'],
    );
    assert.equal(
      r.sources[1].description,
      'spend-cap usage table acme-claude-usage, period 2026-11, 3 s old',
    );
    const by = Object.fromEntries(r.rows.map((row) => [row.key, row]));
    assert.deepEqual([by.alice.capUsd, by.alice.capState, by.alice.liveUsd], [1, 'warned', 0.8]);
    assert.deepEqual([by.bob.capUsd, by.bob.capState, by.bob.liveUsd], [0.1, 'blocked', 0.12]);
    assert.deepEqual([by.unattributed.capUsd, by.unattributed.capState], [null, null]);
    assert.equal(by.carol, undefined); // nothing spent, nothing blocked
    assert.deepEqual(r.charts.blocked, [
      { developer: 'bob', team: 'data', capUsd: 0.1, spentUsd: 0.12 },
    ]);
  });

  it('leaves live spend, caps and states (the current cap period’s) out of a past period, and caps out of other dimensions', async () => {
    const past = await json(['--period', '2026-10'], { outputs });
    assert.ok(past.rows.every((row) => row.liveUsd === null));
    assert.ok(past.rows.every((row) => row.capUsd === null && row.capState === null));
    const current = await json(['--period', '2026-11'], { outputs });
    assert.equal(current.rows.find((row) => row.key === 'bob').capState, 'blocked');
    const team = await json(['--period', '2026-11', '--by', 'team'], { outputs });
    assert.ok(team.rows.every((row) => row.capUsd === null && row.capState === null));
  });

  it('is the rule npm run caps status prints (cap override, blocked before exempt)', () => {
    const rows = new Map([
      ['alice', { capOverrideUsd: { N: '2' }, costUsd: { N: '1' }, exempt: { BOOL: true } }],
      ['bob', { costUsd: { N: '0.2' }, blocked: { BOOL: true }, exempt: { BOOL: true } }],
    ]);
    const s = developerStatuses(CAPS_DOCUMENT, rows);
    assert.deepEqual(
      s.map((d) => [d.developer, d.capUsd, d.spentUsd, d.state, d.percent]),
      [
        ['alice', 2, 1, 'exempt', 50],
        ['bob', 0.1, 0.2, 'blocked', 200],
        ['carol', 5, 0, 'ok', 0],
      ],
    );
  });
});

describe('billed: Cost Explorer by the User and Team tags', () => {
  it('follows every page, reports untagged spend (User$) apart from the unattributed calls, and explains the difference', async () => {
    const { text, aws } = await report(['--period', '2026-11', '--billed', '--format', 'json']);
    const r = JSON.parse(text);
    const calls = aws.callsOf('ce', 'get-cost-and-usage');
    assert.equal(calls.length, 2);
    const arg = (flag) => calls[0][calls[0].indexOf(flag) + 1];
    assert.equal(arg('--time-period'), 'Start=2026-11-01,End=2026-11-21'); // End exclusive, at most tomorrow
    assert.equal(arg('--metrics'), 'UnblendedCost');
    assert.deepEqual(
      calls[0].slice(calls[0].indexOf('--group-by') + 1, calls[0].indexOf('--group-by') + 3),
      ['Type=TAG,Key=User', 'Type=TAG,Key=Team'],
    );
    assert.deepEqual(JSON.parse(arg('--filter')), {
      Tags: { Key: 'Project', Values: ['acme-claude'], MatchOptions: ['EQUALS'] },
    });
    assert.equal(calls[1][calls[1].indexOf('--next-page-token') + 1], 'page-2');

    const billed = Object.fromEntries(r.rows.map((row) => [row.key, row.billedUsd]));
    // The untagged bill is not the unattributed calls' bill: it is the billed section's.
    assert.deepEqual(billed, { alice: 0.7, bob: 0, dave: 0.1, unattributed: null });
    close(r.billed.untaggedUsd, 0.3);
    assert.equal(r.rows.find((row) => row.key === 'dave').calls, 0);
    close(r.totals.billedUsd, 1.1);
    close(r.billed.differenceUsd, 0.1);
    assert.equal(r.billed.estimatedUsd, r.totals.estimatedUsd);
    const reasons = r.billed.reasons.join('\n');
    assert.match(reasons, /0\.30 USD billed without a User tag/);
    assert.match(
      reasons,
      /1 developer\(s\) with estimated spend have nothing billed under their User tag \(bob\)/,
    );
    assert.match(reasons, /0\.05 USD estimated for calls not made through a developer profile/);
    assert.match(reasons, /Cost Explorer lags up to 24 h/);
    assert.match(reasons, /AWS Marketplace/);
    assert.equal(r.sources.at(-1).name, 'billed');
  });

  it('by team, per Team tag; other dimensions get the total only', async () => {
    const team = await json(['--period', '2026-11', '--billed', '--by', 'team']);
    assert.deepEqual(Object.fromEntries(team.rows.map((row) => [row.key, row.billedUsd])), {
      platform: 0.7,
      data: 0.1,
      unattributed: null,
    });
    const tier = await json(['--period', '2026-11', '--billed', '--by', 'tier']);
    assert.ok(tier.rows.every((row) => row.billedUsd === null));
    close(tier.totals.billedUsd, 1.1);
  });

  it('names the cost-allocation tags that are not active, and reads the bill when it may not list them', () => {
    const period = { from: '2026-10-01', to: '2026-11-01' };
    const inactive = billedSource(fakeAws({ activeTags: ['User'] }), {
      project: 'acme-claude',
      period,
      now: NOW,
    });
    assert.deepEqual(inactive.inactiveTags, ['Project', 'Team']);
    const reasons = billedReasons({ usage: [], billed: inactive, now: NOW });
    assert.match(reasons[0], /^the cost-allocation tag\(s\) Project, Team are not active/);
    const unknown = billedSource(fakeAws({ activeTags: null }), {
      project: 'acme-claude',
      period,
      now: NOW,
    });
    assert.equal(unknown.inactiveTags, undefined);
    assert.ok(unknown.groups.length > 0);
    assert.ok(
      billedReasons({ usage: [], billed: unknown, now: NOW }).every((r) => !/not active/.test(r)),
    );
  });

  it('gives no reasons where the bill and the estimate agree', () => {
    const billed = billedSource(
      fakeAws({
        billedPages: [
          {
            ResultsByTime: [
              {
                Groups: [
                  {
                    Keys: ['User$alice', 'Team$platform'],
                    Metrics: { UnblendedCost: { Amount: '0.75' } },
                  },
                ],
              },
            ],
          },
        ],
      }),
      { project: 'acme-claude', period: { from: '2026-10-01', to: '2026-11-01' }, now: NOW },
    );
    const usage = [
      {
        day: '2026-10-02',
        developer: 'alice',
        team: 'platform',
        costCenter: 'CC-1',
        tier: 'sonnet',
        model: 'm',
        unattributed: false,
        calls: 1,
        inputTokens: 1,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        usd: 0.75,
      },
    ];
    const r = buildReport({
      environment: 'dev',
      project: 'acme-claude',
      now: NOW,
      by: 'developer',
      usage,
      billed,
      sources: [],
      period: { from: '2026-10-01', to: '2026-11-01', label: '2026-10' },
    });
    assert.deepEqual(r.billed, {
      totalUsd: 0.75,
      untaggedUsd: 0,
      estimatedUsd: 0.75,
      differenceUsd: 0,
      reasons: [],
    });
  });
});

describe('formats', () => {
  it('quotes CSV fields as RFC 4180 says', () => {
    assert.equal(csvField('plain'), 'plain');
    // A spreadsheet would evaluate these as formulas: shown as text instead.
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('@alice'), "'@alice");
    assert.equal(csvField(-0.5), '-0.5');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0.000001), '0.000001');
  });

  it('CSV: a header, one record per row with unformatted numbers, CRLF line ends', async () => {
    const r = await json(['--period', '2026-11']);
    const lines = formatCsv(r).split('\r\n');
    assert.equal(lines.at(-1), '');
    assert.match(
      lines[0],
      /^key,label,team,cost_center,unattributed,calls,input_tokens,.*,live_usd,sources$/,
    );
    assert.equal(lines.length, r.rows.length + 2);
    assert.equal(
      lines[1],
      `alice,alice,platform,CC-1,false,3,1100,250,5000,300,${5000 / 6400},0.75,,0.75,,,,logs`,
    );
  });

  it('table and Markdown name every source, show the totals and the unattributed row', async () => {
    const outputs = { ...OUTPUTS, spend_caps: { value: CAPS } };
    const r = await json(['--period', '2026-11', '--billed'], { outputs });
    for (const text of [formatTable(r), formatMarkdown(r)]) {
      for (const s of r.sources) assert.ok(text.includes(s.description), `${s.name} missing`);
      assert.match(text, /unattributed/);
      assert.match(text, /total/);
      assert.match(text, /billed 1\.1000 USD, estimated 1\.0000 USD, difference 0\.1000 USD/i);
      assert.match(text, /cap USD/);
    }
    const table = formatTable(r).split('\n');
    const header = table.find((l) => l.startsWith('developer'));
    assert.match(
      header,
      /^developer\s+team\s+cost center\s+calls\s+input.*est\. USD\s+billed USD\s+share\s+cap USD\s+state\s+live USD$/,
    );
    assert.match(
      table.find((l) => l.startsWith('total')),
      /\s8\s.*1\.0000\s+1\.1000\s+100\.0 %/,
    );
    const md = formatMarkdown(r);
    assert.match(md, /^\| \*\*total\*\* \|/m);
    // A cell is text: no raw HTML, no extra column.
    const hostile = { ...r, rows: [{ ...r.rows[0], label: '<img src=x onerror=alert(1)>|x' }] };
    assert.match(formatMarkdown(hostile), /\| &lt;img src=x onerror=alert\(1\)>\\\|x \|/);
    assert.match(md, /^- \*\*logs\*\*: Athena workgroup/m);
  });

  it('writes --out and prints where', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.md');
    const { code, text } = await report(['--period', '2026-11', '--format', 'md', '--out', out]);
    assert.equal(code, 0);
    assert.equal(text, `wrote ${out} (md, 3 rows, 2026-11)`);
    assert.match(readFileSync(out, 'utf8'), /^# Claude Code usage: dev \(acme-claude\), 2026-11\n/);
  });

  it('--format html renders through scripts/report/html.mjs, or says it is missing', async () => {
    const renderer = join(ROOT, 'scripts', 'report', 'html.mjs');
    if (existsSync(renderer)) {
      const { text } = await report(['--period', '2026-11', '--format', 'html']);
      assert.match(text, /<html/i);
    } else {
      await assert.rejects(
        report(['--format', 'html']),
        /--format html needs the HTML renderer scripts\/report\/html\.mjs/,
      );
    }
  });
});

it('errors are one line on stderr, without a stack trace', () => {
  const res = spawnSync('node', [join(ROOT, 'scripts', 'report.mjs'), '--env', 'no-such-env'], {
    encoding: 'utf8',
  });
  assert.equal(res.status, 1);
  assert.equal(
    res.stderr,
    "no deployment of 'no-such-env' found: run 'cdktf deploy' in apps/no-such-env (or use --local)\n",
  );
  assert.equal(res.stdout, '');
});

describe('awsTimestamp', () => {
  it('reads epoch seconds (AWS CLI v1, number or text) and ISO 8601 (CLI v2)', () => {
    const iso = '2026-12-01T06:31:04.065Z';
    assert.equal(awsTimestamp(1796106664.065).toISOString(), iso);
    assert.equal(awsTimestamp('1796106664.065').toISOString(), iso);
    assert.equal(awsTimestamp('2026-12-01T06:31:04.065000+00:00').toISOString(), iso);
  });
});
