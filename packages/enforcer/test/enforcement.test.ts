import { BLOCKED_VALUE, BUDGET_STATE_TAG } from '../src/blocking';
import { BOB_SONNET, capsDocument, JANE_OPUS, JANE_SONNET, record, setup } from './helpers';

/** A call on jane's opus profile costing `usd` (input tokens at $5 per million). */
let seq = 0;
const spend = (usd: number, timestamp = '2026-11-10T12:00:00Z', modelId = JANE_OPUS) =>
  record({ requestId: `s${seq++}`, timestamp, modelId, input: Math.round(usd * 200_000) });

const tagsOf = (env: ReturnType<typeof setup>, arn: string) =>
  Object.fromEntries(env.bedrock.tags.get(arn)!);

describe('thresholds', () => {
  test('each threshold is alerted once per developer and period, with who, team, spent, cap and period', async () => {
    const env = setup();
    await env.logs([spend(0.3)]);
    expect(env.sns.published).toEqual([]);
    const crossing = await env.logs([spend(0.3)]);
    expect(crossing.alerts).toEqual(['jane.doe@2026-11:50']);
    await env.logs([spend(0.01)]);
    await env.logs([spend(0.25)]);
    expect(env.sns.alerts).toEqual([
      {
        developer: 'jane.doe',
        team: 'platform',
        spentUsd: 0.6,
        capUsd: 1,
        percent: 50,
        period: '2026-11',
        blocked: false,
      },
      {
        developer: 'jane.doe',
        team: 'platform',
        spentUsd: 0.86,
        capUsd: 1,
        percent: 80,
        period: '2026-11',
        blocked: false,
      },
    ]);
    expect(env.sns.published[0]).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      Subject: 'Claude Code spend: jane.doe reached 50% of $1 (2026-11)',
    });
    expect(env.row('jane.doe', '2026-11')!.warned).toEqual([50, 80]);
  });

  test('one batch crossing several thresholds sends each of them once', async () => {
    const env = setup();
    const result = await env.logs([spend(0.45), spend(0.45)]);
    expect(result.alerts).toEqual(['jane.doe@2026-11:50', 'jane.doe@2026-11:80']);
    expect(env.sns.alerts.map((a) => a.percent)).toEqual([50, 80]);
  });

  test('a redelivered batch sends nothing again', async () => {
    const env = setup();
    const messages = [spend(0.6)];
    await env.logs(messages);
    await env.logs(messages);
    expect(env.sns.published).toHaveLength(1);
  });

  test('concurrent batches for one developer send each threshold once', async () => {
    const env = setup();
    await Promise.all([env.logs([spend(0.45)]), env.logs([spend(0.45)]), env.logs([spend(0.45)])]);
    expect(env.sns.alerts.map((a) => a.percent).sort()).toEqual([100, 50, 80]);
    expect(env.bedrock.calls.tag).toBe(2);
    expect(env.sns.alerts.find((a) => a.percent === 100)).toMatchObject({ blocked: true });
  });

  test('a failed publish gives the claim back, fails the batch, and the retry alerts once', async () => {
    const env = setup();
    env.sns.faults.push('publish', new Error('SNS unavailable'));
    const messages = [spend(0.6)];
    await expect(env.logs(messages)).rejects.toThrow('SNS unavailable');
    expect(env.row('jane.doe', '2026-11')!.warned).toEqual([]);
    await env.logs(messages);
    expect(env.sns.alerts.map((a) => a.percent)).toEqual([50]);
    expect(env.row('jane.doe', '2026-11')).toMatchObject({ calls: 1, warned: [50] });
  });

  test('a new period starts without alerts', async () => {
    const env = setup();
    await env.logs([spend(0.6, '2026-11-30T23:00:00Z')]);
    await env.logs([spend(0.6, '2026-12-01T01:00:00Z')]);
    expect(env.sns.alerts.map((a) => `${a.period}:${a.percent}`)).toEqual([
      '2026-11:50',
      '2026-12:50',
    ]);
  });
});

