import { readFileSync } from 'fs';
import { join } from 'path';
import {
  applyMetricFilter,
  matchesMetricFilter,
  metricValueOf,
  parseMetricFilterPattern,
} from '../src';

/*
 * bedrock-invocation-log-sample.jsonl (the shared sample): four records with input tokens 1834,
 * 4210, 120, 15; output tokens 912, 301, 88 and none on the fourth; cache read 52310 and 0 on the
 * first and third only; model ids: two on profile a1b2..., one on profile f6e5..., one on
 * us.anthropic.claude-opus-4-6-v1.
 */
const SAMPLE: Record<string, unknown>[] = readFileSync(
  join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as Record<string, unknown>);

const APPROVED = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*';

const apply = (pattern: string, metricValue: string, records: readonly unknown[] = SAMPLE) =>
  applyMetricFilter({ pattern, metricTransformation: { metricValue } }, records);

const requestIds = (matched: readonly unknown[]) =>
  matched.map((r) => String((r as { requestId: string }).requestId).slice(-1));

describe('parseMetricFilterPattern', () => {
  test('a comparison: path, operator and value', () => {
    expect(parseMetricFilterPattern('{ $.input.inputTokenCount >= 0 }')).toEqual({
      kind: 'comparison',
      path: ['input', 'inputTokenCount'],
      op: '>=',
      value: 0,
    });
    expect(parseMetricFilterPattern('{$.errorCode="*"}')).toEqual({
      kind: 'comparison',
      path: ['errorCode'],
      op: '=',
      value: '*',
    });
  });

  test('array indices, unquoted strings, negative and decimal numbers', () => {
    expect(parseMetricFilterPattern('{ $.list[0].name = Converse }')).toMatchObject({
      path: ['list', '0', 'name'],
      value: 'Converse',
    });
    expect(parseMetricFilterPattern('{ $.a < -1.5 }')).toMatchObject({ op: '<', value: -1.5 });
  });

  test('&& binds tighter than ||; parentheses group', () => {
    const a = { kind: 'comparison', path: ['a'], op: '=', value: 1 };
    const b = { kind: 'comparison', path: ['b'], op: '=', value: 2 };
    const c = { kind: 'comparison', path: ['c'], op: '=', value: 3 };
    expect(parseMetricFilterPattern('{ $.a = 1 || $.b = 2 && $.c = 3 }')).toEqual({
      kind: 'or',
      left: a,
      right: { kind: 'and', left: b, right: c },
    });
    expect(parseMetricFilterPattern('{ ($.a = 1 || $.b = 2) && $.c = 3 }')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: a, right: b },
      right: c,
    });
  });

  test.each([
    ['', /only JSON patterns/],
    ['ERROR', /only JSON patterns/],
    ['"Throttling"', /only JSON patterns/],
    ['[ip, user, status=500]', /only JSON patterns/],
    ['{ }', /empty pattern/],
    ['{ $.errorCode }', /expected an operator/],
    ['{ $.errorCode IS NULL }', /keyword IS/],
    ['{ $.errorCode NOT EXISTS }', /keyword NOT/],
    ['{ $.errorCode = NULL }', /keyword NULL/],
    ['{ $.flag = TRUE }', /keyword TRUE/],
    ['{ $.modelId > "b" }', /operator > on a string/],
    ['{ $.a = }', /expected a value/],
    ['{ $.a = 1 && }', /unexpected end/],
    ['{ ($.a = 1 }', /missing \)/],
    ['{ $.a = 1 $.b = 2 }', /unexpected/],
    ['{ a = 1 }', /expected \$\.property/],
    ['{ $.a-b = 1 }', /selector/],
    ['{ $.a = "x" & $.b = 1 }', /unexpected "&"/],
  ])('%j throws', (pattern, message) => {
    expect(() => parseMetricFilterPattern(pattern)).toThrow(message);
    expect(() => matchesMetricFilter(SAMPLE[0], pattern)).toThrow(message);
  });
});

