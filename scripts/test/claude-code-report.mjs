// See the spend: after the developers' real Claude Code calls (claude-code.test.mjs), every named
// Athena query of the deployed workgroup runs on the emulator's Athena over the records the data
// plane wrote to S3 (plus the shared fixture records), and `npm run report` prints them. Every
// expected number is computed here, from the records and the config's prices, by a formula
// written out below (not the kit's).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { it } from 'node:test';
import { ROOT } from '../lib.mjs';
import { main as reportMain } from '../report.mjs';
import { queryResults, waitForQuery } from '../report/sources.mjs';

const FIXTURES = join(
  ROOT,
  'packages',
  'testing',
  'test',
  'fixtures',
  'bedrock-invocation-log-sample.jsonl',
);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** cost = Σ tokens × USD per million tokens, absent counts as 0. */
function costOf(record, price) {
  const n = (v) => (typeof v === 'number' ? v : 0);
  return (
    (n(record.input?.inputTokenCount) * price.input +
      n(record.output?.outputTokenCount) * price.output +
      n(record.input?.cacheReadInputTokenCount) * price.cacheRead +
      n(record.input?.cacheWriteInputTokenCount) * price.cacheWrite) /
    1_000_000
  );
}

const hourKey = (ms) => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '/');

/**
 * Registers the tests. `env` gives the deployment once the describe's `before` ran:
 * `{ ctx, outputs(), config(), clock() }`.
 */
