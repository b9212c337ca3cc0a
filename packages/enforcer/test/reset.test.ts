import { BUDGET_STATE_TAG } from '../src/blocking';
import { capsDocument, JANE_OPUS, JANE_SONNET, record, setup } from './helpers';

let seq = 0;
const spend = (usd: number, timestamp: string) =>
  record({
    requestId: `r${seq++}`,
    timestamp,
    modelId: JANE_OPUS,
    input: Math.round(usd * 200_000),
  });

const scheduled = (time: string) => ({
  version: '0',
  id: 'e1',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/enforcer-reset'],
  'detail-type': 'Scheduled Event',
  detail: {},
});

const blockedTag = (env: ReturnType<typeof setup>, arn: string) =>
  env.bedrock.tags.get(arn)!.get(BUDGET_STATE_TAG);

describe('period reset', () => {
  test('at the new period, a developer blocked in the last one is untagged, once', async () => {
    const env = setup();
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    expect(blockedTag(env, JANE_OPUS)).toBe('blocked');

    // Still November by the event's clock: nothing to reset.
    const early = await env.handler(scheduled('2026-11-30T23:59:00Z'));
    expect(early).toMatchObject({ kind: 'reset', period: '2026-11', unblocked: [] });
    expect(blockedTag(env, JANE_OPUS)).toBe('blocked');

    const reset = await env.handler(scheduled('2026-12-01T00:00:00Z'));
    expect(reset).toEqual({
      kind: 'reset',
      period: '2026-12',
      unblocked: ['jane.doe'],
      stillBlocked: [],
    });
    expect(blockedTag(env, JANE_OPUS)).toBeUndefined();
    expect(blockedTag(env, JANE_SONNET)).toBeUndefined();
    expect(env.dynamodb.get('jane.doe', '2026-11')).toMatchObject({
      blocked: { BOOL: false },
      resetAt: { S: '2026-12-01T00:00:00Z' },
    });
    // November's usage stays on its row.
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBe(1.2);

    const untags = env.bedrock.calls.untag;
    await env.handler(scheduled('2026-12-01T01:00:00Z'));
    expect(env.bedrock.calls.untag).toBe(untags);
  });

  test('the new period blocks again on its own row', async () => {
    const env = setup();
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    await env.handler(scheduled('2026-12-01T00:00:00Z'));
    await env.logs([spend(0.5, '2026-12-02T10:00:00Z')]);
    expect(blockedTag(env, JANE_OPUS)).toBeUndefined();
    await env.logs([spend(0.6, '2026-12-03T10:00:00Z')]);
    expect(blockedTag(env, JANE_OPUS)).toBe('blocked');
    expect(env.row('jane.doe', '2026-12')).toMatchObject({ blocked: true, costUsd: 1.1 });
  });

  test('a developer already over the cap in the new period stays blocked', async () => {
    const env = setup();
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    // A late batch: December's usage over the cap was counted before the reset ran.
    await env.logs([spend(1.5, '2026-12-01T00:00:30Z')]);
    const reset = await env.handler(scheduled('2026-12-01T00:05:00Z'));
    expect(reset).toMatchObject({ unblocked: [], stillBlocked: ['jane.doe'] });
    expect(blockedTag(env, JANE_OPUS)).toBe('blocked');
  });

  test('daily periods reset at midnight UTC', async () => {
    const env = setup(capsDocument({ period: 'daily' }));
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    expect(env.row('jane.doe', '2026-11-20')!.blocked).toBe(true);
    const reset = await env.handler(scheduled('2026-11-21T00:00:00Z'));
    expect(reset).toMatchObject({ period: '2026-11-21', unblocked: ['jane.doe'] });
    expect(blockedTag(env, JANE_OPUS)).toBeUndefined();
  });

  test('a profile deleted since the block is skipped', async () => {
    const env = setup();
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    env.bedrock.tags.delete(JANE_SONNET);
    const reset = await env.handler(scheduled('2026-12-01T00:00:00Z'));
    expect(reset).toMatchObject({ unblocked: ['jane.doe'] });
    expect(blockedTag(env, JANE_OPUS)).toBeUndefined();
  });

  test('a failed untag fails the reset and leaves the row blocked for the next run', async () => {
    const env = setup();
    await env.logs([spend(1.2, '2026-11-20T10:00:00Z')]);
    env.bedrock.faults.push(
      'untagResource',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    await expect(env.handler(scheduled('2026-12-01T00:00:00Z'))).rejects.toThrow('Rate exceeded');
    expect(env.row('jane.doe', '2026-11')!.blocked).toBe(true);
    await expect(env.handler(scheduled('2026-12-01T00:00:00Z'))).resolves.toMatchObject({
      unblocked: ['jane.doe'],
    });
    expect(blockedTag(env, JANE_OPUS)).toBeUndefined();
  });
});
