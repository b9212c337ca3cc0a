import { readFileSync } from 'fs';
import { join } from 'path';
import {
  type LogRecord,
  type Row,
  aliasOf,
  evaluateLogsInsights as evaluate,
  splitTopLevel,
  valueAt,
} from '@claude-code-bedrock/testing';
import {
  BedrockAuditLogging,
  INVOCATION_LOG_FIELDS,
  INVOCATION_LOG_QUERIES,
  InvocationLogQueryName,
} from '../src';
import { BASE_PROPS } from './helpers';
import { Testing } from 'cdktf';

/*
 * Runs the saved Logs Insights queries over invocation-log records written in the documented
 * format, with the evaluator from @claude-code-bedrock/testing for the subset of the query language
 * they use (`filter ispresent`, `stats count/sum ... by field|bin`, `sort`, `limit`). The field
 * paths are parsed out of the query strings themselves, so a query that reads a token count at the
 * wrong (top-level) path sums nothing and fails here.
 *
 * bedrock-invocation-log-sample.jsonl: the shared sample (streaming and non-streaming calls, with
 * and without cache tokens, one streaming record without an output count).
 * bedrock-invocation-log-errors.jsonl: synthetic failed calls carrying the top-level `errorCode`.
 */

function load(name: string): LogRecord[] {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as LogRecord);
}

/** The query strings as synthesized into `aws_cloudwatch_query_definition` resources. */
function synthesizedQueries(): Record<InvocationLogQueryName, string> {
  let logging: BedrockAuditLogging | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      logging = new BedrockAuditLogging(scope, 'logs', BASE_PROPS);
    }),
  ) as { resource: { aws_cloudwatch_query_definition: Record<string, { query_string: string }> } };
  const defs = json.resource.aws_cloudwatch_query_definition;
  return Object.fromEntries(
    Object.entries(logging!.queryDefinitions).map(([key, def]) => [
      key,
      defs[def.friendlyUniqueId].query_string,
    ]),
  ) as Record<InvocationLogQueryName, string>;
}

const QUERIES = synthesizedQueries();
const SAMPLE = load('bedrock-invocation-log-sample.jsonl');
const ERRORS = load('bedrock-invocation-log-errors.jsonl');

function total(rows: Row[], column: string): number {
  return rows.reduce((n, r) => n + (typeof r[column] === 'number' ? (r[column] as number) : 0), 0);
}

