import { configFromEnv, ENFORCER_ENV } from '../src/config';
import { LogsOutcome, createHandler } from '../src/handler';
import {
  ENFORCER_METRIC_DIMENSIONS,
  ENFORCER_METRIC_FIELDS,
  ENFORCER_METRICS,
  metricLine,
} from '../src/metrics';
import { JANE_OPUS, CONFIG, batch, record, records, SAMPLE, setup } from './helpers';

const NAMESPACE = 'acme-claude/SpendCaps';

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

/** The fakes, a handler that writes metric lines in NAMESPACE, and the lines it wrote. */
function withMetrics(namespace: string | null = NAMESPACE) {
  const env = setup();
  const lines: EmfLine[] = [];
  const handler = createHandler(
    { ...CONFIG, ...(namespace === null ? {} : { metricsNamespace: namespace }) },
    { ...env.deps, emit: (line) => lines.push(JSON.parse(line) as EmfLine) },
  );
  const logs = async (messages: readonly string[]) =>
    (await handler(batch(messages))) as LogsOutcome;
  const named = (name: string) => lines.filter((l) => name in l);
  return { env, lines, logs, named };
}

/** Checks a line against the EMF specification's rules that CloudWatch enforces. */
function expectValidEmf(line: EmfLine): void {
  expect(Number.isInteger(line._aws.Timestamp)).toBe(true);
  for (const directive of line._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe(NAMESPACE);
    for (const set of directive.Dimensions) {
      for (const key of set) expect(typeof line[key]).toBe('string');
    }
    for (const m of directive.Metrics) expect(typeof line[m.Name]).toBe('number');
  }
}

let seq = 0;
/** A call on jane's opus profile costing `usd` (input tokens at $5 per million). */
const spend = (usd: number, timestamp = '2026-11-10T12:00:00Z') =>
  record({
    requestId: `m${seq++}`,
    timestamp,
    modelId: JANE_OPUS,
    input: Math.round(usd * 200_000),
  });

describe('metricLine', () => {
  test('is an EMF document: timestamp, namespace, dimension sets none and Team, value and fields', () => {
    const line = metricLine(NAMESPACE, {
      metric: 'estimatedCostUsd',
      value: 0.25,
      developer: 'jane.doe',
      team: 'platform',
      period: '2026-11',
      at: '2026-11-10T12:00:00Z',
    });
    expect(line).toEqual({
      _aws: {
        Timestamp: Date.UTC(2026, 10, 10, 12),
        CloudWatchMetrics: [
          {
            Namespace: NAMESPACE,
            Dimensions: [[], ['Team']],
            Metrics: [{ Name: 'EstimatedCostUsd', Unit: 'None' }],
          },
        ],
      },
      Team: 'platform',
      developer: 'jane.doe',
      period: '2026-11',
      EstimatedCostUsd: 0.25,
    });
  });

  test('never makes the developer a dimension, and drops Team when there is none', () => {
    for (const team of [undefined, '']) {
      const line = metricLine(NAMESPACE, {
        metric: 'developersBlocked',
        value: 1,
        developer: 'unattributed',
        team,
        period: '2026-11',
        at: '2026-11-10T12:00:00Z',
      }) as unknown as EmfLine;
      expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
      expect(line._aws.CloudWatchMetrics[0].Metrics).toEqual([
        { Name: 'DevelopersBlocked', Unit: 'Count' },
      ]);
      expect(line).not.toHaveProperty(ENFORCER_METRIC_DIMENSIONS.team);
      expect(line[ENFORCER_METRIC_FIELDS.developer]).toBe('unattributed');
    }
  });
});

