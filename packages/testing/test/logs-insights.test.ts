import { readFileSync } from 'fs';
import { join } from 'path';
import {
  type LogRecord,
  type Row,
  aliasOf,
  binKey,
  commands,
  evaluateLogsInsights,
  fieldValue,
  splitTopLevel,
  valueAt,
} from '../src';

/*
 * bedrock-invocation-log-sample.jsonl (the shared sample): four records,
 *   1. jane, profile A, 2026-11-02T14:05:09Z, in 1834 / out 912, cache read 52310 / write 2048;
 *   2. bob, profile B, 2026-11-02T14:06:40Z, in 4210 / out 301, no cache fields;
 *   3. shared API key, opus, 2026-11-03T02:17:55Z, in 120 / out 88, cache 0 / 0, team payments;
 *   4. jane, profile A, 2026-11-03T09:30:00Z, in 15, no output count.
 */
const SAMPLE: LogRecord[] = readFileSync(
  join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as LogRecord);

const JANE = 'arn:aws:sts::123456789012:assumed-role/acme-claude-developer/jane.doe';
const BOB = 'arn:aws:sts::123456789012:assumed-role/acme-claude-developer/bob.smith';
const SHARED_KEY = 'arn:aws:iam::123456789012:user/BedrockAPIKey-shared';
const PROFILE_A =
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';

const run = (query: string, records: readonly LogRecord[] = SAMPLE): Row[] =>
  evaluateLogsInsights(query, records);

