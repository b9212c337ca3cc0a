import { ConfigError } from '@claude-code-bedrock/core';
import { Testing, Token } from 'cdktf';
import { CostAttribution, CostAttributionProps } from '../src';
import { baseProps, PRICES, PROFILES } from './helpers';

/** Overrides of {@link baseProps}: a context field at the top level overrides that field of the context. */
type Overrides = Parameters<typeof baseProps>[1];

function build(overrides: Overrides): void {
  Testing.synthScope((scope) => {
    new CostAttribution(scope, 'attribution', baseProps(scope, overrides));
  });
}

function errorOf(overrides: Overrides): ConfigError {
  try {
    build(overrides);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('CostAttribution props validation', () => {
  test('a price table missing a configured tier is an error naming the tier', () => {
    const prices = { sonnet: PRICES.sonnet, opus: PRICES.opus };
    const err = errorOf({ prices });
    expect(err.message).toContain("has no price for model tier 'haiku'");
    expect(err.problems).toEqual([
      expect.objectContaining({ path: 'prices', value: '["sonnet","opus"]' }),
    ]);
  });

  test('a negative price is rejected with its value', () => {
    expect(() => build({ prices: { ...PRICES, opus: { ...PRICES.opus, output: -25 } } })).toThrow(
      /prices\.opus\.output: must be >= 0 USD per million tokens \(got -25\)/,
    );
  });

  test('a profile whose tier is not a model tier is rejected', () => {
    expect(() => build({ profiles: [{ ...PROFILES[0], tier: 'gpt' }] })).toThrow(
      /profiles\[0\]\.tier: is not a model tier \(sonnet, opus, haiku\) \(got "gpt"\)/,
    );
  });

  test('two profiles with the same ARN are rejected (calls would count twice)', () => {
    expect(() =>
      build({ profiles: [PROFILES[0], { ...PROFILES[1], profileArn: PROFILES[0].profileArn }] }),
    ).toThrow(
      /profiles\[1\]\.profileArn: duplicates profiles\[0\]\.profileArn \(got "arn:aws:bedrock:us-east-1:123456789012:app/,
    );
  });

  test('two profiles for the same developer and tier are rejected', () => {
    const twin = { ...PROFILES[0], profileArn: PROFILES[1].profileArn };
    expect(() => build({ profiles: [PROFILES[0], twin] })).toThrow(
      /profiles\[1\]: duplicates profiles\[0\].*jane\.doe@example\.com \/ opus/,
    );
  });

  test('a cost center with a comma is rejected (it would break the CSV)', () => {
    expect(() => build({ profiles: [{ ...PROFILES[0], costCenter: 'CC,100' }] })).toThrow(
      /profiles\[0\]\.costCenter: .*\(got "CC,100"\)/,
    );
  });

  test('a malformed profile ARN is rejected, an unresolved one is not checked', () => {
    expect(() =>
      build({
        profiles: [
          {
            ...PROFILES[0],
            profileArn: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/x',
          },
        ],
      }),
    ).toThrow(/profiles\[0\]\.profileArn: must be an application inference profile ARN/);
    expect(() =>
      build({ profiles: [{ ...PROFILES[0], profileArn: Token.asString({ Ref: 'x' }) }] }),
    ).not.toThrow();
  });

  test('an invalid account id is rejected, an unresolved one is not checked', () => {
    expect(() => build({ accountId: '1234' })).toThrow(
      /accountId: must be a 12-digit AWS account id \(got "1234"\)/,
    );
    expect(() => build({ accountId: Token.asString({ Ref: 'account' }) })).not.toThrow();
  });

  test('an invalid project name is rejected', () => {
    expect(() => build({ project: 'Acme_Claude' })).toThrow(/project: .*\(got "Acme_Claude"\)/);
  });

  test('an invalid bucket prefix is rejected', () => {
    expect(() => build({ bucketPrefix: 'Bad.Prefix' })).toThrow(
      /bucketPrefix: .*\(got "Bad.Prefix"\)/,
    );
  });

  test('an invalid region is rejected', () => {
    expect(() => build({ region: 'mars-1' })).toThrow(
      /region: must be an AWS region code .*\(got "mars-1"\)/,
    );
  });

  test('a log key prefix with an empty segment is rejected', () => {
    expect(() => build({ logKeyPrefix: 'a//b' })).toThrow(
      /logKeyPrefix: must not contain empty path segments .*\(got "a\/\/b"\)/,
    );
  });

  test('a projection start date in another format is rejected', () => {
    expect(() => build({ projectionStartDate: '2025-01-01' })).toThrow(
      /projectionStartDate: must be a date written YYYY\/MM\/DD \(got "2025-01-01"\)/,
    );
  });

  test('a bytes-scanned cutoff under the Athena minimum is rejected', () => {
    expect(() => build({ bytesScannedCutoffPerQuery: 1000 })).toThrow(
      /bytesScannedCutoffPerQuery: .*10485760.*\(got 1000\)/,
    );
  });

  test('a results expiration of zero days is rejected', () => {
    expect(() => build({ resultsExpirationDays: 0 })).toThrow(/resultsExpirationDays: .*\(got 0\)/);
  });

  test('a time zone with SQL-unsafe characters is rejected', () => {
    expect(() => build({ offHoursTimeZone: "UTC'; DROP" })).toThrow(
      /offHoursTimeZone: must be an IANA time zone/,
    );
  });

  test('working hours must be increasing whole hours', () => {
    expect(() => build({ workingHours: [18, 8] })).toThrow(
      /workingHours: must be \[start, end\) with start < end \(got \[18,8\]\)/,
    );
    expect(() => build({ workingHours: [8, 25] })).toThrow(
      /workingHours\[1\]: must be a whole hour 0-24 \(got 25\)/,
    );
  });

  test('a tier with an invalid system profile id is rejected', () => {
    const props = (scope: Parameters<typeof baseProps>[0]) => baseProps(scope);
    expect(() =>
      Testing.synthScope((scope) => {
        const p = props(scope);
        new CostAttribution(scope, 'attribution', {
          ...p,
          tiers: [{ ...p.tiers[0], profileId: 'claude' }],
        });
      }),
    ).toThrow(
      /tiers\[0\]\.profileId: must be a system cross-region inference profile id .*\(got "claude"\)/,
    );
  });

  test('every problem is reported at once', () => {
    const err = errorOf({ accountId: 'x', region: 'y', resultsExpirationDays: -1 });
    expect(err.problems.map((p) => p.path)).toEqual([
      'context.accountId',
      'context.region',
      'resultsExpirationDays',
    ]);
  });
});

describe('CostAttribution deprecated top-level project, accountId, region and tags', () => {
  type Form = (
    rest: CostAttributionProps,
    context: CostAttributionProps['context'],
  ) => CostAttributionProps;
  const synth = (form: Form) => () =>
    Testing.synthScope((scope) => {
      const { context, ...rest } = baseProps(scope, { tags: { Owner: 'finops' } });
      new CostAttribution(scope, 'attribution', form(rest, context));
    });

  test('build what context builds, and cannot be combined with it', () => {
    const flat: Form = (rest, context) => ({ ...rest, ...context });
    expect(synth(flat)()).toEqual(synth((rest, context) => ({ ...rest, context }))());
    expect(synth((rest, context) => ({ ...flat(rest, context), context }))).toThrow(
      /tags: cannot be combined with context: pass it as context\.tags/,
    );
  });
});
