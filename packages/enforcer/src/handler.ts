import { callCostUsd } from '@claude-code-bedrock/core';
import { Attribution, Attributor } from './attribution';
import { blockDeveloper } from './blocking';
import { Caps, capsSource, periodOf, UNATTRIBUTED } from './caps';
import {
  decodeLogsData,
  invocationRecords,
  isLogsSubscriptionEvent,
  isScheduledEvent,
  LogsSubscriptionEvent,
  SkipReason,
} from './events';
import { Deps, EnforcerConfig, errorName, mapLimit } from './ports';
import { MetricEvent, metricLine } from './metrics';
import { resetPeriod, ResetOutcome } from './reset';
import { capOf, reaches } from './table';
import { alertThresholds, thresholdsDue } from './thresholds';
import { PricedRecord, UsageGroup, UsageTable } from './usage';

/** What one invocation for a log batch did. */
export interface LogsOutcome {
  readonly kind: 'logs';
  /** Invocation-log records in the batch. */
  readonly records: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Records counted now / already counted by an earlier delivery. */
  readonly added: number;
  readonly duplicates: number;
  readonly unattributed: number;
  /** Developer × period groups. */
  readonly groups: number;
  readonly transactions: number;
  /** Items written: dedupe puts, row updates and threshold/block claims. */
  readonly writes: number;
  /** `developer@period:percent` of each alert sent. */
  readonly alerts: readonly string[];
  /** Developers blocked by this invocation. */
  readonly blocked: readonly string[];
}

export interface ResetResult extends ResetOutcome {
  readonly kind: 'reset';
}

export type EnforcerResult = LogsOutcome | ResetResult;

export type EnforcerHandler = (event: unknown) => Promise<EnforcerResult>;

interface EnforceOutcome {
  added: number;
  duplicates: number;
  transactions: number;
  writes: number;
  alerts: string[];
  blocked: boolean;
}

/** The newest record time (ISO 8601 strings of one format sort by time). */
function newest(records: readonly { readonly timestamp: string }[]): string {
  return records.reduce((max, r) => (r.timestamp > max ? r.timestamp : max), '');
}

function defaultLog(message: string, fields: Readonly<Record<string, unknown>> = {}): void {
  console.log(JSON.stringify({ message, ...fields }));
}

/**
 * The enforcer: one entry for both event shapes. Every failure is thrown (Lambda counts it in
 * `Errors` and the delivery is retried) and none of them blocks anyone: only a row proven over the
 * cap leads to the block tag (fail-open).
 */
