import { callCostUsd } from '@claude-code-bedrock/core';
import { Attributor } from '../src/attribution';
import { parseCapsDocument } from '../src/caps';
import { CAROL_OPUS, capsDocument, JANE_SONNET, OPUS, record, setup } from './helpers';

const UNKNOWN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ffffffffffff';
const call = (requestId: string, modelId: string) =>
  record({ requestId, timestamp: '2026-11-10T12:00:00Z', modelId, input: 1000, output: 100 });
const COST = callCostUsd({ input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 }, OPUS);

describe('attribution', () => {
  test('an unknown profile ARN is counted as unattributed, not dropped', async () => {
    const env = setup();
    const result = await env.logs([call('u1', UNKNOWN)]);
    expect(result).toMatchObject({ records: 1, added: 1, unattributed: 1 });
    // No caps entry and no tags: the tier is unknown, so the call is counted at 0 USD.
    expect(env.row('unattributed', '2026-11')).toMatchObject({
      calls: 1,
      inputTokens: 1000,
      costUsd: 0,
    });
  });

  test('a profile the caps document does not list is attributed by its User and Tier tags', async () => {
    const env = setup();
    await env.logs([call('c1', CAROL_OPUS)]);
    expect(env.row('carol', '2026-11')).toMatchObject({
      calls: 1,
      costUsd: COST,
      team: 'research',
    });
    expect(env.row('unattributed', '2026-11')).toBeUndefined();
  });

  test('a tagged profile without a User tag is unattributed but priced by its Tier tag', async () => {
    const env = setup();
    env.bedrock.profile(UNKNOWN, { Tier: 'opus' });
    await env.logs([call('u1', UNKNOWN)]);
    expect(env.row('unattributed', '2026-11')).toMatchObject({ calls: 1, costUsd: COST });
  });

  test('a developer found by tags but absent from the caps document is counted, never blocked', async () => {
    const env = setup();
    const many = Array.from({ length: 20 }, (_, i) =>
      record({
        requestId: `c${i}`,
        timestamp: '2026-11-10T12:00:00Z',
        modelId: CAROL_OPUS,
        input: 1_000_000,
      }),
    );
    const result = await env.logs(many);
    expect(env.row('carol', '2026-11')!.costUsd).toBe(100);
    expect(result.blocked).toEqual([]);
    expect(env.sns.published).toEqual([]);
  });

  test('tags are read once per profile per container, "no such profile" included', async () => {
    const env = setup();
    await env.logs([call('a', UNKNOWN), call('b', CAROL_OPUS)]);
    await env.logs([call('c', UNKNOWN), call('d', CAROL_OPUS)]);
    expect(env.bedrock.calls.list).toBe(2);
  });

  test('profiles the caps document lists need no tag read', async () => {
    const env = setup();
    await env.logs([call('j', JANE_SONNET)]);
    expect(env.bedrock.calls.list).toBe(0);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 1 });
  });

  test('a failed tag read fails the batch and is asked again on the retry', async () => {
    const env = setup();
    env.bedrock.faults.push(
      'listTagsForResource',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    await expect(env.logs([call('c1', CAROL_OPUS)])).rejects.toThrow('Rate exceeded');
    expect(env.dynamodb.stats.writes).toBe(0);
    await env.logs([call('c1', CAROL_OPUS)]);
    expect(env.row('carol', '2026-11')).toMatchObject({ calls: 1 });
    expect(env.bedrock.calls.list).toBe(2);
  });

  test('a foundation model id is priced by the tier of the system profile naming it', async () => {
    const attributor = new Attributor(async () => undefined);
    const caps = parseCapsDocument(JSON.stringify(capsDocument()), 'test');
    await expect(attributor.attribute('anthropic.claude-opus-4-6-v1', caps)).resolves.toEqual({
      developer: 'unattributed',
      tier: 'opus',
      enforced: false,
    });
    await expect(
      attributor.attribute('anthropic.claude-haiku-4-5-20251001-v1:0', caps),
    ).resolves.toEqual({
      developer: 'unattributed',
      tier: undefined,
      enforced: false,
    });
  });
});