export function reportTests(env) {
  let records; // [{ record, dtMs }] every invocation record in S3 with its delivery hour
  let attributed; // profile ARN -> { developer, team, costCenter, tier }

  const tierPrice = (tier) => env.config().prices[tier];
  /** The tier whose system profile (or its foundation model) a call named directly, if any. */
  const systemTier = (modelId) => {
    for (const [tier, model] of Object.entries(env.config().models)) {
      const profileId = typeof model === 'string' ? model : model.profileId;
      if (modelId === profileId || modelId === profileId.replace(/^[a-z]+\./, '')) return tier;
    }
    return undefined;
  };

  /** Every record in the log bucket with the hour of the folder it was delivered to. */
  function s3Records() {
    const hour =
      /BedrockModelInvocationLogs\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+\.json\.gz$/;
    return env.ctx
      .gzippedJsonLines(env.outputs().invocation_logs_bucket.value)
      .filter(({ key }) => hour.test(key))
      .flatMap(({ key, records }) => {
        const m = hour.exec(key);
        const dtMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]);
        return records.map((record) => ({ record, dtMs }));
      });
  }

  /**
   * Runs `sql` in the environment's workgroup through the report's own Athena client (polling,
   * paging); returns rows as objects keyed by column name. A failed query throws its reason.
   */
  async function athena(sql) {
    const { ctx, outputs } = env;
    const { QueryExecutionId: id } = ctx.aws([
      'athena',
      'start-query-execution',
      '--work-group',
      outputs().athena_workgroup.value,
      '--query-execution-context',
      `Database=${outputs().athena_database.value}`,
      '--query-string',
      sql,
    ]);
    await waitForQuery(ctx.aws, id);
    return queryResults(ctx.aws, id);
  }

  /** Expected per-group sums over `selected` records, keyed by `keyOf`. */
  function expectedGroups(selected, keyOf) {
    const groups = new Map();
    for (const { record } of selected) {
      const who = attributed[record.modelId];
      const key = keyOf(record, who);
      const g = groups.get(key) ?? {
        calls: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
        cost: 0,
      };
      g.calls += 1;
      g.input += record.input?.inputTokenCount ?? 0;
      g.output += record.output?.outputTokenCount ?? 0;
      g.cacheRead += record.input?.cacheReadInputTokenCount ?? 0;
      g.cacheWrite += record.input?.cacheWriteInputTokenCount ?? 0;
      const tier = who?.tier ?? systemTier(record.modelId);
      g.cost += tier ? costOf(record, tierPrice(tier)) : 0;
      groups.set(key, g);
    }
    return groups;
  }

  function assertGroups(rows, expected, keyOf, name) {
    const actual = new Map(rows.map((r) => [keyOf(r), r]));
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${name}: groups`);
    for (const [key, g] of expected) {
      const r = actual.get(key);
      const label = `${name} ${key}`;
      assert.equal(Number(r.calls), g.calls, `${label}: calls`);
      assert.equal(Number(r.input_tokens), g.input, `${label}: input tokens`);
      assert.equal(Number(r.output_tokens), g.output, `${label}: output tokens`);
      assert.equal(Number(r.cache_read_tokens), g.cacheRead, `${label}: cache read`);
      assert.equal(Number(r.cache_write_tokens), g.cacheWrite, `${label}: cache write`);
      // The saved queries round dollars to 4 places.
      assert.ok(
        Math.abs(Number(r.cost_usd) - g.cost) <= 0.00005 + 1e-12,
        `${label}: ${r.cost_usd} USD, expected ${g.cost}`,
      );
    }
  }

  it('the deployed cost queries run on the emulator Athena over the S3 records and fixtures, with the tokens and dollars computed here (all nine are checked on known records in emulator/test_athena_query.py)', async () => {
    const { ctx, outputs, config } = env;
    // The shared fixture records, delivered ten days ago (unknown profiles: unattributed).
    const now = env.clock();
    const fixtureHour = Math.floor((now - 10 * DAY) / HOUR) * HOUR;
    const fixtureLines = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => ({
        ...JSON.parse(l),
        timestamp: new Date(fixtureHour + i * 60_000).toISOString().replace('.000', ''),
      }));
    const key = `bedrock/AWSLogs/${fixtureLines[0].accountId}/BedrockModelInvocationLogs/us-east-1/${hourKey(fixtureHour)}/fixtures.json.gz`;
    const file = join(ctx.WORK, 'fixtures.json.gz');
    writeFileSync(file, gzipSync(fixtureLines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    ctx.aws([
      's3api',
      'put-object',
      '--bucket',
      outputs().invocation_logs_bucket.value,
      '--key',
      key,
      '--body',
      file,
    ]);

    attributed = {};
    const teams = Object.fromEntries(config().teams.map((t) => [t.id, t]));
    for (const [developer, tiers] of Object.entries(outputs().inference_profiles.value)) {
      const dev = config().developers.find((d) => d.id === developer);
      for (const [tier, arn] of Object.entries(tiers)) {
        attributed[arn] = {
          developer,
          team: dev.team,
          costCenter: dev.costCenter ?? teams[dev.team].costCenter,
          tier,
        };
      }
    }
    records = s3Records().filter(({ record }) => record.schemaType === 'ModelInvocationLog');
    assert.ok(
      records.some(({ record }) => attributed[record.modelId]),
      'no attributed record',
    );
    assert.ok(
      records.some(({ record }) => !attributed[record.modelId]),
      'no unattributed record',
    );

    const queries = ctx.aws([
      'athena',
      'list-named-queries',
      '--work-group',
      outputs().athena_workgroup.value,
    ]).NamedQueryIds;
    const named = ctx.aws([
      'athena',
      'batch-get-named-query',
      '--named-query-ids',
      ...queries,
    ]).NamedQueries;
    const sqlOf = (suffix) => {
      const q = named.find((n) => n.Name.endsWith(suffix));
      assert.ok(q, `no named query *${suffix} in ${named.map((n) => n.Name).join(', ')}`);
      return q.QueryString;
    };

    // Windows, computed here: hours of delivery and the record's own time.
    const nowDate = new Date(now);
    const monthStart = Date.UTC(nowDate.getUTCFullYear(), nowDate.getUTCMonth(), 1);
    const prevMonthStart = Date.UTC(nowDate.getUTCFullYear(), nowDate.getUTCMonth() - 1, 1);
    const time = (r) => Date.parse(r.timestamp);
    const lastDays = (n) => records.filter(({ dtMs }) => hourKey(dtMs) >= hourKey(now - n * DAY));
    const windows = {
      '7d': lastDays(7),
      '30d': lastDays(30),
      'previous-month': records.filter(
        ({ record }) => time(record) >= prevMonthStart && time(record) < monthStart,
      ),
      'month-to-date': records.filter(({ record }) => time(record) >= monthStart),
    };
    const developerKey = (r, who) =>
      who ? who.developer : `unattributed:${r.identity?.arn ?? 'unknown'}`;
    const checked = [];

    for (const [suffix, window] of [
      ['cost-by-developer-7d', '7d'],
      ['cost-by-developer-previous-month', 'previous-month'],
    ]) {
      const rows = await athena(sqlOf(suffix));
      assertGroups(
        rows,
        expectedGroups(windows[window], developerKey),
        (r) => r.developer_id,
        suffix,
      );
      checked.push(suffix);
    }
    {
      const rows = await athena(sqlOf('cost-by-team-month-to-date'));
      const key = (r, who) => `${who?.team ?? 'unattributed'}|${who?.costCenter ?? 'unattributed'}`;
      assertGroups(
        rows,
        expectedGroups(windows['month-to-date'], key),
        (r) => `${r.team}|${r.cost_center}`,
        'cost-by-team-month-to-date',
      );
      checked.push('cost-by-team-month-to-date');
    }
    {
      const rows = await athena(sqlOf('daily-cost-trend-30d'));
      const key = (r) => hourKey(Date.parse(r.timestamp)).slice(0, 10);
      // The day is the delivery folder's; records here are delivered in the hour they were made.
      assertGroups(rows, expectedGroups(windows['30d'], key), (r) => r.day, 'daily-cost-trend-30d');
      checked.push('daily-cost-trend-30d');
    }
    assert.ok(checked.length >= 4);
    env.reportState = { records, attributed, windows };
  });

  /** `npm run report` in-process against the test's emulator; returns what it printed. */
  async function report(args) {
    const lines = [];
    const code = await reportMain(['--env', 'dev', '--local', ...args], (l) => lines.push(l), {
      endpoint: env.ctx.emulator.endpoint,
      outputs: env.outputs(),
    });
    assert.equal(code, 0);
    return lines.join('\n');
  }

  it('npm run report --local prints the calls attributed to their developers and teams with exact tokens and dollars', async () => {
    const { records: all } = env.reportState;
    const from = new Date(Math.min(...all.map(({ record }) => Date.parse(record.timestamp))))
      .toISOString()
      .slice(0, 10);
    const json = JSON.parse(await report(['--from', from, '--format', 'json']));
    assert.deepEqual(
      json.sources.map((s) => s.name),
      ['logs', 'live'],
    );
    const developerKey = (_r, who) => who?.developer ?? 'unattributed';
    const expected = expectedGroups(all, developerKey);
    const rows = new Map(json.rows.filter((r) => r.calls > 0).map((r) => [r.key, r]));
    assert.deepEqual([...rows.keys()].sort(), [...expected.keys()].sort());
    let total = 0;
    for (const [key, g] of expected) {
      const r = rows.get(key);
      assert.equal(r.calls, g.calls, `${key}: calls`);
      assert.deepEqual(
        [r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens],
        [g.input, g.output, g.cacheRead, g.cacheWrite],
        `${key}: tokens`,
      );
      assert.ok(Math.abs(r.estimatedUsd - g.cost) < 1e-9, `${key}: ${r.estimatedUsd} != ${g.cost}`);
      total += g.cost;
      if (key !== 'unattributed') {
        const dev = env.config().developers.find((d) => d.id === key);
        assert.equal(r.team, dev.team, `${key}: team`);
        assert.equal(r.capState, 'ok', `${key}: cap state`);
        assert.ok(r.capUsd > 0, `${key}: cap`);
      }
    }
    assert.equal(rows.get('unattributed').unattributed, true);
    assert.ok(Math.abs(json.totals.estimatedUsd - total) < 1e-9);

    // By team, the same dollars; the table names its sources and every developer.
    const byTeam = JSON.parse(await report(['--from', from, '--by', 'team', '--format', 'json']));
    const teamExpected = expectedGroups(all, (_r, who) => who?.team ?? 'unattributed');
    for (const [team, g] of teamExpected) {
      const r = byTeam.rows.find((row) => row.key === team);
      assert.ok(r && Math.abs(r.estimatedUsd - g.cost) < 1e-9, `team ${team}`);
      assert.equal(r.calls, g.calls, `team ${team}: calls`);
    }
    const table = await report(['--from', from]);
    assert.match(table, /logs/);
    for (const key of expected.keys()) assert.ok(table.includes(key), `table lacks ${key}`);
  });

  it('npm run report --billed shows the local bill beside the estimate, by developer, with the reasons they differ', async () => {
    const json = JSON.parse(await report(['--billed', '--format', 'json']));
    assert.deepEqual(
      json.sources.map((s) => s.name),
      ['logs', 'live', 'billed'],
    );
    assert.ok(json.billed, 'no billed section');
    // Calls through the us. geographic profiles bill at AWS's list price, 10 % above the global
    // price the config uses: every developer's bill is 1.1 × the estimate.
    let checked = 0;
    for (const r of json.rows.filter((row) => !row.unattributed && row.calls > 0)) {
      assert.ok(r.billedUsd > 0, `${r.key}: billed ${r.billedUsd}`);
      assert.ok(
        Math.abs(r.billedUsd - 1.1 * r.estimatedUsd) < 1e-6,
        `${r.key}: ${r.billedUsd} vs ${r.estimatedUsd}`,
      );
      checked++;
    }
    assert.ok(checked >= 4, `${checked} developers billed`);
    assert.ok(json.billed.reasons.length > 0);
  });

  it('npm run report --format html writes a page with the charts, and md/csv print the same rows', async () => {
    const dir = join(env.ctx.WORK, 'report');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'report.html');
    await report(['--format', 'html', '--out', out]);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<canvas/);
    assert.doesNotMatch(html, /<script[^>]+src=/);
    const json = JSON.parse(await report(['--format', 'json']));
    const csv = (await report(['--format', 'csv'])).trim().split('\n');
    assert.equal(csv.length, 1 + json.rows.length, 'a header, then one line per row');
    const md = await report(['--format', 'md']);
    for (const r of json.rows) assert.ok(md.includes(r.label), `md lacks ${r.label}`);
  });
}