describe('matchesMetricFilter', () => {
  test('string equality, wildcards and !=', () => {
    expect(matchesMetricFilter(SAMPLE[0], '{ $.schemaType = "ModelInvocationLog" }')).toBe(true);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.schemaType = "ModelInvocation" }')).toBe(false);
    expect(matchesMetricFilter(SAMPLE[0], `{ $.modelId = "${APPROVED}" }`)).toBe(true);
    expect(matchesMetricFilter(SAMPLE[2], `{ $.modelId != "${APPROVED}" }`)).toBe(true);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.operation = "Invoke*Stream" }')).toBe(true);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.region = "us-east-?" }')).toBe(false);
  });

  test('numeric comparisons', () => {
    const r = { n: 10 };
    expect(matchesMetricFilter(r, '{ $.n = 10 }')).toBe(true);
    expect(matchesMetricFilter(r, '{ $.n != 10 }')).toBe(false);
    expect(matchesMetricFilter(r, '{ $.n > 9.5 }')).toBe(true);
    expect(matchesMetricFilter(r, '{ $.n < 10 }')).toBe(false);
    expect(matchesMetricFilter(r, '{ $.n <= 10 }')).toBe(true);
    expect(matchesMetricFilter(r, '{ $.n >= 11 }')).toBe(false);
  });

  test('a record missing the field matches no comparison, not even != or >= 0', () => {
    expect(matchesMetricFilter(SAMPLE[3], '{ $.output.outputTokenCount >= 0 }')).toBe(false);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.errorCode = "*" }')).toBe(false);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.errorCode != "Throttling*" }')).toBe(false);
    expect(matchesMetricFilter(SAMPLE[0], '{ $.requestMetadata.team != 1 }')).toBe(false);
    expect(matchesMetricFilter(null, '{ $.a = 1 }')).toBe(false);
  });

  test('a value of the other type does not match', () => {
    expect(matchesMetricFilter({ n: '10' }, '{ $.n = 10 }')).toBe(false);
    expect(matchesMetricFilter({ n: 10 }, '{ $.n = "10" }')).toBe(false);
    expect(matchesMetricFilter({ n: { m: 1 } }, '{ $.n >= 0 }')).toBe(false);
  });

  test('&&, || and array elements', () => {
    const r = { a: 1, b: 'x', list: [{ name: 'first' }, { name: 'second' }] };
    expect(matchesMetricFilter(r, '{ $.a = 1 && $.b = "x" }')).toBe(true);
    expect(matchesMetricFilter(r, '{ $.a = 2 && $.b = "x" }')).toBe(false);
    expect(matchesMetricFilter(r, '{ $.a = 2 || $.b = "x" }')).toBe(true);
    expect(matchesMetricFilter(r, '{ ($.a = 2 || $.b = "x") && $.list[1].name = "sec*" }')).toBe(
      true,
    );
    expect(matchesMetricFilter(r, '{ $.list[2].name = "*" }')).toBe(false);
  });

  test('takes a parsed pattern too', () => {
    const parsed = parseMetricFilterPattern('{ $.input.inputTokenCount > 1000 }');
    expect(SAMPLE.map((r) => matchesMetricFilter(r, parsed))).toEqual([true, true, false, false]);
  });
});

describe('applyMetricFilter', () => {
  test('metric value 1 counts the matching records', () => {
    const { matched, value } = apply('{ $.schemaType = "ModelInvocationLog" }', '1');
    expect(value).toBe(4);
    expect(matched).toEqual(SAMPLE);
  });

  test('metric value $.path sums the nested field over the matching records', () => {
    expect(apply('{ $.input.inputTokenCount >= 0 }', '$.input.inputTokenCount').value).toBe(
      1834 + 4210 + 120 + 15,
    );
    const out = apply('{ $.output.outputTokenCount >= 0 }', '$.output.outputTokenCount');
    expect(out.value).toBe(912 + 301 + 88);
    expect(requestIds(out.matched)).toEqual(['1', '2', '3']);
    const cached = apply(
      '{ $.input.cacheReadInputTokenCount >= 0 }',
      '$.input.cacheReadInputTokenCount',
    );
    expect(cached).toMatchObject({ value: 52310 });
    expect(requestIds(cached.matched)).toEqual(['1', '3']);
  });

  test('a top-level token path matches nothing and sums nothing', () => {
    expect(apply('{ $.inputTokenCount >= 0 }', '$.inputTokenCount')).toEqual({
      matched: [],
      value: 0,
    });
    // Even when every record matches, a value path the records lack publishes nothing.
    const { matched, value } = apply('{ $.schemaType = "*" }', '$.inputTokenCount');
    expect(matched).toHaveLength(4);
    expect(value).toBe(0);
  });

  test('the unapproved-model pattern matches only the call outside the profiles', () => {
    const { matched, value } = apply(`{ $.modelId != "${APPROVED}" }`, '1');
    expect(value).toBe(1);
    expect(requestIds(matched)).toEqual(['3']);
  });

  test('errors: only records that carry an errorCode', () => {
    const failed = { ...SAMPLE[1], requestId: 'failed-9', errorCode: 'ThrottlingException' };
    expect(apply('{ $.errorCode = "*" }', '1')).toEqual({ matched: [], value: 0 });
    expect(apply('{ $.errorCode = "*" }', '1', [...SAMPLE, failed])).toEqual({
      matched: [failed],
      value: 1,
    });
  });

  test('a constant metric value other than 1 is added per match', () => {
    expect(apply('{ $.input.inputTokenCount > 1000 }', '2.5').value).toBe(5);
  });

  test('nothing matched is 0, not an error', () => {
    expect(apply('{ $.schemaType = "Other" }', '1')).toEqual({ matched: [], value: 0 });
    expect(apply('{ $.schemaType = "ModelInvocationLog" }', '1', [])).toEqual({
      matched: [],
      value: 0,
    });
  });

  test('an unsupported pattern or metric value throws even with no records', () => {
    expect(() => apply('ERROR', '1', [])).toThrow(/only JSON patterns/);
    expect(() => apply('{ $.a = 1 }', 'abc', [])).toThrow('unsupported metric value: abc');
    expect(() => apply('{ $.a = 1 }', '$inputTokenCount', [])).toThrow(/unsupported metric value/);
    expect(() => apply('{ $.a = 1 }', '', [])).toThrow(/unsupported metric value/);
  });
});

describe('metricValueOf', () => {
  test('a number is constant; a path reads numbers only', () => {
    expect(metricValueOf('1')({})).toBe(1);
    const tokens = metricValueOf('$.input.inputTokenCount');
    expect(tokens(SAMPLE[1])).toBe(4210);
    expect(tokens({ input: { inputTokenCount: '7' } })).toBeUndefined();
    expect(tokens({})).toBeUndefined();
  });
});
