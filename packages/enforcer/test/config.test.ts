import { configFromEnv, ENFORCER_ENV } from '../src/config';

const ENV = {
  [ENFORCER_ENV.usageTable]: 'usage',
  [ENFORCER_ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:123456789012:alerts',
  [ENFORCER_ENV.capsBucket]: 'bucket',
  [ENFORCER_ENV.capsKey]: 'caps.json',
};

describe('configFromEnv', () => {
  test('reads the four variables, the TTL in seconds', () => {
    expect(configFromEnv({ ...ENV, CAPS_TTL_SECONDS: '30' })).toEqual({
      usageTable: 'usage',
      alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      capsBucket: 'bucket',
      capsKey: 'caps.json',
      capsTtlMs: 30_000,
    });
    expect(configFromEnv(ENV).capsTtlMs).toBeUndefined();
  });

  test('names every missing or bad variable', () => {
    expect(() => configFromEnv({ CAPS_TTL_SECONDS: 'soon' })).toThrow(
      "enforcer configuration: USAGE_TABLE is not set; ALERT_TOPIC_ARN is not set; CAPS_BUCKET is not set; CAPS_KEY is not set; CAPS_TTL_SECONDS must be a number of seconds >= 0 (got 'soon')",
    );
  });
});
