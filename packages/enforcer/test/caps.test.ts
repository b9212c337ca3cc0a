import { readFileSync } from 'fs';
import { join } from 'path';
import { CapsDocumentError, capsSource, parseCapsDocument, periodOf } from '../src/caps';
import { BOB_SONNET, capsDocument, CONFIG, JANE_OPUS, SAMPLE, setup } from './helpers';

const SOURCE = 's3://caps-bucket/enforcer/caps.json';
const parse = (doc: unknown) => parseCapsDocument(JSON.stringify(doc), SOURCE);
const problemsOf = (doc: unknown): readonly string[] => {
  try {
    parse(doc);
  } catch (e) {
    if (e instanceof CapsDocumentError) return e.problems;
    throw e;
  }
  throw new Error('the document was accepted');
};

describe('parseCapsDocument', () => {
  test('inverts the profiles and always alerts 100%, thresholds ascending', () => {
    const caps = parse(capsDocument({ warnAt: [80, 50, 80] }));
    expect(caps.byProfile.get(JANE_OPUS)).toEqual({ developer: 'jane.doe', tier: 'opus' });
    expect(caps.byProfile.get(BOB_SONNET)).toEqual({ developer: 'bob.smith', tier: 'sonnet' });
    expect(caps.thresholds).toEqual([50, 80, 100]);
    expect(caps.prices.get('opus')).toEqual({
      input: 5,
      output: 25,
      cacheRead: 0.5,
      cacheWrite: 6.25,
    });
    expect(caps.models.get('anthropic.claude-opus-4-6-v1')).toBe('opus');
  });

  test("the README's example document is valid", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const example = /## The caps document[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const caps = parseCapsDocument(example!, 'README.md');
    expect(caps.thresholds).toEqual([80, 100]);
    expect(caps.developers.get('jane.doe@example.com')?.capUsd).toBe(200);
  });

  test('an error names the document and every problem with its path', () => {
    const bad = capsDocument();
    (bad.developers['jane.doe'] as { capUsd: unknown }).capUsd = 'ten';
    bad.developers['bob.smith'].profiles.sonnet = 'not-an-arn';
    expect(() => parse(bad)).toThrow(CapsDocumentError);
    expect(() => parse(bad)).toThrow(`caps document ${SOURCE} is invalid:`);
    expect(problemsOf(bad)).toEqual([
      expect.stringMatching(/^developers\.jane\.doe\.capUsd: .*expected number/),
      'developers.bob.smith.profiles.sonnet: must be an application inference profile ARN',
    ]);
  });

  test.each([
    ['not JSON', '{', /^not JSON: /],
    ['another version', { ...capsDocument(), version: 2 }, /^version: /],
    ['an unknown period', { ...capsDocument(), period: 'weekly' }, /^period: /],
    [
      'a negative cap',
      capsDocument({ developers: { x: { capUsd: -1, profiles: {} } } }),
      /^developers\.x\.capUsd: must be >= 0 USD$/,
    ],
    ['a zero threshold', capsDocument({ warnAt: [0] }), /^warnAt\.0: must be > 0 percent$/],
    [
      // Core's price rule, the one the configuration's prices are checked with.
      'a negative price',
      {
        ...capsDocument(),
        prices: { opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: -1 } },
      },
      /^prices\.opus\.cacheWrite: must be >= 0 USD per million tokens$/,
    ],
    [
      'an unknown price field',
      {
        ...capsDocument(),
        prices: { opus: { input: 5, output: 25, cacheRead: 0, cacheWrite: 0, batch: 1 } },
      },
      /^prices\.opus: .*"batch"/,
    ],
    ['an unknown field', { ...capsDocument(), extra: true }, /extra/],
  ])('rejects %s', (_name, doc, problem) => {
    const problems =
      typeof doc === 'string'
        ? (() => {
            try {
              parseCapsDocument(doc, SOURCE);
            } catch (e) {
              return (e as CapsDocumentError).problems;
            }
            return [];
          })()
        : problemsOf(doc);
    expect(problems).toEqual([expect.stringMatching(problem)]);
  });

  test('rejects a profile in a tier without a price', () => {
    const doc = capsDocument({
      prices: { sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
      models: {},
    });
    expect(problemsOf(doc)).toEqual([
      "developers.jane.doe.profiles.opus: no price for tier 'opus' in prices",
    ]);
  });

  test('rejects a model mapped to a tier without a price', () => {
    expect(problemsOf(capsDocument({ models: { 'anthropic.x': 'haiku' } }))).toEqual([
      "models.anthropic.x: no price for tier 'haiku' in prices",
    ]);
  });

  test('rejects a profile ARN owned by two developers', () => {
    const doc = capsDocument();
    doc.developers['bob.smith'].profiles.opus = JANE_OPUS;
    expect(problemsOf(doc)).toEqual([
      `developers.bob.smith.profiles.opus: ${JANE_OPUS} is also jane.doe's profile`,
    ]);
  });

  test('rejects developer ids the usage table reserves', () => {
    const doc = capsDocument({
      developers: {
        unattributed: { capUsd: 1, profiles: {} },
        'request#x': { capUsd: 1, profiles: {} },
      },
    });
    expect(problemsOf(doc)).toEqual([
      'developers.unattributed: the id is reserved by the usage table',
      'developers.request#x: the id is reserved by the usage table',
    ]);
  });

  test('rejects a __proto__ key instead of dropping it', () => {
    const text = JSON.stringify(capsDocument()).replace('"jane.doe":', '"__proto__":');
    expect(() => parseCapsDocument(text, SOURCE)).toThrow(
      'developers: the key __proto__ is not allowed',
    );
  });

  test('accepts developer ids that are Object.prototype names', () => {
    const caps = parse(
      capsDocument({ developers: { constructor: { capUsd: 1, profiles: { opus: JANE_OPUS } } } }),
    );
    expect(caps.developers.get('constructor')?.capUsd).toBe(1);
    expect(caps.byProfile.get(JANE_OPUS)?.developer).toBe('constructor');
  });
});

