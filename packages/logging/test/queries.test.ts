import { readFileSync } from 'fs';
import { join } from 'path';
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
 * format, with a small evaluator for the subset of the query language they use (`filter
 * ispresent`, `stats count/sum ... by field|bin`, `sort`, `limit`). The field paths are parsed out
 * of the query strings themselves, so a query that reads a token count at the wrong (top-level)
 * path sums nothing and fails here.
 *
 * bedrock-invocation-log-sample.jsonl: the shared sample (streaming and non-streaming calls, with
 * and without cache tokens, one streaming record without an output count).
 * bedrock-invocation-log-errors.jsonl: synthetic failed calls carrying the top-level `errorCode`.
 */

type LogRecord = Record<string, unknown>;
type Row = Record<string, string | number | null>;

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

function valueAt(record: LogRecord, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function aliasOf(expr: string): { expr: string; alias?: string } {
  const m = /^(.*?)\s+as\s+(\w+)$/.exec(expr.trim());
  return m ? { expr: m[1].trim(), alias: m[2] } : { expr: expr.trim() };
}

function binKey(record: LogRecord, unit: string): string {
  // Bedrock's record timestamp stands in for @timestamp (ingestion time) here.
  const ts = String(valueAt(record, 'timestamp'));
  if (unit === '1h') return `${ts.slice(0, 13)}:00`;
  if (unit === '1d') return ts.slice(0, 10);
  throw new Error(`unsupported bin(${unit})`);
}

/** The commands of a query, without comment lines. */
function commands(query: string): string[] {
  return query
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .split('|')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

function evaluate(query: string, input: LogRecord[]): Row[] {
  let records = input;
  let rows: Row[] = [];
  for (const command of commands(query)) {
    const [verb] = command.split(/\s+/, 1);
    const rest = command.slice(verb.length).trim();
    if (verb === 'filter') {
      const m = /^ispresent\(([\w.]+)\)$/.exec(rest);
      if (!m) throw new Error(`unsupported filter: ${rest}`);
      records = records.filter((r) => valueAt(r, m[1]) !== undefined);
    } else if (verb === 'stats') {
      const [aggText, byText] = rest.split(/\s+by\s+/);
      const aggs = splitTopLevel(aggText).map(aliasOf);
      const groups = splitTopLevel(byText ?? '').map(aliasOf);
      const buckets = new Map<string, { key: Row; members: LogRecord[] }>();
      for (const record of records) {
        const key: Row = {};
        for (const g of groups) {
          const bin = /^bin\((\w+)\)$/.exec(g.expr);
          key[g.alias ?? g.expr] = bin ? binKey(record, bin[1]) : String(valueAt(record, g.expr));
        }
        const id = JSON.stringify(key);
        if (!buckets.has(id)) buckets.set(id, { key, members: [] });
        buckets.get(id)!.members.push(record);
      }
      rows = [...buckets.values()].map(({ key, members }) => {
        const row: Row = { ...key };
        for (const a of aggs) {
          if (!a.alias) throw new Error(`aggregate without alias: ${a.expr}`);
          if (a.expr === 'count(*)') {
            row[a.alias] = members.length;
            continue;
          }
          const sum = /^sum\(([\w.]+)\)$/.exec(a.expr);
          if (!sum) throw new Error(`unsupported aggregate: ${a.expr}`);
          const values = members
            .map((r) => valueAt(r, sum[1]))
            .filter((v): v is number => typeof v === 'number');
          // Logs Insights' sum skips records without the field; no values at all gives null.
          row[a.alias] = values.length > 0 ? values.reduce((x, y) => x + y, 0) : null;
        }
        return row;
      });
    } else if (verb === 'sort') {
      const [field, dir] = rest.split(/\s+/);
      const sign = dir === 'asc' ? 1 : -1;
      rows = [...rows].sort((a, b) => {
        const x = a[field] ?? -Infinity;
        const y = b[field] ?? -Infinity;
        return x < y ? -sign : x > y ? sign : 0;
      });
    } else if (verb === 'limit') {
      rows = rows.slice(0, Number(rest));
    } else {
      throw new Error(`unsupported command: ${verb}`);
    }
  }
  return rows;
}

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
