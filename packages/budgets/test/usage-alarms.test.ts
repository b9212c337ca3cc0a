import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { applyMetricFilter } from '@claude-code-bedrock/testing';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { UsageAlarms, UsageAlarmsProps } from '../src';
import { CONTEXT, dependencies, resourceWhere, resources, sampleRecords, synth } from './helpers';

type Props = Omit<UsageAlarmsProps, 'topic' | 'logGroup'>;
const base: Props = { context: CONTEXT };

function build(scope: Construct, props: Props = base): UsageAlarms {
  return new UsageAlarms(scope, 'Usage', { ...props, ...dependencies(scope) });
}

/** Applies a synthesized metric filter to records: the matching records and the metric sum. */
function apply(filter: Record<string, unknown>, records: readonly unknown[]) {
  const { matched, value } = applyMetricFilter(
    {
      pattern: filter.pattern as string,
      metricTransformation: {
        metricValue: (filter.metric_transformation as { value: string }).value,
      },
    },
    records,
  );
  return { matched, sum: value };
}

function filterNamed(name: string) {
  return resourceWhere(
    synth((scope) => build(scope)),
    'aws_cloudwatch_log_metric_filter',
    'name',
    name,
  );
}

function alarmNamed(name: string, props: Props = base) {
  return resourceWhere(
    synth((scope) => build(scope, props)),
    'aws_cloudwatch_metric_alarm',
    'alarm_name',
    name,
  );
}

const records = sampleRecords();
const errorRecord = {
  ...records[1],
  requestId: 'failed-1',
  errorCode: 'ThrottlingException',
  output: { outputContentType: 'application/json' },
};

describe('UsageAlarms metric filters', () => {
  test('count every invocation record', () => {
    expect(apply(filterNamed('acme-bedrock-invocations'), records).sum).toBe(4);
  });

  test('sum input tokens from the nested $.input.inputTokenCount', () => {
    const filter = filterNamed('acme-bedrock-input-tokens');
    expect((filter.metric_transformation as { value: string }).value).toBe(
      '$.input.inputTokenCount',
    );
    expect(apply(filter, records).sum).toBe(1834 + 4210 + 120 + 15);
  });

  test('sum output tokens from the nested $.output.outputTokenCount, skipping records without it', () => {
    const filter = filterNamed('acme-bedrock-output-tokens');
    expect((filter.metric_transformation as { value: string }).value).toBe(
      '$.output.outputTokenCount',
    );
    const { matched, sum } = apply(filter, records);
    expect(sum).toBe(912 + 301 + 88);
    expect(matched).toHaveLength(3);
  });

  test('sum cache read and cache write tokens from their nested paths', () => {
    expect(apply(filterNamed('acme-bedrock-cache-read-input-tokens'), records).sum).toBe(52310);
    expect(apply(filterNamed('acme-bedrock-cache-write-input-tokens'), records).sum).toBe(2048);
  });

  test('count records that carry an errorCode, and only those', () => {
    const filter = filterNamed('acme-bedrock-invocation-errors');
    expect(apply(filter, records).sum).toBe(0);
    const { matched } = apply(filter, [...records, errorRecord]);
    expect(matched).toEqual([errorRecord]);
  });

  test("count exactly the calls whose model id is not one of this account's application profiles", () => {
    const filter = filterNamed('acme-bedrock-unapproved-model-invocations');
    const { matched, sum } = apply(filter, records);
    expect(sum).toBe(1);
    expect(matched.map((r) => (r as { requestId: string }).requestId)).toEqual([
      '6f0c1a7e-0000-4000-8000-000000000003',
    ]);
  });

  test("treat another account's profile as unapproved", () => {
    const foreign = {
      ...records[0],
      modelId: 'arn:aws:bedrock:us-east-1:210987654321:application-inference-profile/a1b2c3d4e5f6',
    };
    expect(apply(filterNamed('acme-bedrock-unapproved-model-invocations'), [foreign]).sum).toBe(1);
  });

  test('publish into the {project}/Bedrock namespace from the given log group', () => {
    const filters = Object.values(
      resources(
        synth((scope) => build(scope)),
        'aws_cloudwatch_log_metric_filter',
      ),
    );
    expect(filters).toHaveLength(7);
    for (const f of filters) {
      expect(f.log_group_name).toBe('${aws_cloudwatch_log_group.LogGroup.name}');
      expect((f.metric_transformation as { namespace: string }).namespace).toBe('acme/Bedrock');
    }
  });
});

