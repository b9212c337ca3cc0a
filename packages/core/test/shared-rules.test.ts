import { Token } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  ACCOUNT_ID,
  ConfigError,
  DEFAULT_PROFILE_QUOTA,
  DeploymentContextSchema,
  EnvironmentConfigInput,
  SNS_KMS_KEY_ARN,
  TAG_KEY,
  TAG_VALUE,
  profileQuotaExcess,
  teamAlertEmailsOverLimit,
  tokenOr,
  validateConfig,
  validateContextProps,
} from '../src';

/** The messages `schema` gives `value` (empty when it is valid). */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message} (got ${p.value})`);
  }
  throw new Error('expected a ConfigError');
}

describe('tokenOr', () => {
  const accountId = tokenOr(ACCOUNT_ID);

  it('lets an unresolved token through unchecked', () => {
    expect(messages(accountId, Token.asString({ Ref: 'account' }))).toEqual([]);
  });

  it("checks a literal with the field's own rule and message", () => {
    expect(messages(accountId, '123456789012')).toEqual([]);
    expect(messages(accountId, '1234')).toEqual(['must be a 12-digit AWS account id']);
  });

  it('rejects what is not a string', () => {
    expect(messages(accountId, 42)).toHaveLength(1);
  });
});

describe('tag characters (the AWS tagging pattern, \\p{Z} included)', () => {
  it('accepts any Unicode space separator in keys and values', () => {
    expect(messages(TAG_KEY, 'Cost\u00a0Center')).toEqual([]);
    expect(messages(TAG_VALUE, 'platform\u2003team')).toEqual([]);
  });

  it('rejects characters outside the pattern, and the aws: prefix', () => {
    expect(messages(TAG_VALUE, 'a<b>')).toEqual([
      'must be at most 256 characters of letters, digits, spaces and _ . : / = + - @',
    ]);
    expect(messages(TAG_KEY, 'aws:owner')).toEqual(['the aws: prefix is reserved by AWS']);
  });
});

describe('the alert topic key', () => {
  it.each(['alias/aws/sns', 'arn:aws:kms:us-east-1:123456789012:alias/aws/sns'])(
    'refuses the AWS-managed key %s, explaining why',
    (key) => {
      expect(messages(SNS_KMS_KEY_ARN, key)).toEqual([
        expect.stringMatching(/^alias\/aws\/sns cannot be used: AWS Budgets, CloudWatch alarms/),
      ]);
    },
  );

  it('asks for a key ARN when given an alias of its own', () => {
    expect(messages(SNS_KMS_KEY_ARN, 'alias/team/aws/sns-keys')).toEqual([
      expect.stringMatching(/^must be a customer-managed KMS key ARN/),
    ]);
  });
});

describe('DeploymentContext', () => {
  const CONTEXT = { project: 'acme', accountId: '123456789012', region: 'us-east-1' };
  const Props = z.object({ context: DeploymentContextSchema, bucketPrefix: z.string() });
  const validate = (props: Record<string, unknown>) => validateContextProps(Props, props, 'Thing');

  it('validates every field, tolerating a token account id and tag values', () => {
    const account = Token.asString({ Ref: 'account' });
    const tags = { Owner: Token.asString({ Ref: 'owner' }) };
    expect(
      validate({ context: { ...CONTEXT, accountId: account, tags }, bucketPrefix: 'b' }),
    ).toEqual({ context: { ...CONTEXT, accountId: account, tags }, bucketPrefix: 'b' });
    expect(
      problems(() =>
        validate({
          context: { project: 'Acme_X', accountId: '1', region: 'mars' },
          bucketPrefix: 'b',
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^context\.project: .*\(got "Acme_X"\)$/),
      expect.stringMatching(/^context\.accountId: must be a 12-digit AWS account id \(got "1"\)$/),
      expect.stringMatching(/^context\.region: must be an AWS region code.*\(got "mars"\)$/),
    ]);
  });

  it('builds the context from the deprecated top-level fields', () => {
    expect(validate({ ...CONTEXT, bucketPrefix: 'b' })).toEqual({
      context: CONTEXT,
      bucketPrefix: 'b',
    });
  });

  it('refuses the deprecated fields next to a context, naming each', () => {
    expect(
      problems(() => validate({ context: CONTEXT, region: 'us-east-2', bucketPrefix: 'b' })),
    ).toEqual([
      'region: cannot be combined with context: pass it as context.region (got "us-east-2")',
    ]);
  });

  it('requires a context', () => {
    expect(problems(() => validate({ bucketPrefix: 'b' }))).toEqual([
      expect.stringMatching(/^context: is required/),
    ]);
  });
});

describe('teamAlertEmailsOverLimit', () => {
  const shared = Array.from({ length: 10 }, (_, i) => `s${i}@example.com`);

  it('counts distinct subscribers and reports them above the limit', () => {
    expect(teamAlertEmailsOverLimit(shared, ['new@example.com'])).toBe(11);
    expect(teamAlertEmailsOverLimit(shared.slice(1), ['new@example.com', shared[1]])).toBe(
      undefined,
    );
  });

  it("leaves a team that only repeats the shared list to the shared list's own check", () => {
    expect(teamAlertEmailsOverLimit([...shared, 'x@example.com'], [shared[0]])).toBeUndefined();
  });
});

describe('profileQuotaExcess', () => {
  it('reports the quota and total when the profiles do not fit', () => {
    expect(profileQuotaExcess(10, 100, 95)).toEqual({ quota: 100, total: 105 });
    expect(profileQuotaExcess(10, 100, 90)).toBeUndefined();
  });

  it('falls back to the default quota and no existing profiles for unreadable input', () => {
    expect(profileQuotaExcess(DEFAULT_PROFILE_QUOTA, 'x', -0.5)).toBeUndefined();
    expect(profileQuotaExcess(DEFAULT_PROFILE_QUOTA + 1, undefined)).toEqual({
      quota: DEFAULT_PROFILE_QUOTA,
      total: DEFAULT_PROFILE_QUOTA + 1,
    });
  });
});

describe('rules the config now shares with the constructs', () => {
  const devYaml = readFileSync(join(__dirname, '../../../apps/dev/config.yaml'), 'utf8');
  const base = (): EnvironmentConfigInput => parse(devYaml);

  it('rejects turning text delivery off (nothing would be logged)', () => {
    const c = base();
    c.logging = { delivery: { text: false as true } };
    expect(problems(() => validateConfig(c))).toEqual([
      expect.stringMatching(/^logging\.delivery\.text: must be true: Claude Code calls are text/),
    ]);
  });

  it('rejects business hours that end before they start', () => {
    const c = base();
    c.budgets.alarms = { businessHoursUtc: { start: 20, end: 6 } };
    expect(problems(() => validateConfig(c))).toEqual([
      expect.stringMatching(/^budgets\.alarms\.businessHoursUtc: start must be before end/),
    ]);
  });

  it('rejects an enabled guardrail without any policy, and unknown PII types', () => {
    const c = base();
    c.budgets.guardrail = { enabled: true, piiEntities: [] };
    expect(problems(() => validateConfig(c))).toEqual([
      expect.stringMatching(/^budgets\.guardrail\.piiEntities: must list at least one entity type/),
    ]);
    c.budgets.guardrail = { enabled: true, piiEntities: ['SSN' as 'EMAIL'] };
    expect(problems(() => validateConfig(c))).toEqual([
      expect.stringMatching(/^budgets\.guardrail\.piiEntities\[0\]: must be a Bedrock PII entity/),
    ]);
  });

  it("counts a team's alert e-mails once with the shared list, as the team budget subscribes them", () => {
    const c = base();
    const shared = Array.from({ length: 9 }, (_, i) => `s${i}@example.com`);
    c.budgets.alertEmails = shared;
    c.teams[0].alertEmails = [shared[0], 'own@example.com', 'own@example.com'];
    expect(() => validateConfig(c)).not.toThrow();
    c.teams[0].alertEmails = [shared[0], 'own@example.com', 'other@example.com'];
    expect(problems(() => validateConfig(c))).toEqual([
      expect.stringMatching(
        /^teams\[0\]\.alertEmails: with budgets\.alertEmails makes 11 e-mail subscribers; AWS Budgets allows at most 10/,
      ),
    ]);
  });

  it('explains a bad tag key instead of reporting an invalid record key', () => {
    const c = base();
    c.tags = { 'aws:team': 'x', Project: 'y' };
    expect(problems(() => validateConfig(c))).toEqual([
      'tags.aws:team: the aws: prefix is reserved by AWS (got "aws:team")',
      'tags.Project: Project, Environment and ManagedBy are set by the kit (got "Project")',
    ]);
  });
});
