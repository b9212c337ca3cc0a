import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { DeveloperProfiles } from '@claude-code-bedrock/allocation';
import {
  callCostUsd,
  highestPrice,
  ModelPrice,
  recordTokens,
  ResolvedTier,
  TOKEN_KINDS,
  TOKEN_PATHS,
} from '@claude-code-bedrock/core';
import {
  ENFORCER_ENV,
  ENFORCER_METRIC_DIMENSIONS,
  ENFORCER_METRICS,
  metricLine,
} from '@claude-code-bedrock/enforcer';
import { evaluateLogsInsights, LogRecord, synthesized } from '@claude-code-bedrock/testing';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  BEDROCK_METRICS,
  BEDROCK_MODEL_DIMENSION,
  BEDROCK_NAMESPACE,
  SpendCaps,
  tokenSeriesId,
  UsageAlarms,
  UsageDashboard,
  UsageDashboardProps,
} from '../src';
import { namedMetrics, structuralProblems } from './dashboard-check';
import { CONTEXT, dependencies, sampleRecords, synth } from './helpers';

const SONNET: ModelPrice = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const OPUS: ModelPrice = { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 };
/** Output cheaper than sonnet's but input dearer than opus': the bound mixes tiers. */
const ODD: ModelPrice = { input: 9, output: 1, cacheRead: 0.1, cacheWrite: 1 };
const PRICES = { sonnet: SONNET, opus: OPUS, odd: ODD };
const TIERS = [
  { name: 'sonnet', profileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  { name: 'opus', profileId: 'us.anthropic.claude-opus-4-6-v1' },
].map((t) => ({ ...t, destinationRegions: ['us-east-1'] })) as ResolvedTier[];

type Json = Record<string, unknown>;

interface Built {
  readonly dashboard: UsageDashboard;
  readonly usage: UsageAlarms;
  readonly caps?: SpendCaps;
}

function build(
  scope: Construct,
  opts: { caps?: boolean; props?: Partial<UsageDashboardProps> } = {},
): Built {
  const { topic, logGroup } = dependencies(scope);
  const usage = new UsageAlarms(scope, 'usage', { context: CONTEXT, logGroup, topic });
  let caps: SpendCaps | undefined;
  if (opts.caps) {
    const developers = [
      { id: 'jane', team: 'platform', costCenter: 'CC-1', tiers: ['sonnet', 'opus'] },
    ];
    const profiles = new DeveloperProfiles(scope, 'profiles', {
      context: CONTEXT,
      tiers: TIERS,
      developers: developers.map((d) => ({ ...d, monthlyBudgetUsd: 1 })),
    } as ConstructorParameters<typeof DeveloperProfiles>[2]);
    caps = new SpendCaps(scope, 'caps', {
      context: CONTEXT,
      logGroup,
      topic,
      profiles,
      developers: [{ id: 'jane', capUsd: 10, team: 'platform' }],
      tiers: TIERS,
      prices: { sonnet: SONNET, opus: OPUS },
      capsBucket: new S3Bucket(scope, 'Bucket', { bucket: 'acme-results' }),
    });
  }
  const dashboard = new UsageDashboard(scope, 'dashboard', {
    context: CONTEXT,
    usage,
    logGroup,
    prices: PRICES,
    spendCaps: caps,
    ...opts.props,
  });
  return { dashboard, usage, caps };
}

/** Synthesizes a dashboard (and what it reads) and returns the parsed Terraform and body. */
function synthDashboard(opts: Parameters<typeof build>[1] = {}) {
  const tf = synth((s) => void build(s, opts));
  const out = synthesized(tf);
  const resource = out.only('aws_cloudwatch_dashboard');
  const body = JSON.parse(resource.dashboard_body as string) as Json;
  return { tf, out, resource, body, widgets: body.widgets as Json[] };
}

const titled = (widgets: Json[], pattern: RegExp) =>
  widgets.filter((w) => pattern.test(String((w.properties as Json).title ?? '')));
const only = (widgets: Json[], pattern: RegExp) => {
  const found = titled(widgets, pattern);
  if (found.length !== 1) throw new Error(`${found.length} widgets titled ${pattern}`);
  return found[0].properties as Json;
};
const rowsOf = (p: Json) => p.metrics as unknown[][];
const expressionOf = (p: Json, id: string) =>
  String((rowsOf(p).find((r) => (r[0] as Json).id === id)![0] as Json).expression ?? '');
/** Substitutes numbers for the terms of an arithmetic expression and evaluates it. */
function evaluate(expression: string, values: Readonly<Record<string, number>>): number {
  let text = expression;
  for (const [term, value] of Object.entries(values)) text = text.split(term).join(String(value));
  if (!/^[\d.\s()+*/]+$/.test(text)) throw new Error(`not arithmetic: ${text}`);
  return Function(`return (${text});`)() as number;
}

describe('UsageDashboard', () => {
  describe('GIVEN the usage alarms and no spend caps', () => {
    const { out, resource, body, widgets } = synthDashboard();

    it('creates one dashboard named after the project', () => {
      expect(resource.dashboard_name).toBe('acme-usage');
    });

    it('writes valid dashboard JSON: widgets on the grid, well-formed rows, ids math can use', () => {
      expect(body).toMatchObject({ start: '-P7D', periodOverride: 'inherit' });
      expect(structuralProblems(body)).toEqual([]);
    });

    it('names only metrics the metric filters or Amazon Bedrock publish', () => {
      const filters = new Set(
        Object.values(out.resources('aws_cloudwatch_log_metric_filter')).map((f) => {
          const t = f.metric_transformation as Json[] | Json as Json;
          const m = (Array.isArray(t) ? t[0] : t) as Json;
          return `${String(m.namespace)} ${String(m.name)}`;
        }),
      );
      const named = namedMetrics(body);
      expect(named.length).toBeGreaterThan(10);
      const unknown = named
        .filter((m) =>
          m.namespace === BEDROCK_NAMESPACE
            ? !(Object.values(BEDROCK_METRICS) as string[]).includes(m.name) ||
              m.dimensions.join() !== BEDROCK_MODEL_DIMENSION
            : !filters.has(`${m.namespace} ${m.name}`) || m.dimensions.length > 0,
        )
        .map((m) => `${m.where}: ${m.namespace} ${m.name} [${m.dimensions.join()}]`);
      expect(unknown).toEqual([]);
    });

    it('shows calls, tokens of every kind, cost, errors, throttles and latency', () => {
      const names = namedMetrics(body).map((m) => m.name);
      for (const name of [
        'Invocations',
        'UnapprovedModelInvocations',
        'InputTokens',
        'OutputTokens',
        'CacheReadInputTokens',
        'CacheWriteInputTokens',
        'InvocationErrors',
        BEDROCK_METRICS.invocationThrottles,
        BEDROCK_METRICS.invocationClientErrors,
        BEDROCK_METRICS.invocationServerErrors,
        BEDROCK_METRICS.invocationLatency,
      ]) {
        expect(names).toContain(name);
      }
      expect(rowsOf(only(widgets, /^Tokens by kind$/))).toHaveLength(TOKEN_KINDS.length);
    });

    it('prices token sums at the highest price of each kind: an upper bound, and says so', () => {
      const cost = only(widgets, /^Estimated cost/);
      expect(cost.title).toBe('Estimated cost (USD), upper bound');
      const expression = expressionOf(cost, 'cost');
      // Each kind's series is filled with 0, then priced at its highest tier price.
      const sums = { input: 1834, output: 912, cacheRead: 52310, cacheWrite: 2048 };
      const values = Object.fromEntries(
        TOKEN_KINDS.map((k) => [`FILL(${tokenSeriesId(k.kind)}, 0)`, sums[k.kind]]),
      );
      const usd = evaluate(expression, values);
      expect(usd).toBeCloseTo(
        callCostUsd(sums, { input: 9, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }),
        12,
      );
      for (const price of Object.values(PRICES)) {
        expect(usd).toBeGreaterThanOrEqual(callCostUsd(sums, price));
      }
      const label = (rowsOf(cost).find((r) => (r[0] as Json).id === 'cost')![0] as Json).label;
      expect(label).toMatch(/^Upper bound/);
    });

    it('ranks callers from the invocation log at the same bound, on the nested token fields', () => {
      const top = titled(widgets, /^Top 20 callers by cost \(USD, upper bound\)$/);
      expect(top).toHaveLength(1);
      const query = String((top[0].properties as Json).query);
      expect(query).toMatch(/^SOURCE '\$\{aws_cloudwatch_log_group\.LogGroup\.name\}' \| /);
      for (const k of TOKEN_KINDS) expect(query).toContain(`coalesce(${TOKEN_PATHS[k.kind]}, 0)`);
      const commands = query.replace(/^SOURCE '[^']+' \| /, '').split('\n| ');
      const fields = /^fields (.+) as callUsd$/.exec(commands[1])!;
      // The per-call cost of each sample record, by the query's own arithmetic...
      const records: LogRecord[] = sampleRecords().map((r) => {
        const tokens = recordTokens(r);
        const values = Object.fromEntries(
          TOKEN_KINDS.map((k) => [`coalesce(${TOKEN_PATHS[k.kind]}, 0)`, tokens[k.kind]]),
        );
        const callUsd = evaluate(fields[1], values);
        expect(callUsd).toBeCloseTo(callCostUsd(tokens, highestPrice(PRICES)), 12);
        return { ...r, callUsd };
      });
      // ...and the rest of the query over them, by the Logs Insights evaluator.
      const rows = evaluateLogsInsights([commands[0], ...commands.slice(2)].join('\n| '), records);
      expect(rows.length).toBeGreaterThan(1);
      expect(rows[0]).toEqual({
        caller: expect.stringContaining(':'),
        costUsdUpperBound: expect.any(Number),
        calls: expect.any(Number),
      });
      const costs = rows.map((r) => r.costUsdUpperBound as number);
      expect(costs).toEqual([...costs].sort((a, b) => b - a));
    });

    it('shows the state of every usage alarm', () => {
      const alarms = titled(widgets, /^Alarms$/)[0].properties as Json;
      const arns = Object.keys(out.resources('aws_cloudwatch_metric_alarm')).map(
        (name) => `\${aws_cloudwatch_metric_alarm.${name}.arn}`,
      );
      expect([...(alarms.alarms as string[])].sort()).toEqual(arns.sort());
      expect(arns).toHaveLength(6);
    });

    it('has no spend-cap widgets: no exact cost, no blocked developers', () => {
      expect(titled(widgets, /block|exact|per team/i)).toEqual([]);
      expect(JSON.stringify(body)).not.toContain('SpendCaps');
    });

    it('is the same JSON on every synth', () => {
      expect(synthDashboard().resource.dashboard_body).toBe(resource.dashboard_body);
    });
  });

  describe('GIVEN spend caps', () => {
    const { out, body, widgets } = synthDashboard({ caps: true });
    const namespace = (
      out.only('aws_lambda_function').environment as { variables: Record<string, string> }
    ).variables[ENFORCER_ENV.metricsNamespace];

    it('is still valid dashboard JSON', () => {
      expect(structuralProblems(body)).toEqual([]);
    });

    it('names only metrics the enforcer writes, in the namespace it is configured with', () => {
      expect(namespace).toBe('acme/SpendCaps');
      const fromCaps = namedMetrics(body).filter((m) => m.namespace === namespace);
      expect(fromCaps.map((m) => m.name).sort()).toEqual(
        [
          ENFORCER_METRICS.developersBlocked,
          ENFORCER_METRICS.estimatedCostUsd,
          ENFORCER_METRICS.estimatedCostUsd,
        ].sort(),
      );
      for (const m of fromCaps) {
        expect([[], [ENFORCER_METRIC_DIMENSIONS.team]]).toContainEqual(m.dimensions);
      }
    });

    it('adds the exact cost beside the bound, per team, and the developers blocked', () => {
      const cost = only(widgets, /^Estimated cost/);
      expect(rowsOf(cost)).toContainEqual([
        namespace,
        ENFORCER_METRICS.estimatedCostUsd,
        expect.objectContaining({ id: 'exact' }),
      ]);
      expect(only(widgets, /^Cost per team/).metrics).toEqual([
        [expect.objectContaining({ expression: expect.stringContaining(`{${namespace},Team}`) })],
      ]);
      expect(rowsOf(only(widgets, /^Developers blocked$/))).toEqual([
        [namespace, ENFORCER_METRICS.developersBlocked, expect.any(Object)],
      ]);
    });

    it('ranks developers by the enforcer’s exact cost, read from its log lines', () => {
      const top = only(widgets, /^Top 20 developers by cost \(USD, exact/);
      const fnLogs = Object.keys(out.resources('aws_cloudwatch_log_group')).find((n) =>
        n.includes('FunctionLogs'),
      )!;
      const query = String(top.query);
      expect(query.startsWith(`SOURCE '\${aws_cloudwatch_log_group.${fnLogs}.name}' | `)).toBe(
        true,
      );
      const lines = [
        ['jane', 'platform', 0.5],
        ['bob', 'payments', 2],
        ['jane', 'platform', 1],
        ['unattributed', undefined, 0.25],
      ].map(([developer, team, value]) =>
        metricLine(namespace, {
          metric: 'estimatedCostUsd',
          value: value as number,
          developer: developer as string,
          team: team as string | undefined,
          period: '2026-11',
          at: '2026-11-10T12:00:00Z',
        }),
      );
      const noise = { message: 'enforcer batch', records: 3 };
      const rows = evaluateLogsInsights(query.replace(/^SOURCE '[^']+' \| /, ''), [
        ...lines,
        noise,
      ] as LogRecord[]);
      expect(rows).toEqual([
        { developer: 'bob', costUsd: 2 },
        { developer: 'jane', costUsd: 1.5 },
        { developer: 'unattributed', costUsd: 0.25 },
      ]);
    });

    it('lists the latest blocks from the enforcer’s log', () => {
      const query = String(only(widgets, /^Latest blocks/).query);
      const block = {
        ...metricLine(namespace, {
          metric: 'developersBlocked',
          value: 1,
          developer: 'jane',
          team: 'platform',
          period: '2026-11',
          at: '2026-11-10T12:00:00Z',
        }),
        timestamp: '2026-11-10T12:00:01Z',
      };
      const rows = evaluateLogsInsights(query.replace(/^SOURCE '[^']+' \| /, ''), [
        block,
        { ...block, DevelopersBlocked: undefined, timestamp: '2026-11-10T13:00:00Z' },
      ] as LogRecord[]);
      expect(rows).toEqual([
        {
          '@timestamp': '2026-11-10T12:00:01Z',
          developer: 'jane',
          Team: 'platform',
          period: '2026-11',
        },
      ]);
    });

    it('shows the spend-cap alarms with the usage alarms', () => {
      const alarms = only(widgets, /^Alarms$/).alarms as string[];
      expect(alarms).toHaveLength(10);
      expect(alarms.filter((a) => a.includes('caps_'))).toHaveLength(4);
    });
  });

  describe('the cost line', () => {
    it('is exact, and labelled so, when every tier has the same prices', () => {
      const { widgets } = synthDashboard({ props: { prices: { a: OPUS, b: { ...OPUS } } } });
      const cost = only(widgets, /^Estimated cost/);
      expect(cost.title).toBe('Estimated cost (USD)');
      expect(titled(widgets, /upper bound/i)).toEqual([]);
      expect(expressionOf(cost, 'cost')).toBe(
        '(FILL(tokens_input, 0) * 5 + FILL(tokens_output, 0) * 25 + FILL(tokens_cacheRead, 0) * 0.5 + FILL(tokens_cacheWrite, 0) * 6.25) / 1000000',
      );
    });

    it('tells the construct user whether it is a bound', () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 's');
      expect(build(stack).dashboard.costIsUpperBound).toBe(true);
    });
  });

  describe('props', () => {
    it('takes a name, a period, a time range and a table size', () => {
      const { resource, body, widgets } = synthDashboard({
        props: {
          dashboardName: 'claude_dev',
          periodSeconds: 300,
          timeRange: '-PT12H',
          topDevelopers: 5,
        },
      });
      expect(resource.dashboard_name).toBe('claude_dev');
      expect(body.start).toBe('-PT12H');
      expect(only(widgets, /^Calls$/).period).toBe(300);
      expect(String(only(widgets, /^Top 5 callers/).query)).toMatch(/\| limit 5$/);
    });

    it('links to the dashboard in the console of the region’s partition', () => {
      const url = (region: string) => {
        const app = Testing.app();
        const stack = new TerraformStack(app, 's');
        const { topic, logGroup } = dependencies(stack);
        const context = { ...CONTEXT, region };
        const usage = new UsageAlarms(stack, 'usage', { context, logGroup, topic });
        return new UsageDashboard(stack, 'd', { context, usage, logGroup, prices: PRICES })
          .dashboardUrl;
      };
      expect(url('us-east-1')).toBe(
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/acme-usage',
      );
      expect(url('us-gov-west-1')).toBe(
        'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#dashboards/dashboard/acme-usage',
      );
      expect(url('cn-north-1')).toMatch(/^https:\/\/console\.amazonaws\.cn\/cloudwatch\//);
    });

    it('looks the console up by partition when the region is known only at plan time', () => {
      const tf = synth((s) => {
        const { topic, logGroup } = dependencies(s);
        const region = new TerraformVariable(s, 'region', { type: 'string' }).stringValue;
        const context = { ...CONTEXT, region };
        const usage = new UsageAlarms(s, 'usage', { context, logGroup, topic });
        const d = new UsageDashboard(s, 'd', { context, usage, logGroup, prices: PRICES });
        new TerraformOutput(s, 'url', { value: d.dashboardUrl });
      });
      const value = String((tf.output as Record<string, { value: string }>).url.value);
      expect(value).toMatch(
        /lookup\(\{.*"aws-us-gov" = "console\.amazonaws-us-gov\.com".*\}, data\.aws_partition\.\w+\.partition, "console\.aws\.amazon\.com"\)/s,
      );
    });

    it.each([
      [{ prices: {} }, /prices: must price at least one tier/],
      [{ dashboardName: 'acme usage' }, /dashboardName: must be 1-255 characters.*"acme usage"/s],
      [{ periodSeconds: 90 }, /periodSeconds: must be a multiple of 60.*90/s],
      [{ periodSeconds: 30 }, /periodSeconds: must be at least 60/],
      [{ timeRange: '7 days' }, /timeRange: must be a relative time range.*"7 days"/s],
      [{ topDevelopers: 0 }, /topDevelopers: must be at least 1/],
    ] as [Partial<UsageDashboardProps>, RegExp][])(
      'refuses %j, naming the prop and value',
      (props, error) => {
        expect(() => synthDashboard({ props })).toThrow(error);
      },
    );
  });
});