describe('UsageAlarms alarms', () => {
  test.each([
    ['acme-bedrock-invocation-rate', 'Invocations', 300, 500],
    ['acme-bedrock-output-token-spike', 'OutputTokens', 3600, 2_000_000],
    ['acme-bedrock-invocation-errors', 'InvocationErrors', 300, 10],
    ['acme-bedrock-unapproved-model', 'UnapprovedModelInvocations', 300, 0],
  ])(
    '%s alarms on the Sum of %s over %is above %d by default',
    (name, metric, period, threshold) => {
      expect(alarmNamed(name)).toMatchObject({
        namespace: 'acme/Bedrock',
        metric_name: metric,
        statistic: 'Sum',
        period,
        threshold,
        comparison_operator: 'GreaterThanThreshold',
        evaluation_periods: 1,
        treat_missing_data: 'notBreaching',
        alarm_actions: ['${aws_sns_topic.Topic.arn}'],
      });
    },
  );

  test('use configured thresholds', () => {
    const props = { ...base, invocationsPer5Min: 50, outputTokensPerHour: 1000, errorsPer5Min: 3 };
    expect(alarmNamed('acme-bedrock-invocation-rate', props).threshold).toBe(50);
    expect(alarmNamed('acme-bedrock-output-token-spike', props).threshold).toBe(1000);
    expect(alarmNamed('acme-bedrock-invocation-errors', props).threshold).toBe(3);
    expect(alarmNamed('acme-bedrock-throttles', props).threshold).toBe(3);
  });

  test('alarm on Bedrock InvocationThrottles summed across every model', () => {
    const alarm = alarmNamed('acme-bedrock-throttles');
    expect(alarm).toMatchObject({ threshold: 10, treat_missing_data: 'notBreaching' });
    expect(alarm.metric_query).toEqual([
      expect.objectContaining({
        expression: 'SELECT SUM(InvocationThrottles) FROM SCHEMA("AWS/Bedrock", ModelId)',
        period: 300,
        return_data: true,
      }),
    ]);
  });

  test('every alarm notifies the topic and treats missing data as fine', () => {
    const out = Testing.synthScope((scope) => build(scope));
    const alarms = Object.values(resources(JSON.parse(out), 'aws_cloudwatch_metric_alarm'));
    expect(alarms).toHaveLength(6);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual(['${aws_sns_topic.Topic.arn}']);
      expect(a.treat_missing_data).toBe('notBreaching');
    }
    expect(out).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'acme-bedrock-off-hours-use',
    });
  });

  describe('off-hours alarm', () => {
    /** Evaluates the alarm's metric-math condition for an hour (0-23) and ISO weekday (1-7). */
    function offHours(props: Props = base): (hour: number, day: number) => boolean {
      const alarm = alarmNamed('acme-bedrock-off-hours-use', props);
      const queries = alarm.metric_query as { id: string; expression?: string }[];
      const expression = queries.find((q) => q.expression)!.expression!;
      const m = /^IF\((.+), m1, 0\)$/.exec(expression);
      if (!m) throw new Error(`unexpected expression ${expression}`);
      const js = m[1].replace(/HOUR\(m1\)/g, 'hour').replace(/DAY\(m1\)/g, 'day');
      expect(js).toMatch(/^[\sa-z0-9<>=|&]+$/);
      return new Function('hour', 'day', `return ${js};`) as (hour: number, day: number) => boolean;
    }

    test('counts hourly invocations from the log metric', () => {
      const alarm = alarmNamed('acme-bedrock-off-hours-use');
      expect(alarm.threshold).toBe(50);
      expect(alarm.metric_query).toContainEqual(
        expect.objectContaining({
          id: 'm1',
          return_data: false,
          metric: expect.objectContaining({
            namespace: 'acme/Bedrock',
            metric_name: 'Invocations',
            stat: 'Sum',
            period: 3600,
          }),
        }),
      );
    });

    test('treats 20:00-05:59 UTC on weekdays and all weekend as off-hours by default', () => {
      const isOff = offHours();
      const weekdayOff = Array.from({ length: 24 }, (_, h) => h).filter((h) => isOff(h, 3));
      expect(weekdayOff).toEqual([0, 1, 2, 3, 4, 5, 20, 21, 22, 23]);
      expect(
        [6, 7].every((day) => Array.from({ length: 24 }, (_, h) => h).every((h) => isOff(h, day))),
      ).toBe(true);
    });

    test('follows configured business hours and weekend setting', () => {
      const isOff = offHours({
        ...base,
        businessHoursUtc: { start: 0, end: 18 },
        weekendsAreOffHours: false,
        offHoursInvocationsPerHour: 5,
      });
      const off = Array.from({ length: 24 }, (_, h) => h).filter((h) => isOff(h, 6));
      expect(off).toEqual([18, 19, 20, 21, 22, 23]);
      expect(
        alarmNamed('acme-bedrock-off-hours-use', {
          ...base,
          offHoursInvocationsPerHour: 5,
        }).threshold,
      ).toBe(5);
    });
  });
});

describe('UsageAlarms validation', () => {
  const attempt = (props: Props) => () => synth((scope) => build(scope, props));

  test('rejects business hours that end before they start', () => {
    expect(attempt({ ...base, businessHoursUtc: { start: 20, end: 6 } })).toThrow(
      /businessHoursUtc: start must be before end.*\(got \{"start":20,"end":6\}\)/,
    );
  });

  test('rejects business hours covering the whole week', () => {
    expect(
      attempt({ ...base, businessHoursUtc: { start: 0, end: 24 }, weekendsAreOffHours: false }),
    ).toThrow(/businessHoursUtc: covers the whole day/);
  });

  test('rejects non-positive thresholds, listing each', () => {
    expect(
      attempt({ ...base, invocationsPer5Min: 0, outputTokensPerHour: -1, errorsPer5Min: 1.5 }),
    ).toThrow(
      /3 problems[\s\S]*invocationsPer5Min: .*\(got 0\)[\s\S]*outputTokensPerHour: .*\(got -1\)[\s\S]*errorsPer5Min: .*\(got 1.5\)/,
    );
  });

  test('rejects a malformed account id', () => {
    expect(attempt({ context: { ...CONTEXT, accountId: 'acme' } })).toThrow(
      /context\.accountId: .*\(got "acme"\)/,
    );
  });
});

describe('UsageAlarms deprecated top-level project, accountId and region', () => {
  const synthOf = (props: Props) => () => Testing.synthScope((scope) => build(scope, props));

  test('build what context builds, and cannot be combined with it', () => {
    const flat = { ...CONTEXT };
    expect(synthOf(flat)()).toEqual(synthOf(base)());
    expect(synthOf({ ...flat, context: CONTEXT })).toThrow(
      /accountId: cannot be combined with context: pass it as context\.accountId/,
    );
  });
});
