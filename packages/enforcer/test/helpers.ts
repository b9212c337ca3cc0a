import { readFileSync } from 'fs';
import { join } from 'path';
import type { CapsDocument } from '../src/caps';
import { logsSubscriptionEvent, LogsSubscriptionEvent } from '../src/events';
import { createHandler, EnforcerHandler, LogsOutcome } from '../src/handler';
import type { Deps, EnforcerConfig } from '../src/ports';
import { fakeAws } from './fakes';

/**
 * bedrock-invocation-log-sample.jsonl (the shared sample), as raw log messages:
 * 1. jane's opus profile (…/a1b2c3d4e5f6), 2026-11-02: input 1834, output 912, cache read 52310,
 *    cache write 2048;
 * 2. bob's sonnet profile (…/f6e5d4c3b2a1), 2026-11-02: input 4210, output 301;
 * 3. the opus system profile, 2026-11-03: input 120, output 88;
 * 4. jane's opus profile, 2026-11-03: input 15, no output count.
 */
export const SAMPLE = readFileSync(
  join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'),
  'utf8',
)
  .trim()
  .split('\n');

const PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/';
export const JANE_OPUS = `${PROFILE}a1b2c3d4e5f6`;
export const JANE_SONNET = `${PROFILE}0a0a0a0a0a0a`;
export const BOB_SONNET = `${PROFILE}f6e5d4c3b2a1`;
export const CAROL_OPUS = `${PROFILE}c0c0c0c0c0c0`;

export const OPUS = { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 };
export const SONNET = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

/** Caps for jane ($1, opus and sonnet profiles) and bob ($50, sonnet), monthly, alerts at 50/80. */
export function capsDocument(overrides: Partial<CapsDocument> = {}): CapsDocument {
  return {
    version: 1,
    period: 'monthly',
    warnAt: [50, 80],
    prices: { opus: OPUS, sonnet: SONNET },
    models: { 'us.anthropic.claude-opus-4-6-v1': 'opus', 'anthropic.claude-opus-4-6-v1': 'opus' },
    developers: {
      'jane.doe': {
        capUsd: 1,
        team: 'platform',
        profiles: { opus: JANE_OPUS, sonnet: JANE_SONNET },
      },
      'bob.smith': { capUsd: 50, team: 'payments', profiles: { sonnet: BOB_SONNET } },
    },
    ...overrides,
  };
}

export const CONFIG: EnforcerConfig = {
  usageTable: 'usage',
  alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
  capsBucket: 'caps-bucket',
  capsKey: 'enforcer/caps.json',
};

/** An invocation-log record in the documented format, as its log message. */
export function record(opts: {
  requestId: string;
  timestamp: string;
  modelId: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}): string {
  const input: Record<string, unknown> = { inputContentType: 'application/json' };
  if (opts.input !== undefined) input.inputTokenCount = opts.input;
  if (opts.cacheRead !== undefined) input.cacheReadInputTokenCount = opts.cacheRead;
  if (opts.cacheWrite !== undefined) input.cacheWriteInputTokenCount = opts.cacheWrite;
  const output: Record<string, unknown> = { outputContentType: 'application/json' };
  if (opts.output !== undefined) output.outputTokenCount = opts.output;
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: opts.timestamp,
    accountId: '123456789012',
    region: 'us-east-1',
    requestId: opts.requestId,
    operation: 'InvokeModel',
    modelId: opts.modelId,
    input,
    output,
  });
}

/** `n` records on one profile, one minute apart from `start`, each costing `input` tokens. */
export function records(
  n: number,
  opts: { prefix: string; modelId: string; start: string; input: number; output?: number },
): string[] {
  const t0 = Date.parse(opts.start);
  return Array.from({ length: n }, (_, i) =>
    record({
      requestId: `${opts.prefix}-${i}`,
      timestamp: new Date(t0 + i * 60_000).toISOString(),
      modelId: opts.modelId,
      input: opts.input,
      output: opts.output ?? 0,
    }),
  );
}

export function batch(messages: readonly string[]): LogsSubscriptionEvent {
  return logsSubscriptionEvent(messages);
}

/** Fakes with jane's, bob's and carol's profiles tagged, the caps document in S3, and the handler. */
export function setup(doc: CapsDocument = capsDocument(), overrides: Partial<Deps> = {}) {
  const aws = fakeAws(overrides);
  aws.s3.put(CONFIG.capsBucket, CONFIG.capsKey, JSON.stringify(doc));
  aws.bedrock.profile(JANE_OPUS, { User: 'jane.doe', Tier: 'opus', Team: 'platform' });
  aws.bedrock.profile(JANE_SONNET, { User: 'jane.doe', Tier: 'sonnet', Team: 'platform' });
  aws.bedrock.profile(BOB_SONNET, { User: 'bob.smith', Tier: 'sonnet', Team: 'payments' });
  aws.bedrock.profile(CAROL_OPUS, { User: 'carol', Tier: 'opus', Team: 'research' });
  const handler: EnforcerHandler = createHandler(CONFIG, aws.deps);
  return {
    ...aws,
    handler,
    /** Runs a batch of log messages and returns its outcome. */
    async logs(messages: readonly string[]): Promise<LogsOutcome> {
      const result = await handler(batch(messages));
      if (result.kind !== 'logs') throw new Error(`expected a logs outcome, got ${result.kind}`);
      return result;
    },
    /** The usage row of a developer × period, as numbers. */
    row(developer: string, period: string) {
      const item = aws.dynamodb.get(developer, period);
      if (item === undefined) return undefined;
      const n = (k: string) => (item[k]?.N === undefined ? undefined : Number(item[k].N));
      return {
        costUsd: n('costUsd'),
        calls: n('calls'),
        inputTokens: n('inputTokens'),
        outputTokens: n('outputTokens'),
        cacheReadTokens: n('cacheReadTokens'),
        cacheWriteTokens: n('cacheWriteTokens'),
        team: item.team?.S,
        updatedAt: item.updatedAt?.S,
        warned: (item.warned?.NS ?? []).map(Number).sort((a, b) => a - b),
        blocked: item.blocked?.BOOL,
      };
    },
  };
}