/** Record field paths a query reads: arguments of sum/ispresent and stats grouping fields. */
function fieldPaths(query: string): string[] {
  const paths = new Set<string>();
  for (const m of query.matchAll(/\b(?:sum|ispresent)\(([\w.]+)\)/g)) paths.add(m[1]);
  for (const m of query.matchAll(/\bby\s+([^\n|]+)/g)) {
    for (const g of splitTopLevel(m[1]).map(aliasOf)) {
      if (!/^bin\(/.test(g.expr)) paths.add(g.expr);
    }
  }
  return [...paths];
}

const JANE = 'arn:aws:sts::123456789012:assumed-role/acme-claude-developer/jane.doe';
const BOB = 'arn:aws:sts::123456789012:assumed-role/acme-claude-developer/bob.smith';
const SHARED_KEY = 'arn:aws:iam::123456789012:user/BedrockAPIKey-shared';
const PROFILE_A =
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
const PROFILE_B =
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/f6e5d4c3b2a1';
const OPUS = 'us.anthropic.claude-opus-4-6-v1';

const TOTALS = {
  inputTokens: 1834 + 4210 + 120 + 15,
  outputTokens: 912 + 301 + 88,
  cacheReadTokens: 52310,
  cacheWriteTokens: 2048,
};

describe('query field paths', () => {
  test('the synthesized queries are the exported ones', () => {
    expect(QUERIES).toEqual(INVOCATION_LOG_QUERIES);
  });

  test.each(Object.keys(INVOCATION_LOG_QUERIES) as InvocationLogQueryName[])(
    '%s reads only documented fields that exist in the records',
    (name) => {
      const paths = fieldPaths(QUERIES[name]);
      expect(paths.length).toBeGreaterThan(0);
      const documented = Object.values(INVOCATION_LOG_FIELDS) as string[];
      const records = [...SAMPLE, ...ERRORS];
      for (const path of paths) {
        expect(documented).toContain(path);
        expect(records.some((r) => valueAt(r, path) !== undefined)).toBe(true);
      }
    },
  );

  test('token counts are read from their nested paths', () => {
    expect(INVOCATION_LOG_FIELDS).toMatchObject({
      inputTokens: 'input.inputTokenCount',
      outputTokens: 'output.outputTokenCount',
      cacheReadTokens: 'input.cacheReadInputTokenCount',
      cacheWriteTokens: 'input.cacheWriteInputTokenCount',
      caller: 'identity.arn',
      modelId: 'modelId',
    });
  });
});

describe('hourlyTokenTotals', () => {
  const rows = evaluate(QUERIES.hourlyTokenTotals, SAMPLE);

  test('sums every token count over the sample', () => {
    for (const [column, expected] of Object.entries(TOTALS)) {
      expect([column, total(rows, column)]).toEqual([column, expected]);
    }
    expect(total(rows, 'invocations')).toBe(4);
  });

  test('groups by hour, newest first', () => {
    expect(rows.map((r) => r.hour)).toEqual([
      '2026-11-03T09:00',
      '2026-11-03T02:00',
      '2026-11-02T14:00',
    ]);
    expect(rows[2]).toMatchObject({ invocations: 2, inputTokens: 6044, outputTokens: 1213 });
  });

  test('a top-level token path would sum nothing (the test has teeth)', () => {
    const wrong = QUERIES.hourlyTokenTotals.replace('input.inputTokenCount', 'inputTokenCount');
    expect(total(evaluate(wrong, SAMPLE), 'inputTokens')).toBe(0);
  });
});

describe('usageByCallerDaily', () => {
  const rows = evaluate(QUERIES.usageByCallerDaily, SAMPLE);

  test('reports each caller per day', () => {
    const find = (caller: string, day: string) =>
      rows.find((r) => r.caller === caller && r.day === day);
    expect(find(JANE, '2026-11-02')).toMatchObject({
      invocations: 1,
      inputTokens: 1834,
      outputTokens: 912,
      cacheReadTokens: 52310,
      cacheWriteTokens: 2048,
    });
    expect(find(JANE, '2026-11-03')).toMatchObject({ inputTokens: 15, outputTokens: null });
    expect(find(BOB, '2026-11-02')).toMatchObject({ inputTokens: 4210, outputTokens: 301 });
    expect(find(SHARED_KEY, '2026-11-03')).toMatchObject({ inputTokens: 120, outputTokens: 88 });
    expect(rows).toHaveLength(4);
  });

  test('adds up to the sample totals', () => {
    for (const [column, expected] of Object.entries(TOTALS)) {
      expect([column, total(rows, column)]).toEqual([column, expected]);
    }
  });
});

describe('topConsumers', () => {
  const rows = evaluate(QUERIES.topConsumers, SAMPLE);

  test('ranks callers by output tokens', () => {
    expect(rows.map((r) => r.caller)).toEqual([JANE, BOB, SHARED_KEY]);
  });

  test('totals each caller across days', () => {
    expect(rows[0]).toMatchObject({
      invocations: 2,
      inputTokens: 1849,
      outputTokens: 912,
      cacheReadTokens: 52310,
      cacheWriteTokens: 2048,
    });
  });
});

describe('modelBreakdown', () => {
  const rows = evaluate(QUERIES.modelBreakdown, SAMPLE);

  test('reports each model or profile ARN', () => {
    const by = Object.fromEntries(rows.map((r) => [r.modelId, r]));
    expect(by[PROFILE_A]).toMatchObject({ invocations: 2, inputTokens: 1849, outputTokens: 912 });
    expect(by[PROFILE_B]).toMatchObject({ invocations: 1, inputTokens: 4210, outputTokens: 301 });
    expect(by[OPUS]).toMatchObject({ invocations: 1, inputTokens: 120, outputTokens: 88 });
    expect(rows[0].modelId).toBe(PROFILE_A);
  });
});

describe('errors', () => {
  test('counts only failed calls, by error code, model and caller', () => {
    const rows = evaluate(QUERIES.errors, [...SAMPLE, ...ERRORS]);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          errorCode: 'ThrottlingException',
          modelId: PROFILE_B,
          caller: BOB,
          failures: 2,
        }),
        expect.objectContaining({
          errorCode: 'ValidationException',
          modelId: PROFILE_A,
          caller: JANE,
          failures: 1,
        }),
      ]),
    );
  });

  test('finds nothing in successful calls', () => {
    expect(evaluate(QUERIES.errors, SAMPLE)).toEqual([]);
  });
});