describe('the dashboard checks', () => {
  const { body } = synthDashboard();
  const widgets = body.widgets as Json[];
  const metricWidget = widgets.findIndex((w) => w.type === 'metric');
  const variant = (change: (b: { widgets: Json[] }) => void) => {
    const copy = JSON.parse(JSON.stringify(body)) as { widgets: Json[] };
    change(copy);
    return copy;
  };

  it('find overlapping widgets and widgets off the grid', () => {
    const problems = structuralProblems(
      variant((b) => {
        b.widgets[1].x = b.widgets[2].x;
        b.widgets[0].width = 25;
      }),
    );
    expect(problems).toContain('/widgets/0: not placed inside the 24-column grid');
    expect(problems).toContain('/widgets/2: overlaps /widgets/1');
  });

  it('find math naming an id no row defines, bad ids, missing regions and queries', () => {
    const problems = structuralProblems(
      variant((b) => {
        const p = b.widgets[metricWidget].properties as Json;
        delete p.region;
        (p.metrics as unknown[][]).push([{ expression: 'm9 * 2', id: 'Double' }]);
        const log = b.widgets.find((w) => w.type === 'log')!;
        (log.properties as Json).query = 'fields @message';
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/metric widget without a region/),
        expect.stringMatching(/id must start with a lowercase letter/),
        expect.stringMatching(/no row has id m9/),
        expect.stringMatching(/log query does not start with SOURCE/),
      ]),
    );
  });

  it('read the metrics of rows and searches, and refuse what they cannot read', () => {
    const named = namedMetrics(
      variant((b) => {
        b.widgets = [
          {
            type: 'metric',
            properties: {
              metrics: [
                ['ns', 'A', 'Dim', 'v', { id: 'a' }],
                [
                  {
                    expression: `SUM(SEARCH('{AWS/X,D1,D2} MetricName="B"', 'Sum', 60)) + a`,
                    id: 'e',
                  },
                ],
              ],
            },
          },
        ];
      }),
    );
    expect(named.map((m) => [m.namespace, m.name, m.dimensions])).toEqual([
      ['ns', 'A', ['Dim']],
      ['AWS/X', 'B', ['D1', 'D2']],
    ]);
    expect(() =>
      namedMetrics({
        widgets: [
          {
            type: 'metric',
            properties: { metrics: [[{ expression: 'SELECT AVG(X) FROM Y', id: 'q' }]] },
          },
        ],
      }),
    ).toThrow("cannot read 'SELECT'");
  });
});