describe('blocking', () => {
  test('at 100% every profile of the developer is tagged BudgetState=blocked, once', async () => {
    const env = setup();
    await env.logs([spend(0.99)]);
    expect(env.bedrock.calls.tag).toBe(0);
    const over = await env.logs([spend(0.02)]);
    expect(over.blocked).toEqual(['jane.doe']);
    expect(tagsOf(env, JANE_OPUS)).toMatchObject({ [BUDGET_STATE_TAG]: BLOCKED_VALUE });
    expect(tagsOf(env, JANE_SONNET)).toMatchObject({ [BUDGET_STATE_TAG]: BLOCKED_VALUE });
    expect(env.row('jane.doe', '2026-11')!.blocked).toBe(true);
    expect(env.sns.alerts.at(-1)).toMatchObject({ percent: 100, blocked: true });
    expect(env.sns.published.at(-1)!.Subject).toBe(
      'Claude Code spend: jane.doe blocked at 100% of $1 (2026-11)',
    );
    // Calls that were in flight keep arriving: no more tagging, no more alerts.
    await env.logs([spend(0.5), spend(0.5)]);
    expect(env.bedrock.calls.tag).toBe(2);
    expect(env.sns.alerts.map((a) => a.percent)).toEqual([50, 80, 100]);
  });

  test('another developer is unaffected', async () => {
    const env = setup();
    await env.logs([
      spend(2),
      record({
        requestId: 'bob',
        timestamp: '2026-11-10T12:00:00Z',
        modelId: BOB_SONNET,
        input: 1000,
      }),
    ]);
    expect(tagsOf(env, BOB_SONNET)).not.toHaveProperty(BUDGET_STATE_TAG);
    expect(env.row('bob.smith', '2026-11')!.blocked).toBeUndefined();
  });

  test('the cap override on the row (set by the admin CLI) wins over the caps document', async () => {
    const env = setup();
    await env.logs([spend(0.1)]);
    env.dynamodb.get('jane.doe', '2026-11')!.capOverrideUsd = { N: '10' };
    const result = await env.logs([spend(5)]);
    expect(result.blocked).toEqual([]);
    expect(env.sns.alerts).toEqual([
      expect.objectContaining({ percent: 50, capUsd: 10, spentUsd: 5.1 }),
    ]);
  });

  test('a row an admin exempted (caps unblock) keeps counting and alerting but never blocks', async () => {
    const env = setup();
    await env.logs([spend(0.1)]);
    env.dynamodb.get('jane.doe', '2026-11')!.exempt = { BOOL: true };
    const result = await env.logs([spend(5)]);
    expect(result.blocked).toEqual([]);
    expect(tagsOf(env, JANE_OPUS)).not.toHaveProperty(BUDGET_STATE_TAG);
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBeCloseTo(5.1, 10);
    expect(env.sns.alerts.map((a) => a.percent)).toContain(100);
  });

  test('a failed tag call leaves the row unclaimed and fails the batch; the retry blocks', async () => {
    const env = setup();
    env.bedrock.faults.push(
      'tagResource',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    const messages = [spend(1.5)];
    await expect(env.logs(messages)).rejects.toThrow('Rate exceeded');
    // Tags go on before the claim: a row is never marked blocked with profiles left untagged.
    expect(env.row('jane.doe', '2026-11')!.blocked).toBeUndefined();
    const retry = await env.logs(messages);
    expect(retry).toMatchObject({ added: 0, duplicates: 1, blocked: ['jane.doe'] });
    expect(tagsOf(env, JANE_OPUS)).toMatchObject({ [BUDGET_STATE_TAG]: BLOCKED_VALUE });
    expect(tagsOf(env, JANE_SONNET)).toMatchObject({ [BUDGET_STATE_TAG]: BLOCKED_VALUE });
  });

  test('a batch holding only last period’s records does not block once the clock is in the next period', async () => {
    let now = Date.parse('2026-11-30T23:00:00Z');
    const env = setup(undefined, { now: () => now });
    await env.logs([spend(0.5)]);
    now = Date.parse('2026-12-01T00:10:00Z');
    const late = await env.logs([spend(1)]);
    expect(late.blocked).toEqual([]);
    expect(tagsOf(env, JANE_OPUS)).not.toHaveProperty(BUDGET_STATE_TAG);
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBeCloseTo(1.5, 10);
  });

  test('late records of a period already over do not block when the batch reaches into the next one', async () => {
    const env = setup();
    const result = await env.logs([
      spend(1.5, '2026-11-30T23:59:00Z'),
      spend(0.01, '2026-12-01T00:00:10Z'),
    ]);
    expect(result.blocked).toEqual([]);
    expect(env.row('jane.doe', '2026-11')!.costUsd).toBe(1.5);
  });

  test('unattributed usage is never blocked', async () => {
    const env = setup(capsDocument({ developers: {} }));
    const result = await env.logs([
      record({
        requestId: 'x',
        timestamp: '2026-11-10T12:00:00Z',
        modelId: 'us.anthropic.claude-opus-4-6-v1',
        input: 10_000_000,
      }),
    ]);
    expect(env.row('unattributed', '2026-11')!.costUsd).toBe(50);
    expect(result.blocked).toEqual([]);
    expect(env.bedrock.calls.tag).toBe(0);
  });
});
