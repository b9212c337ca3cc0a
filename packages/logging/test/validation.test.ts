import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { Testing } from 'cdktf';
import { BedrockAuditLogging, BedrockAuditLoggingProps, HardenedBucket } from '../src';
import {
  BASE_PROPS,
  bucketPolicyStatements,
  bySid,
  conditionsOf,
  CONTEXT,
  LOG_BUCKET,
} from './helpers';

function build(props: Partial<BedrockAuditLoggingProps>): void {
  Testing.synthScope((scope) => {
    new BedrockAuditLogging(scope, 'logs', { ...BASE_PROPS, ...props });
  });
}

describe('BedrockAuditLogging validation', () => {
  test('rejects an expiry shorter than the Object Lock', () => {
    expect(() =>
      build({ expirationDays: 180, objectLock: { mode: 'COMPLIANCE', days: 2555 } }),
    ).toThrow(/expirationDays: must not be shorter than objectLock\.days \(2555\).*\(got 180\)/);
  });

  test('rejects a trail expiry shorter than the Object Lock', () => {
    expect(() =>
      build({
        expirationDays: 3000,
        objectLock: { mode: 'GOVERNANCE', days: 2555 },
        cloudtrail: { expirationDays: 400 },
      }),
    ).toThrow(/cloudtrail\.expirationDays: must not be shorter than objectLock\.days.*\(got 400\)/);
  });

  test('accepts a short trail expiry with Object Lock when the trail is disabled', () => {
    expect(() =>
      build({
        expirationDays: 3000,
        objectLock: { mode: 'GOVERNANCE', days: 2555 },
        cloudtrail: { enabled: false, expirationDays: 400 },
      }),
    ).not.toThrow();
  });

  test('rejects an IA transition that is not before expiry', () => {
    expect(() => build({ transitionToIaDays: 120, expirationDays: 100 })).toThrow(
      /transitionToIaDays: must be less than expirationDays \(100\) \(got 120\)/,
    );
  });

  test('rejects an IA transition before 30 days', () => {
    expect(() => build({ transitionToIaDays: 10 })).toThrow(
      /transitionToIaDays: .*30 days.*\(got 10\)/,
    );
  });

  test('rejects a log retention CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: 45 })).toThrow(
      /logRetentionDays: .*retention periods.*\(got 45\)/,
    );
  });

  test('rejects a malformed account id', () => {
    expect(() => build({ context: { ...CONTEXT, accountId: '1234' } })).toThrow(
      /accountId: must be a 12-digit.*\(got "1234"\)/,
    );
  });

  test('rejects a malformed region', () => {
    expect(() => build({ context: { ...CONTEXT, region: 'useast1' } })).toThrow(
      /region: .*\(got "useast1"\)/,
    );
  });

  test('rejects a bucket prefix that is not a valid bucket name', () => {
    expect(() => build({ bucketPrefix: 'Acme.Logs' })).toThrow(
      /bucketPrefix: .*\(got "Acme\.Logs"\)/,
    );
  });

  test('rejects an invalid project name', () => {
    expect(() => build({ context: { ...CONTEXT, project: 'A' } })).toThrow(
      /project: .*\(got "A"\)/,
    );
  });

  test('rejects a key prefix with a leading slash', () => {
    expect(() => build({ s3KeyPrefix: '/bedrock' })).toThrow(/s3KeyPrefix: .*\(got "\/bedrock"\)/);
  });

  test('rejects turning text delivery off', () => {
    expect(() => build({ delivery: { text: false } })).toThrow(
      /delivery\.text: must be true.*\(got false\)/,
    );
  });

  test('rejects an unknown Object Lock mode', () => {
    expect(() => build({ objectLock: { mode: 'LEGAL_HOLD' as 'GOVERNANCE', days: 30 } })).toThrow(
      /objectLock\.mode: .*\(got "LEGAL_HOLD"\)/,
    );
  });

  test('lists every problem at once', () => {
    expect(() =>
      build({ context: { ...CONTEXT, accountId: 'x' }, logRetentionDays: 2, expirationDays: 0 }),
    ).toThrow(
      /has 4 problems:[\s\S]*accountId[\s\S]*logRetentionDays[\s\S]*expirationDays[\s\S]*transitionToIaDays/,
    );
  });

  test('skips unresolved tokens and uses them in the policies', () => {
    const json = Testing.synthScope((scope) => {
      const me = new DataAwsCallerIdentity(scope, 'me');
      new BedrockAuditLogging(scope, 'logs', {
        ...BASE_PROPS,
        context: { ...CONTEXT, accountId: me.accountId },
      });
    });
    const m = JSON.parse(json);
    const allow = bySid(bucketPolicyStatements(m, LOG_BUCKET), 'AllowBedrockInvocationLogDelivery');
    expect(conditionsOf(allow)['StringEquals aws:SourceAccount']).toEqual([
      expect.stringMatching(/^\$\{data\.aws_caller_identity\.me\.account_id\}$/),
    ]);
  });
});

describe('HardenedBucket validation', () => {
  function bucket(props: Partial<ConstructorParameters<typeof HardenedBucket>[2]>): void {
    Testing.synthScope((scope) => {
      new HardenedBucket(scope, 'b', { bucketName: 'acme-audit', expirationDays: 365, ...props });
    });
  }

  test('rejects an expiry shorter than the Object Lock', () => {
    expect(() =>
      bucket({ expirationDays: 30, objectLock: { mode: 'GOVERNANCE', days: 90 } }),
    ).toThrow(/expirationDays: must not be shorter than objectLock\.days \(90\).*\(got 30\)/);
  });

  test('rejects an invalid bucket name', () => {
    expect(() => bucket({ bucketName: 'Bad_Name' })).toThrow(/bucketName: .*\(got "Bad_Name"\)/);
  });

  test('rejects an expiration prefix with characters S3 keys should not use', () => {
    expect(() => bucket({ expirationPrefix: 'results /' })).toThrow(
      /expirationPrefix: must be S3-safe path segments.*\(got "results \/"\)/,
    );
  });

  test('rejects Object Lock retention over 100 years', () => {
    expect(() =>
      bucket({ expirationDays: 40000, objectLock: { mode: 'COMPLIANCE', days: 36501 } }),
    ).toThrow(/objectLock\.days: .*\(got 36501\)/);
  });
});

describe('BedrockAuditLogging deprecated top-level project, accountId and region', () => {
  const { context, ...rest } = BASE_PROPS;
  const synth = (props: BedrockAuditLoggingProps) => () =>
    Testing.synthScope((scope) => {
      new BedrockAuditLogging(scope, 'logs', props);
    });

  test('build what context builds, and cannot be combined with it', () => {
    const flat = { ...rest, ...CONTEXT };
    expect(synth(flat)()).toEqual(synth(BASE_PROPS)());
    expect(synth({ ...flat, context })).toThrow(
      /accountId: cannot be combined with context: pass it as context\.accountId/,
    );
  });
});
