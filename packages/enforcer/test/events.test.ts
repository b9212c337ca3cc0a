import { gzipSync } from 'zlib';
import {
  decodeLogsData,
  encodeLogsData,
  invocationRecords,
  isLogsSubscriptionEvent,
  isScheduledEvent,
  LogsPayload,
} from '../src/events';
import { batch, record, SAMPLE, setup } from './helpers';

const PAYLOAD: LogsPayload = {
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: '/aws/bedrock/model-invocations',
  logStream: 'aws/bedrock/modelinvocations',
  subscriptionFilters: ['enforcer'],
  logEvents: SAMPLE.map((message, i) => ({
    id: String(i),
    timestamp: 1_700_000_000_000 + i,
    message,
  })),
};

describe('subscription payloads', () => {
  test('gzip + base64 round trip', () => {
    const data = encodeLogsData(PAYLOAD);
    expect(data).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeLogsData(data)).toEqual(PAYLOAD);
  });

  test('decodes what CloudWatch Logs sends (gzip of the JSON, base64)', () => {
    const data = gzipSync(JSON.stringify(PAYLOAD)).toString('base64');
    expect(invocationRecords(decodeLogsData(data)).records.map((r) => r.requestId)).toEqual([
      '6f0c1a7e-0000-4000-8000-000000000001',
      '6f0c1a7e-0000-4000-8000-000000000002',
      '6f0c1a7e-0000-4000-8000-000000000003',
      '6f0c1a7e-0000-4000-8000-000000000004',
    ]);
  });

  test('reads token counts null-safely', () => {
    const { records } = invocationRecords(PAYLOAD);
    expect(records[3].tokens).toEqual({ input: 15, output: 0, cacheRead: 0, cacheWrite: 0 });
    expect(records[0]).toMatchObject({
      timestamp: '2026-11-02T14:05:09Z',
      modelId: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
      tokens: { input: 1834, output: 912, cacheRead: 52310, cacheWrite: 2048 },
    });
  });

  test('a control message carries no records', () => {
    const control = {
      ...PAYLOAD,
      messageType: 'CONTROL_MESSAGE' as const,
      logEvents: [
        {
          id: '1',
          timestamp: 0,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.',
        },
      ],
    };
    expect(invocationRecords(control).records).toEqual([]);
  });

  test('skips, and counts, log events that are not countable invocation records', () => {
    const good = record({
      requestId: 'r1',
      timestamp: '2026-11-02T10:00:00Z',
      modelId: 'm',
      input: 1,
    });
    const messages = [
      good,
      'not json',
      JSON.stringify({ schemaType: 'SomethingElse', requestId: 'r2' }),
      JSON.stringify({ ...JSON.parse(good), requestId: undefined }),
      JSON.stringify({ ...JSON.parse(good), timestamp: 'yesterday' }),
      'null',
    ];
    const payload = {
      ...PAYLOAD,
      logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 0, message })),
    };
    const { records, skipped } = invocationRecords(payload);
    expect(records.map((r) => r.requestId)).toEqual(['r1']);
    expect(skipped).toEqual({ 'not-json': 1, 'not-invocation-log': 2, incomplete: 2 });
  });

  test('rejects data that is not base64 gzip of a subscription payload, naming the step', () => {
    expect(() => decodeLogsData('not gzip')).toThrow('awslogs.data is not base64 of gzip');
    expect(() => decodeLogsData(gzipSync('{oops').toString('base64'))).toThrow(
      'does not hold JSON',
    );
    expect(() => decodeLogsData(gzipSync('{}').toString('base64'))).toThrow(
      'no messageType and logEvents',
    );
  });
});

describe('event shapes', () => {
  test('tells subscription events from scheduled events', () => {
    expect(isLogsSubscriptionEvent(batch(SAMPLE))).toBe(true);
    expect(isLogsSubscriptionEvent({ awslogs: {} })).toBe(false);
    expect(
      isScheduledEvent({
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        time: '2026-12-01T00:00:00Z',
      }),
    ).toBe(true);
    expect(
      isScheduledEvent({ source: 'aws.events', 'detail-type': 'Object Created', time: 'x' }),
    ).toBe(false);
    expect(isScheduledEvent(null)).toBe(false);
  });

  test('the handler rejects any other event and writes nothing', async () => {
    const env = setup();
    await expect(env.handler({ Records: [] })).rejects.toThrow('unrecognised event');
    expect(env.dynamodb.stats.writes).toBe(0);
  });

  test('a batch of only skipped events reads no caps document and writes nothing', async () => {
    const env = setup();
    const result = await env.logs(['garbage']);
    expect(result).toMatchObject({ records: 0, added: 0, writes: 0 });
    expect(env.s3.reads).toBe(0);
  });
});