describe('metrics of the handler', () => {
  test('the cost of a batch, exactly as the usage row counts it, per team', async () => {
    const m = withMetrics();
    await m.logs([spend(0.2, '2026-11-10T12:00:00Z'), spend(0.1, '2026-11-10T12:05:00Z')]);
    const cost = m.named(ENFORCER_METRICS.estimatedCostUsd);
    expect(cost).toHaveLength(1);
    expectValidEmf(cost[0]);
    expect(cost[0]).toMatchObject({ developer: 'jane.doe', Team: 'platform', period: '2026-11' });
    expect(cost[0].EstimatedCostUsd).toBeCloseTo(m.env.row('jane.doe', '2026-11')!.costUsd!, 12);
    expect(cost[0].EstimatedCostUsd).toBeCloseTo(0.3, 12);
    expect(cost[0]._aws.Timestamp).toBe(Date.parse('2026-11-10T12:05:00Z'));
  });

  test('prices the shared sample per tier, unattributed calls without a Team dimension', async () => {
    const m = withMetrics();
    await m.logs(SAMPLE);
    const byDeveloper = new Map<string, number>();
    for (const line of m.named(ENFORCER_METRICS.estimatedCostUsd)) {
      expectValidEmf(line);
      const dev = line.developer as string;
      byDeveloper.set(dev, (byDeveloper.get(dev) ?? 0) + (line.EstimatedCostUsd as number));
      if (dev === 'unattributed') expect(line).not.toHaveProperty('Team');
    }
    for (const [developer, period] of [
      ['jane.doe', '2026-11'],
      ['bob.smith', '2026-11'],
      ['unattributed', '2026-11'],
    ]) {
      expect(byDeveloper.get(developer)).toBeCloseTo(m.env.row(developer, period)!.costUsd!, 12);
    }
    // Record 1 with its cache counts, record 4 with no output count, both at opus prices.
    expect(byDeveloper.get('jane.doe')).toBeCloseTo(0.070925 + 0.000075, 12);
  });

  test('one line per committed transaction, together the row’s cost', async () => {
    const m = withMetrics();
    const many = records(150, {
      prefix: 'c',
      modelId: JANE_OPUS,
      start: '2026-11-05T00:00:00Z',
      input: 10,
    });
    await m.logs(many);
    const cost = m.named(ENFORCER_METRICS.estimatedCostUsd);
    expect(cost).toHaveLength(2); // 99 records, then 51
    const total = cost.reduce((n, l) => n + (l.EstimatedCostUsd as number), 0);
    expect(total).toBeCloseTo(m.env.row('jane.doe', '2026-11')!.costUsd!, 12);
    expect(total).toBeCloseTo((150 * 10 * 5) / 1e6, 12);
    // Each line is dated by the newest record of its transaction.
    expect(cost.map((l) => l._aws.Timestamp)).toEqual([
      Date.parse('2026-11-05T01:38:00Z'),
      Date.parse('2026-11-05T02:29:00Z'),
    ]);
  });

  test('a redelivered batch publishes no cost again', async () => {
    const m = withMetrics();
    const messages = [spend(0.2)];
    await m.logs(messages);
    await m.logs(messages);
    expect(m.named(ENFORCER_METRICS.estimatedCostUsd)).toHaveLength(1);
  });

  test('a batch that fails after committing publishes what it committed, and its retry nothing more', async () => {
    const m = withMetrics();
    m.env.sns.faults.push('publish', new Error('SNS unavailable'));
    const messages = [spend(0.6)];
    await expect(m.logs(messages)).rejects.toThrow('SNS unavailable');
    await m.logs(messages);
    const cost = m.named(ENFORCER_METRICS.estimatedCostUsd);
    expect(cost).toHaveLength(1);
    expect(cost[0].EstimatedCostUsd).toBeCloseTo(0.6, 12);
  });

  test('one DevelopersBlocked per block, with who, team and period', async () => {
    const m = withMetrics();
    await m.logs([spend(0.7)]);
    expect(m.named(ENFORCER_METRICS.developersBlocked)).toEqual([]);
    await m.logs([spend(0.5, '2026-11-10T13:00:00Z')]);
    await m.logs([spend(0.5, '2026-11-10T14:00:00Z')]);
    const blocked = m.named(ENFORCER_METRICS.developersBlocked);
    expect(blocked).toHaveLength(1);
    expectValidEmf(blocked[0]);
    expect(blocked[0]).toMatchObject({
      DevelopersBlocked: 1,
      developer: 'jane.doe',
      Team: 'platform',
      period: '2026-11',
    });
    expect(blocked[0]._aws.Timestamp).toBe(Date.parse('2026-11-10T13:00:00Z'));
  });

  test('writes no metric line without a namespace', async () => {
    const m = withMetrics(null);
    await m.logs([spend(1.5)]);
    expect(m.env.row('jane.doe', '2026-11')!.blocked).toBe(true);
    expect(m.lines).toEqual([]);
  });

  test('by default writes each line to stdout as is, without the console prefix', async () => {
    const env = setup();
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const handler = createHandler(
        { ...CONFIG, metricsNamespace: NAMESPACE },
        { ...env.deps, emit: undefined },
      );
      await handler(batch([spend(0.1)]));
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0].endsWith('}\n')).toBe(true);
    expect(JSON.parse(written[0])).toMatchObject({ developer: 'jane.doe', period: '2026-11' });
  });
});

describe('METRICS_NAMESPACE', () => {
  const ENV = {
    [ENFORCER_ENV.usageTable]: 'usage',
    [ENFORCER_ENV.alertTopicArn]: 'arn:aws:sns:us-east-1:123456789012:alerts',
    [ENFORCER_ENV.capsBucket]: 'bucket',
    [ENFORCER_ENV.capsKey]: 'caps.json',
  };

  test('is read when set, and absent otherwise', () => {
    expect(configFromEnv({ ...ENV, METRICS_NAMESPACE: NAMESPACE }).metricsNamespace).toBe(
      NAMESPACE,
    );
    expect(configFromEnv(ENV)).not.toHaveProperty('metricsNamespace');
    expect(configFromEnv({ ...ENV, METRICS_NAMESPACE: '' })).not.toHaveProperty('metricsNamespace');
  });

  test('refuses a namespace CloudWatch would refuse, naming it', () => {
    expect(() => configFromEnv({ ...ENV, METRICS_NAMESPACE: 'AWS/Bedrock' })).toThrow(
      "METRICS_NAMESPACE must be 1-255 characters of letters, digits, spaces and . - _ / # : (not starting with AWS/) (got 'AWS/Bedrock')",
    );
    expect(() => configFromEnv({ ...ENV, METRICS_NAMESPACE: 'acme$' })).toThrow("(got 'acme$')");
  });
});
