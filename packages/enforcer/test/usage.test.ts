import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { callCostUsd, recordTokens } from '@claude-code-bedrock/core';
import { RECORDS_PER_TRANSACTION } from '../src/usage';
import { JANE_OPUS, OPUS, records, SAMPLE, setup, SONNET } from './helpers';

const costOf = (message: string, price: typeof OPUS): number =>
  callCostUsd(recordTokens(JSON.parse(message)), price);

describe('pricing the shared sample', () => {
  test("each developer's row holds core's formula over their records", async () => {
    const env = setup();
    await env.logs(SAMPLE);
    // jane: records 1 and 4 through her opus profile.
    expect(env.row('jane.doe', '2026-11')).toMatchObject({
      costUsd: costOf(SAMPLE[0], OPUS) + costOf(SAMPLE[3], OPUS),
      calls: 2,
      inputTokens: 1834 + 15,
      outputTokens: 912,
      cacheReadTokens: 52310,
      cacheWriteTokens: 2048,
      team: 'platform',
      updatedAt: '2026-11-03T09:30:00Z',
    });
    // bob: record 2 through his sonnet profile.
    expect(env.row('bob.smith', '2026-11')).toMatchObject({
      costUsd: costOf(SAMPLE[1], SONNET),
      calls: 1,
      team: 'payments',
    });
  });

  test('the hand-computed figures match (opus 5/25/0.5/6.25, sonnet 3/15/0.3/3.75 per million)', async () => {
    const env = setup();
    await env.logs(SAMPLE);
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBeCloseTo(0.070925 + 0.000075, 12);
    expect(env.row('bob.smith', '2026-11')!.costUsd).toBeCloseTo(0.017145, 12);
    expect(env.row('unattributed', '2026-11')!.costUsd).toBeCloseTo(0.0028, 12);
  });

  test('a system-profile call is counted as unattributed, priced by the tier the caps document maps', async () => {
    const env = setup();
    const result = await env.logs(SAMPLE);
    expect(result.unattributed).toBe(1);
    expect(env.row('unattributed', '2026-11')).toMatchObject({
      costUsd: costOf(SAMPLE[2], OPUS),
      calls: 1,
      inputTokens: 120,
      outputTokens: 88,
    });
  });

  test('writes at most 2 items per record', async () => {
    const env = setup();
    const result = await env.logs(SAMPLE);
    expect(result.writes).toBe(env.dynamodb.stats.writes);
    expect(env.dynamodb.stats.writes / SAMPLE.length).toBeLessThanOrEqual(2);
  });
});

describe('idempotency', () => {
  test('the same batch delivered twice changes nothing the second time', async () => {
    const env = setup();
    await env.logs(SAMPLE);
    const before = structuredClone([...env.dynamodb.items]);
    const again = await env.logs(SAMPLE);
    expect(again).toMatchObject({ records: 4, added: 0, duplicates: 4 });
    expect([...env.dynamodb.items]).toEqual(before);
  });

  test('a batch overlapping an earlier one adds only the records not yet counted', async () => {
    const env = setup();
    await env.logs([SAMPLE[0], SAMPLE[1]]);
    const result = await env.logs(SAMPLE);
    expect(result).toMatchObject({ added: 2, duplicates: 2 });
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 2, inputTokens: 1849 });
    expect(env.row('bob.smith', '2026-11')).toMatchObject({ calls: 1, inputTokens: 4210 });
  });

  test('a record repeated inside one batch is counted once', async () => {
    const env = setup();
    const result = await env.logs([SAMPLE[0], SAMPLE[0]]);
    expect(result.added).toBe(1);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 1, inputTokens: 1834 });
  });

  test('dedupe items expire three days after their record', async () => {
    const env = setup();
    await env.logs([SAMPLE[0]]);
    const dedupe = env.dynamodb.get('request#6f0c1a7e-0000-4000-8000-000000000001', '2026-11');
    expect(Number(dedupe!.expiresAt.N)).toBe(Date.parse('2026-11-02T14:05:09Z') / 1000 + 3 * 86400);
  });
});

describe('transactions', () => {
  test(`a group larger than ${RECORDS_PER_TRANSACTION} records is written in chunks, sums exact`, async () => {
    const env = setup();
    const many = records(250, {
      prefix: 'r',
      modelId: JANE_OPUS,
      start: '2026-11-05T00:00:00Z',
      input: 1000,
    });
    const result = await env.logs(many);
    expect(result.transactions).toBe(3);
    // 250 dedupe puts and 3 row updates in transactions (single updates are the alert/block claims).
    expect(env.dynamodb.stats.writes - env.dynamodb.stats.updates).toBe(250 + 3);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 250, inputTokens: 250_000 });
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBeCloseTo(250 * 0.005, 10);
  });

  test('two concurrent batches for one developer, interleaved, add up exactly', async () => {
    const env = setup();
    const all = records(180, {
      prefix: 'c',
      modelId: JANE_OPUS,
      start: '2026-11-06T00:00:00Z',
      input: 700,
      output: 30,
    });
    // Overlapping halves: records 60-119 are in both batches.
    const [a, b] = await Promise.all([env.logs(all.slice(0, 120)), env.logs(all.slice(60))]);
    // The batches really interleaved: some transactions were cancelled by the other's and retried.
    expect(env.dynamodb.stats.canceled).toBeGreaterThan(0);
    expect(a.added + b.added).toBe(180);
    expect(a.duplicates + b.duplicates).toBe(60);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({
      calls: 180,
      inputTokens: 180 * 700,
      outputTokens: 180 * 30,
    });
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBeCloseTo(
      (180 * (700 * 5 + 30 * 25)) / 1e6,
      10,
    );
  });

  test('a transaction conflict is retried after a pause', async () => {
    const slept: number[] = [];
    const env = setup(undefined, { sleep: async (ms) => void slept.push(ms) });
    env.dynamodb.faults.push(
      'transactWriteItems',
      new TransactionCanceledException({
        message: 'conflict',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
      }),
    );
    const result = await env.logs([SAMPLE[0]]);
    expect(result.added).toBe(1);
    expect(slept).toHaveLength(1);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 1 });
  });

  test('a cancellation for any other reason fails the batch and writes nothing', async () => {
    const env = setup();
    env.dynamodb.faults.push(
      'transactWriteItems',
      new TransactionCanceledException({
        message: 'too big',
        $metadata: {},
        CancellationReasons: [{ Code: 'ValidationError' }, { Code: 'None' }],
      }),
    );
    await expect(env.logs([SAMPLE[0]])).rejects.toThrow('too big');
    expect(env.row('jane.doe', '2026-11')).toBeUndefined();
  });

  test('conflicts that never clear fail the batch after the last attempt', async () => {
    const env = setup();
    for (let i = 0; i < 8; i++) {
      env.dynamodb.faults.push(
        'transactWriteItems',
        new TransactionCanceledException({
          message: `conflict ${i}`,
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
        }),
      );
    }
    await expect(env.logs([SAMPLE[0]])).rejects.toThrow('conflict 7');
  });
});