describe('helpers', () => {
  test('valueAt follows dotted paths and is undefined past a missing step', () => {
    expect(valueAt(SAMPLE[0], 'input.inputTokenCount')).toBe(1834);
    expect(valueAt(SAMPLE[0], 'identity.arn')).toBe(JANE);
    expect(valueAt(SAMPLE[0], 'inputTokenCount')).toBeUndefined();
    expect(valueAt(SAMPLE[3], 'output.outputTokenCount')).toBeUndefined();
    expect(valueAt(SAMPLE[0], 'modelId.length')).toBeUndefined();
  });

  test('fieldValue prefers a column of that name and maps @timestamp to the record time', () => {
    expect(fieldValue({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(fieldValue({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(fieldValue(SAMPLE[0], '@timestamp')).toBe('2026-11-02T14:05:09Z');
  });

  test('splitTopLevel splits on commas outside parentheses and quotes', () => {
    expect(splitTopLevel('count(*) as n, sum(a.b) as s by x, bin(1h)')).toEqual([
      'count(*) as n',
      'sum(a.b) as s by x',
      'bin(1h)',
    ]);
    expect(splitTopLevel('f(a, b), "x, y", c')).toEqual(['f(a, b)', '"x, y"', 'c']);
    expect(splitTopLevel('')).toEqual([]);
  });

  test('aliasOf splits off "as alias"', () => {
    expect(aliasOf(' sum(a.b) as total ')).toEqual({ expr: 'sum(a.b)', alias: 'total' });
    expect(aliasOf('identity.arn')).toEqual({ expr: 'identity.arn' });
  });

  test('commands drops comment lines and splits on | outside quotes', () => {
    expect(commands('# a comment | not a command\nfilter x = "a|b"\n| limit 5')).toEqual([
      'filter x = "a|b"',
      'limit 5',
    ]);
  });

  test('binKey floors the record time to the bin (UTC)', () => {
    expect(binKey(SAMPLE[0], '1h')).toBe('2026-11-02T14:00');
    expect(binKey(SAMPLE[0], '1d')).toBe('2026-11-02');
    expect(binKey(SAMPLE[0], '15m')).toBe('2026-11-02T14:00');
    expect(binKey(SAMPLE[1], '5m')).toBe('2026-11-02T14:05');
    expect(binKey(SAMPLE[0], '30s')).toBe('2026-11-02T14:05:00');
  });

  test('binKey throws for an unsupported unit or a record without a time', () => {
    expect(() => binKey(SAMPLE[0], '1w')).toThrow('unsupported bin(1w)');
    expect(() => binKey(SAMPLE[0], '0h')).toThrow('unsupported bin(0h)');
    expect(() => binKey({ modelId: 'x' }, '1h')).toThrow(/no time/);
    expect(() => binKey({ timestamp: 'yesterday' }, '1h')).toThrow(/no time/);
  });
});

describe('stats', () => {
  test('count(*) and sum() over nested fields, grouped by a field with an alias', () => {
    const rows = run(
      'stats count(*) as invocations, sum(input.inputTokenCount) as inputTokens, ' +
        'sum(output.outputTokenCount) as outputTokens by identity.arn as caller',
    );
    expect(rows).toEqual([
      { caller: JANE, invocations: 2, inputTokens: 1849, outputTokens: 912 },
      { caller: BOB, invocations: 1, inputTokens: 4210, outputTokens: 301 },
      { caller: SHARED_KEY, invocations: 1, inputTokens: 120, outputTokens: 88 },
    ]);
  });

  test('sum skips records without the field, and is null when no record has it', () => {
    const rows = run(
      'stats sum(output.outputTokenCount) as out, sum(input.cacheReadInputTokenCount) as cached ' +
        'by bin(1d) as day',
    );
    expect(rows).toEqual([
      { day: '2026-11-02', out: 1213, cached: 52310 },
      { day: '2026-11-03', out: 88, cached: 0 },
    ]);
    expect(run('stats sum(output.outputTokenCount) as out', [SAMPLE[3]])).toEqual([{ out: null }]);
  });

  test('a top-level token path sums nothing', () => {
    const rows = run('stats sum(inputTokenCount) as inputTokens by bin(1h) as hour');
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.inputTokens === null)).toBe(true);
    expect(run('stats sum(input.inputTokenCount) as inputTokens')).toEqual([{ inputTokens: 6179 }]);
  });

  test('bin(1h) groups by hour', () => {
    expect(run('stats count(*) as n by bin(1h) as hour')).toEqual([
      { hour: '2026-11-02T14:00', n: 2 },
      { hour: '2026-11-03T02:00', n: 1 },
      { hour: '2026-11-03T09:00', n: 1 },
    ]);
  });

  test('several groups, columns without alias named by their expression', () => {
    const rows = run('stats count(*) by modelId, identity.arn');
    expect(rows).toContainEqual({ modelId: PROFILE_A, 'identity.arn': JANE, 'count(*)': 2 });
    expect(rows).toHaveLength(3);
  });

  test('a missing grouping field is an empty (null) group', () => {
    expect(run('stats count(*) as n by requestMetadata.team as team')).toEqual([
      { team: null, n: 3 },
      { team: 'payments', n: 1 },
    ]);
  });

  test('count(field), avg, min and max skip records without the field', () => {
    expect(
      run(
        'stats count(output.outputTokenCount) as withOutput, avg(input.inputTokenCount) as avgIn, ' +
          'min(output.outputTokenCount) as minOut, max(output.outputTokenCount) as maxOut',
      ),
    ).toEqual([{ withOutput: 3, avgIn: 6179 / 4, minOut: 88, maxOut: 912 }]);
  });

  test('over no records gives no rows', () => {
    expect(run('stats count(*) as n by modelId', [])).toEqual([]);
  });

  test('rejects aggregates and groupings outside the subset', () => {
    expect(() => run('stats pct(input.inputTokenCount, 90) as p')).toThrow(
      'unsupported aggregate: pct(input.inputTokenCount, 90)',
    );
    expect(() => run('stats sum(input.inputTokenCount * 2) as s')).toThrow(/unsupported field/);
    expect(() => run('stats count(*) as n by bin(1w)')).toThrow('unsupported bin(1w)');
    expect(() => run('stats count(*) as n by strlen(modelId)')).toThrow(/unsupported field/);
    expect(() => run('stats')).toThrow(/unsupported stats/);
  });
});

describe('filter', () => {
  test('ispresent keeps records that have the field', () => {
    const rows = run(
      'filter ispresent(output.outputTokenCount) | stats count(*) as n by identity.arn as caller',
    );
    expect(rows).toEqual([
      { caller: JANE, n: 1 },
      { caller: BOB, n: 1 },
      { caller: SHARED_KEY, n: 1 },
    ]);
    expect(run('filter ispresent(errorCode) | stats count(*) as n by errorCode')).toEqual([]);
  });

  test('comparisons with numbers and strings, and / or / not, parentheses', () => {
    const ids = (query: string) =>
      run(`${query} | fields requestId`).map((r) => String(r.requestId).slice(-1));
    expect(ids('filter input.inputTokenCount > 1000')).toEqual(['1', '2']);
    expect(ids('filter input.inputTokenCount <= 120')).toEqual(['3', '4']);
    expect(ids('filter operation = "Converse"')).toEqual(['3']);
    expect(ids("filter operation != 'Converse'")).toEqual(['1', '2', '4']);
    expect(ids('filter not ispresent(output.outputTokenCount)')).toEqual(['4']);
    expect(ids(`filter identity.arn = "${JANE}" and input.inputTokenCount >= 100`)).toEqual(['1']);
    expect(
      ids(
        'filter (operation = "Converse" or operation = "InvokeModel") and ' +
          'input.inputTokenCount < 1000',
      ),
    ).toEqual(['3']);
  });

  test('a missing field satisfies no comparison, not even !=', () => {
    expect(run('filter requestMetadata.team != "payments" | fields requestId')).toEqual([]);
    expect(run('filter output.outputTokenCount >= 0 | stats count(*) as n')).toEqual([{ n: 3 }]);
  });

  test('a number does not equal its text', () => {
    expect(run('filter input.inputTokenCount = "15" | stats count(*) as n')).toEqual([]);
    expect(run('filter input.inputTokenCount = 15 | stats count(*) as n')).toEqual([{ n: 1 }]);
  });

  test('rejects conditions outside the subset', () => {
    expect(() => run('filter modelId like /claude/')).toThrow(/unsupported filter/);
    expect(() => run('filter strlen(modelId) > 3')).toThrow(/unsupported filter.*function strlen/);
    expect(() => run('filter modelId')).toThrow(/unsupported filter.*expected a comparison/);
    expect(() => run('filter (ispresent(modelId)')).toThrow(/missing \)/);
    expect(() => run('filter ispresent(modelId) extra')).toThrow(/unsupported filter/);
    expect(() => run('filter')).toThrow(/unexpected end/);
  });
});

describe('fields, sort, limit', () => {
  test('fields picks columns from nested paths, with aliases', () => {
    expect(run('fields identity.arn as caller, input.inputTokenCount | limit 2')).toEqual([
      { caller: JANE, 'input.inputTokenCount': 1834 },
      { caller: BOB, 'input.inputTokenCount': 4210 },
    ]);
  });

  test('an alias from fields can be filtered and sorted on', () => {
    const rows = run(
      'fields input.inputTokenCount as tokens, requestId | filter tokens < 2000 | sort tokens asc',
    );
    expect(rows.map((r) => r.tokens)).toEqual([15, 120, 1834]);
  });

  test('without fields or stats the rows are @timestamp and @message', () => {
    const rows = run('filter operation = "Converse"');
    expect(rows).toEqual([
      { '@timestamp': '2026-11-03T02:17:55Z', '@message': JSON.stringify(SAMPLE[2]) },
    ]);
  });

  test('sort desc puts empty cells last, asc first; a second key breaks ties', () => {
    const desc = run('fields requestId, output.outputTokenCount as out | sort out desc');
    expect(desc.map((r) => r.out)).toEqual([912, 301, 88, null]);
    const asc = run('fields requestId, output.outputTokenCount as out | sort out asc');
    expect(asc.map((r) => r.out)).toEqual([null, 88, 301, 912]);
    const byCaller = run(
      'fields identity.arn as caller, input.inputTokenCount as n | sort caller asc, n desc',
    );
    expect(byCaller.map((r) => r.n)).toEqual([120, 4210, 1834, 15]);
  });

  test('sort after stats and limit make a top N', () => {
    const rows = run(
      'stats sum(output.outputTokenCount) as out by identity.arn as caller | sort out desc | limit 2',
    );
    expect(rows).toEqual([
      { caller: JANE, out: 912 },
      { caller: BOB, out: 301 },
    ]);
  });

  test('rejects sort without a direction and a malformed limit', () => {
    expect(() => run('sort @timestamp')).toThrow(/unsupported sort/);
    expect(() => run('sort @timestamp up')).toThrow(/unsupported sort/);
    expect(() => run('limit 0')).toThrow('unsupported limit: 0');
    expect(() => run('limit ten')).toThrow('unsupported limit: ten');
  });
});

describe('unknown commands', () => {
  test.each([
    'parse @message "* *" as a, b',
    'dedup modelId',
    'display modelId',
    'fieldz modelId',
    'unmask @message',
  ])('%s throws instead of being ignored', (command) => {
    expect(() => run(`filter ispresent(modelId) | ${command}`)).toThrow(
      `unsupported command: ${command.split(' ')[0]}`,
    );
  });

  test('a query that is only comments returns the records unchanged', () => {
    expect(run('# nothing but a comment')).toHaveLength(4);
  });
});