describe('periodOf', () => {
  test('monthly and daily keys in UTC', () => {
    expect(periodOf('monthly', '2026-12-31T23:59:59Z')).toBe('2026-12');
    expect(periodOf('daily', '2026-12-31T23:59:59Z')).toBe('2026-12-31');
    // 00:30 in Paris on Jan 1st is still Dec 31st in UTC.
    expect(periodOf('monthly', '2027-01-01T00:30:00+01:00')).toBe('2026-12');
    expect(periodOf('daily', '2027-01-01T00:30:00+01:00')).toBe('2026-12-31');
  });

  test('reads record timestamps with fractions of a second and other offsets alike', () => {
    expect(periodOf('daily', '2026-12-31T23:59:59.999Z')).toBe('2026-12-31');
    expect(periodOf('daily', '2026-12-31T23:59:59.999-01:00')).toBe('2027-01-01');
    expect(periodOf('monthly', Date.UTC(2026, 11, 1))).toBe('2026-12');
  });

  test('rejects what is not a time', () => {
    expect(() => periodOf('monthly', 'soon')).toThrow('not a time: soon');
  });
});

describe('capsSource', () => {
  test('reads once per TTL, shared by concurrent callers', async () => {
    let reads = 0;
    let clock = 0;
    const get = capsSource(
      async () => {
        reads++;
        return JSON.stringify(capsDocument());
      },
      { bucket: 'b', key: 'k', ttlMs: 60_000, now: () => clock },
    );
    await Promise.all([get(), get(), get()]);
    clock = 59_999;
    await get();
    expect(reads).toBe(1);
    clock = 60_000;
    await get();
    expect(reads).toBe(2);
  });

  test('a failed read is not cached', async () => {
    let fail = true;
    const get = capsSource(
      async () => {
        if (fail) throw new Error('S3 unavailable');
        return JSON.stringify(capsDocument());
      },
      { bucket: 'b', key: 'k', now: () => 0 },
    );
    await expect(get()).rejects.toThrow('S3 unavailable');
    fail = false;
    await expect(get()).resolves.toMatchObject({ period: 'monthly' });
  });

  test('the handler picks up a new document after the TTL', async () => {
    const env = setup(capsDocument({ developers: {} }));
    await env.logs([SAMPLE[0]]);
    expect(env.row('unattributed', '2026-11')).toBeUndefined(); // attributed by its User tag
    env.s3.put(CONFIG.capsBucket, CONFIG.capsKey, JSON.stringify(capsDocument()));
    env.advance(60_000);
    await env.logs([SAMPLE[3]]);
    expect(env.s3.reads).toBe(2);
  });
});

describe('a bad caps document', () => {
  test('fails the batch with the problems, counts nothing and blocks nobody', async () => {
    const env = setup();
    env.s3.put(
      CONFIG.capsBucket,
      CONFIG.capsKey,
      JSON.stringify({ version: 1, period: 'monthly' }),
    );
    const error = await env.logs(SAMPLE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapsDocumentError);
    expect((error as Error).message).toContain(
      `caps document s3://${CONFIG.capsBucket}/${CONFIG.capsKey} is invalid`,
    );
    expect((error as CapsDocumentError).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^warnAt: /),
        expect.stringMatching(/^developers: /),
      ]),
    );
    expect(env.dynamodb.stats.writes).toBe(0);
    expect(env.bedrock.calls.tag).toBe(0);
  });

  test('a missing document fails the batch the same way (fail-open)', async () => {
    const env = setup();
    env.s3.objects.clear();
    await expect(env.logs(SAMPLE)).rejects.toThrow('no object s3://caps-bucket/enforcer/caps.json');
    expect(env.bedrock.calls.tag).toBe(0);
  });
});
