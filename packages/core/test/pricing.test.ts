import { readFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import {
  callCostExpression,
  callCostUsd,
  CallTokens,
  highestPrice,
  ModelPrice,
  ModelPriceMiniSchema,
  modelKey,
  PriceSchema,
  pricesAgree,
  recordTokens,
  sqlCallCost,
  sqlModelKey,
  systemModelTiers,
  TOKEN_COLUMNS,
  TOKEN_KINDS,
  TOKEN_PATHS,
  tokenPath,
} from '../src';

/**
 * bedrock-invocation-log-sample.jsonl (the shared sample): four records.
 * 1. jane's opus profile, streaming: input 1834, output 912, cache read 52310, cache write 2048;
 * 2. bob's sonnet profile: input 4210, output 301, no cache fields;
 * 3. the opus system profile: input 120, output 88, cache counts 0;
 * 4. jane's opus profile: input 15, no output count at all.
 */
const RECORDS = readFileSync(
  join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

const OPUS: ModelPrice = { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 };
const SONNET: ModelPrice = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const PRICED: [number, ModelPrice, CallTokens, number][] = [
  // (1834×5 + 912×25 + 52310×0.5 + 2048×6.25) / 1e6 = (9170 + 22800 + 26155 + 12800) / 1e6
  [0, OPUS, { input: 1834, output: 912, cacheRead: 52310, cacheWrite: 2048 }, 0.070925],
  // (4210×3 + 301×15) / 1e6 = (12630 + 4515) / 1e6
  [1, SONNET, { input: 4210, output: 301, cacheRead: 0, cacheWrite: 0 }, 0.017145],
  // (120×5 + 88×25) / 1e6 = (600 + 2200) / 1e6
  [2, OPUS, { input: 120, output: 88, cacheRead: 0, cacheWrite: 0 }, 0.0028],
  // 15×5 / 1e6
  [3, OPUS, { input: 15, output: 0, cacheRead: 0, cacheWrite: 0 }, 0.000075],
];

/**
 * Evaluates the arithmetic the SQL formula reduces to once its COALESCE terms are replaced by
 * numbers: + - * / and parentheses over decimal literals, left to right, in IEEE doubles (as
 * Trino computes a double expression).
 */
function evaluateArithmetic(text: string): number {
  const tokens = text.match(/\d+(?:\.\d+)?|[-+*/()]/g) ?? [];
  if (tokens.join('') !== text.replace(/\s+/g, '')) throw new Error(`not arithmetic: ${text}`);
  let i = 0;
  const primary = (): number => {
    const t = tokens[i++];
    if (t === '(') {
      const v = sum();
      if (tokens[i++] !== ')') throw new Error('missing )');
      return v;
    }
    if (t === undefined || !/^\d/.test(t)) throw new Error(`unexpected ${t}`);
    return Number(t);
  };
  const product = (): number => {
    let v = primary();
    while (tokens[i] === '*' || tokens[i] === '/')
      v = tokens[i++] === '*' ? v * primary() : v / primary();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-')
      v = tokens[i++] === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (i !== tokens.length) throw new Error(`trailing ${tokens.slice(i).join(' ')}`);
  return v;
}

/** The SQL formula with the record's counts and the price row substituted, evaluated. */
function sqlCost(record: Record<string, unknown>, price: ModelPrice): number {
  const sql = sqlCallCost({ record: 'l', prices: 'pr' });
  let text = sql.costUsd;
  for (const k of TOKEN_KINDS) {
    const part = record[k.part] as Record<string, unknown> | undefined;
    const value = part?.[k.field];
    text = text.replace(sql.tokens[k.kind], String(typeof value === 'number' ? value : 0));
    text = text.replace(sql.prices[k.kind], String(price[k.price]));
  }
  return evaluateArithmetic(text);
}

describe('recordTokens', () => {
  test.each(PRICED)('reads record %i of the shared sample', (index, _price, tokens) => {
    expect(recordTokens(RECORDS[index])).toEqual(tokens);
  });

  test('counts absent, null and non-numeric fields as 0', () => {
    const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    expect(recordTokens({})).toEqual(zero);
    expect(recordTokens(null)).toEqual(zero);
    expect(recordTokens({ input: null, output: 'x' })).toEqual(zero);
    expect(
      recordTokens({ input: { inputTokenCount: '12' }, output: { outputTokenCount: NaN } }),
    ).toEqual(zero);
  });

  test('never reads a count at the top level of the record', () => {
    expect(recordTokens({ inputTokenCount: 10, outputTokenCount: 5 })).toEqual({
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
    });
  });
});

describe('callCostUsd', () => {
  test.each(PRICED)(
    'prices record %i of the shared sample by hand',
    (index, price, _tokens, usd) => {
      expect(callCostUsd(recordTokens(RECORDS[index]), price)).toBeCloseTo(usd, 15);
    },
  );

  test('prices each kind with its own field', () => {
    const one = { input: 1, output: 10, cacheRead: 100, cacheWrite: 1000 };
    expect(callCostUsd({ input: 1e6, output: 0, cacheRead: 0, cacheWrite: 0 }, one)).toBe(1);
    expect(callCostUsd({ input: 0, output: 1e6, cacheRead: 0, cacheWrite: 0 }, one)).toBe(10);
    expect(callCostUsd({ input: 0, output: 0, cacheRead: 1e6, cacheWrite: 0 }, one)).toBe(100);
    expect(callCostUsd({ input: 0, output: 0, cacheRead: 0, cacheWrite: 1e6 }, one)).toBe(1000);
  });
});

describe('sqlCallCost', () => {
  test.each(PRICED)(
    'the SQL formula computes exactly the TypeScript cost of record %i',
    (index, price) => {
      expect(sqlCost(RECORDS[index], price)).toBe(callCostUsd(recordTokens(RECORDS[index]), price));
    },
  );

  test('wraps every token column and price in COALESCE(…, 0)', () => {
    const sql = sqlCallCost({ record: 'l', prices: 'pr' });
    expect(sql.tokens.cacheRead).toBe('COALESCE(l.input.cachereadinputtokencount, 0)');
    expect(sql.prices.output).toBe('COALESCE(pr.output_usd, 0)');
    expect(sql.costUsd).toMatch(
      /^\(COALESCE\(l\.input\.inputtokencount, 0\) \* COALESCE\(pr\.input_usd, 0\) \+ /,
    );
    expect(sql.costUsd).toMatch(/\) \/ 1000000\.0$/);
  });

  test('lays out the continuation lines as asked', () => {
    const sql = sqlCallCost({ record: 'l', prices: 'pr', continuation: '\n  ' });
    expect(sql.costUsd.split('\n  + ')).toHaveLength(TOKEN_KINDS.length);
  });

  test('price cells follow the price columns', () => {
    const sql = sqlCallCost({ record: 'l', prices: 'pr' });
    expect(sql.priceColumns).toEqual([
      'input_usd',
      'output_usd',
      'cache_read_usd',
      'cache_write_usd',
    ]);
    expect(sql.priceCells(OPUS)).toEqual([5, 25, 0.5, 6.25]);
  });

  test('the arithmetic evaluator rejects what it does not understand', () => {
    expect(() => evaluateArithmetic('(1 + 2')).toThrow('missing )');
    expect(() => evaluateArithmetic('COALESCE(x, 0) * 2')).toThrow('not arithmetic');
  });
});

describe('callCostExpression', () => {
  const TERMS = { input: 'in', output: 'out', cacheRead: 'cr', cacheWrite: 'cw' };

  test.each(PRICED)(
    'the arithmetic computes exactly the TypeScript cost of record %i',
    (index, price) => {
      const tokens = recordTokens(RECORDS[index]);
      let text = callCostExpression(TERMS, price);
      for (const k of TOKEN_KINDS) text = text.replace(TERMS[k.kind], String(tokens[k.kind]));
      expect(evaluateArithmetic(text)).toBe(callCostUsd(tokens, price));
    },
  );

  test('multiplies each term by its own price, in table order', () => {
    expect(callCostExpression(TERMS, OPUS)).toBe(
      '(in * 5 + out * 25 + cr * 0.5 + cw * 6.25) / 1000000',
    );
  });

  test('writes tiny prices as plain decimals, never in exponent notation', () => {
    const text = callCostExpression(TERMS, { ...OPUS, cacheRead: 1e-7 });
    expect(text).toContain('cr * 0.0000001 +');
    expect(text).not.toMatch(/\de/);
  });
});

describe('highestPrice', () => {
  test('takes the highest price of each kind across the tiers', () => {
    const cheapOutput = { input: 9, output: 1, cacheRead: 0.1, cacheWrite: 7 };
    expect(highestPrice({ opus: OPUS, sonnet: SONNET, odd: cheapOutput })).toEqual({
      input: 9,
      output: 25,
      cacheRead: 0.5,
      cacheWrite: 7,
    });
  });

  test('is the price itself for one tier, and bounds every tier’s cost of a call', () => {
    expect(highestPrice({ opus: OPUS })).toEqual(OPUS);
    const high = highestPrice({ opus: OPUS, sonnet: SONNET });
    for (const [index, price] of PRICED.map(([i, p]) => [i, p] as const)) {
      const tokens = recordTokens(RECORDS[index]);
      expect(callCostUsd(tokens, high)).toBeGreaterThanOrEqual(callCostUsd(tokens, price));
    }
  });

  test('refuses an empty price table', () => {
    expect(() => highestPrice({})).toThrow('the price table has no tier');
  });

  test('pricesAgree tells whether one price is exact for every tier', () => {
    expect(pricesAgree({ a: OPUS, b: { ...OPUS } })).toBe(true);
    expect(pricesAgree({ a: OPUS })).toBe(true);
    expect(pricesAgree({ a: OPUS, b: { ...OPUS, cacheWrite: 6 } })).toBe(false);
  });
});

describe('the token table', () => {
  test('names every *TokenCount field of the shared sample, under input or output', () => {
    const seen = new Set<string>();
    for (const record of RECORDS) {
      for (const part of ['input', 'output'] as const) {
        for (const key of Object.keys((record[part] as object) ?? {})) {
          if (/TokenCount$/.test(key)) seen.add(`${part}.${key.toLowerCase()}`);
        }
      }
    }
    expect([...seen].sort()).toEqual([...TOKEN_COLUMNS].sort());
  });

  test('gives the record path of each kind, where recordTokens reads its count', () => {
    expect(TOKEN_PATHS).toEqual({
      input: 'input.inputTokenCount',
      output: 'output.outputTokenCount',
      cacheRead: 'input.cacheReadInputTokenCount',
      cacheWrite: 'input.cacheWriteInputTokenCount',
    });
    const tokens = recordTokens(RECORDS[0]);
    for (const k of TOKEN_KINDS) {
      const [part, field] = tokenPath(k).split('.');
      expect((RECORDS[0][part] as Record<string, unknown>)[field]).toBe(tokens[k.kind]);
    }
  });

  test('prices every kind with a distinct ModelPrice field', () => {
    expect(new Set(TOKEN_KINDS.map((k) => k.price)).size).toBe(TOKEN_KINDS.length);
  });
});

describe('the price rule', () => {
  const BAD = { input: -1, output: '15', cacheRead: 0.3, cacheWrite: 3.75, extra: 1 };
  const issues = (schema: z.core.$ZodType) =>
    z.safeParse(schema, BAD).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

  test('is one for the configuration schema (classic zod) and the enforcer (zod/mini)', () => {
    for (const k of TOKEN_KINDS) {
      expect(PriceSchema.shape[k.price]).toBe(ModelPriceMiniSchema.shape[k.price]);
    }
    expect(issues(PriceSchema)).toEqual(issues(ModelPriceMiniSchema));
    expect(issues(PriceSchema)).toEqual([
      'input: must be >= 0 USD per million tokens',
      expect.stringMatching(/^output: .*expected number/),
      expect.stringMatching(/^: Unrecognized key: "extra"/),
    ]);
    expect(z.parse(ModelPriceMiniSchema, OPUS)).toEqual(OPUS);
  });

  test('documents every field in the configuration reference', () => {
    const json = z.toJSONSchema(PriceSchema) as {
      description?: string;
      properties: Record<string, { description?: string }>;
    };
    expect(json.description).toBe('The price of one tier.');
    expect(json.properties.cacheRead.description).toBe(
      'USD per million tokens read from the prompt cache.',
    );
    for (const k of TOKEN_KINDS) expect(json.properties[k.price].description).toMatch(/^USD /);
  });
});

describe('system models', () => {
  const TIERS = [
    { name: 'opus', profileId: 'us.anthropic.claude-opus-4-6-v1' },
    { name: 'haiku', profileId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
    { name: 'opus-eu', profileId: 'eu.anthropic.claude-opus-4-6-v1' },
  ];

  test('map system profile ids and their foundation model ids to tiers, first tier first', () => {
    const tiers = systemModelTiers(TIERS);
    expect(tiers.get('us.anthropic.claude-opus-4-6-v1')).toBe('opus');
    expect(tiers.get('anthropic.claude-haiku-4-5-20251001-v1:0')).toBe('haiku');
    expect(tiers.get('eu.anthropic.claude-opus-4-6-v1')).toBe('opus-eu');
    // Both opus tiers share the foundation model: the first tier wins.
    expect(tiers.get('anthropic.claude-opus-4-6-v1')).toBe('opus');
  });

  test('a model id is matched on its last path segment, in TypeScript and in SQL', () => {
    expect(modelKey('us.anthropic.claude-opus-4-6-v1')).toBe('us.anthropic.claude-opus-4-6-v1');
    expect(
      modelKey(
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1',
      ),
    ).toBe('us.anthropic.claude-opus-4-6-v1');
    expect(modelKey(RECORDS[0].modelId as string)).toBe('a1b2c3d4e5f6');
    expect(sqlModelKey('l.modelid')).toBe("regexp_replace(l.modelid, '^.*/', '')");
  });
});