export function createHandler(config: EnforcerConfig, deps: Deps): EnforcerHandler {
  const log = deps.log ?? defaultLog;
  const emit = deps.emit ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const namespace = config.metricsNamespace;
  /** One EMF line, when a namespace is configured. */
  const metric = (event: MetricEvent): void => {
    if (namespace !== undefined) emit(JSON.stringify(metricLine(namespace, event)));
  };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const concurrency = config.concurrency ?? 8;
  const caps = capsSource((bucket, key) => deps.s3.getObjectText(bucket, key), {
    bucket: config.capsBucket,
    key: config.capsKey,
    ttlMs: config.capsTtlMs,
    now: deps.now,
  });
  const attributor = new Attributor(async (arn) => {
    try {
      const out = await deps.bedrock.listTagsForResource({ resourceARN: arn });
      const tags: Record<string, string> = {};
      for (const t of out.tags ?? []) if (t.key !== undefined) tags[t.key] = t.value ?? '';
      return tags;
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  });
  const table = new UsageTable(deps.dynamodb, config.usageTable, { sleep });

  /** Adds a group, then (for a developer with a cap) blocks and alerts as the row now requires. */
  async function enforce(
    current: Caps,
    group: UsageGroup,
    attribution: Attribution,
    latestPeriod: string,
  ): Promise<EnforceOutcome> {
    const { developer, team, period } = group;
    // The cost of what each transaction added: records a redelivery had counted add nothing.
    const outcome = await table.add(group, (records, totals) =>
      metric({
        metric: 'estimatedCostUsd',
        value: totals.costUsd,
        developer,
        team,
        period,
        at: newest(records),
      }),
    );
    const result: EnforceOutcome = {
      added: outcome.added.calls,
      duplicates: outcome.duplicates,
      transactions: outcome.transactions,
      writes: outcome.writes,
      alerts: [],
      blocked: false,
    };
    const dev = attribution.enforced ? current.developers.get(group.developer) : undefined;
    if (dev === undefined) return result;
    const row = await table.read(group.developer, group.period);
    if (row === undefined) return result;
    const cap = capOf(row, dev.capUsd);
    const at = newest(group.records);
    let blocked = row.blocked;
    // A late batch for a period already over cannot block: the reset of the new period owns that.
    // An admin's `caps unblock` exempts the row for the rest of its period.
    if (
      !row.blocked &&
      !row.exempt &&
      reaches(row.costUsd, cap, 100) &&
      group.period >= latestPeriod
    ) {
      const profiles = Object.values(dev.profiles);
      result.blocked = await blockDeveloper(
        deps.dynamodb,
        deps.bedrock,
        table.tableName,
        group.developer,
        group.period,
        profiles,
        at,
      );
      if (result.blocked) {
        result.writes++;
        metric({ metric: 'developersBlocked', value: 1, developer, team, period, at });
      }
      // Blocked now, by this call or by a concurrent one that won the claim.
      blocked = true;
    }
    const due = thresholdsDue(row, cap, current.thresholds);
    const sent = await alertThresholds(
      deps.dynamodb,
      deps.sns,
      table.tableName,
      config.alertTopicArn,
      due,
      (percent) => ({
        developer: group.developer,
        team: group.team,
        spentUsd: row.costUsd,
        capUsd: cap,
        percent,
        period: group.period,
        blocked,
      }),
    );
    result.writes += sent.length;
    result.alerts = sent.map((p) => `${group.developer}@${group.period}:${p}`);
    return result;
  }

  async function onLogs(event: LogsSubscriptionEvent): Promise<LogsOutcome> {
    const { records, skipped } = invocationRecords(decodeLogsData(event.awslogs.data));
    const base = { kind: 'logs' as const, records: records.length, skipped };
    if (records.length === 0) {
      return {
        ...base,
        added: 0,
        duplicates: 0,
        unattributed: 0,
        groups: 0,
        transactions: 0,
        writes: 0,
        alerts: [],
        blocked: [],
      };
    }
    const current = await caps();
    const attributions = new Map<string, Attribution>();
    for (const modelId of new Set(records.map((r) => r.modelId))) {
      attributions.set(modelId, await attributor.attribute(modelId, current));
    }
    const groups = new Map<
      string,
      { group: UsageGroup & { records: PricedRecord[] }; attribution: Attribution }
    >();
    let latestPeriod = '';
    let unattributed = 0;
    for (const r of records) {
      const attribution = attributions.get(r.modelId)!;
      const price =
        attribution.tier === undefined ? undefined : current.prices.get(attribution.tier);
      const period = periodOf(current.period, r.timestamp);
      if (period > latestPeriod) latestPeriod = period;
      if (attribution.developer === UNATTRIBUTED) unattributed++;
      const key = `${attribution.developer}\u0000${period}`;
      let entry = groups.get(key);
      if (entry === undefined) {
        entry = {
          group: { developer: attribution.developer, period, team: attribution.team, records: [] },
          attribution,
        };
        groups.set(key, entry);
      }
      entry.group.records.push({
        requestId: r.requestId,
        timestamp: r.timestamp,
        developer: attribution.developer,
        period,
        tokens: r.tokens,
        costUsd: price === undefined ? 0 : callCostUsd(r.tokens, price),
      });
    }
    // The period now (the function's clock, the emulator's in tests) also counts: a late batch
    // holding only last period's records must not block once the new period has begun.
    const nowPeriod = periodOf(current.period, (deps.now ?? Date.now)());
    if (nowPeriod > latestPeriod) latestPeriod = nowPeriod;
    const outcomes = await mapLimit([...groups.values()], concurrency, (g) =>
      enforce(current, g.group, g.attribution, latestPeriod),
    );
    const duplicates = outcomes.reduce((n, o) => n + o.duplicates, 0);
    const result: LogsOutcome = {
      ...base,
      added: outcomes.reduce((n, o) => n + o.added, 0),
      duplicates,
      unattributed,
      groups: groups.size,
      transactions: outcomes.reduce((n, o) => n + o.transactions, 0),
      writes: outcomes.reduce((n, o) => n + o.writes, 0),
      alerts: outcomes.flatMap((o) => o.alerts),
      blocked: [...groups.values()]
        .filter((_, i) => outcomes[i].blocked)
        .map((g) => g.group.developer),
    };
    log('enforcer batch', { ...result });
    return result;
  }

  return async (event) => {
    if (isLogsSubscriptionEvent(event)) return onLogs(event);
    if (isScheduledEvent(event)) {
      const outcome = await resetPeriod(
        deps.dynamodb,
        deps.bedrock,
        table,
        await caps(),
        event.time,
        concurrency,
      );
      log('enforcer reset', { ...outcome });
      return { kind: 'reset', ...outcome };
    }
    throw new Error(
      'unrecognised event: expected a CloudWatch Logs subscription event ({ awslogs: { data } }) or an EventBridge scheduled event ({ source: "aws.events", "detail-type": "Scheduled Event", time })',
    );
  };
}
