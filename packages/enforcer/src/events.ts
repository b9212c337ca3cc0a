import { CallTokens, recordTokens } from '@claude-code-bedrock/core';
import { gunzipSync, gzipSync } from 'zlib';

/** What a CloudWatch Logs subscription delivers to a Lambda function. */
export interface LogsSubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

/** One log event of a subscription payload. */
export interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** `awslogs.data`, once base64-decoded, gunzipped and parsed. */
export interface LogsPayload {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly owner?: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters?: readonly string[];
  readonly logEvents: readonly LogEvent[];
}

/** An EventBridge scheduled event (the period reset). */
export interface ScheduledEvent {
  readonly source: 'aws.events';
  readonly 'detail-type': 'Scheduled Event';
  /** ISO 8601 time of the schedule: the clock of the reset. */
  readonly time: string;
}

export function isLogsSubscriptionEvent(event: unknown): event is LogsSubscriptionEvent {
  const awslogs = (event as { awslogs?: { data?: unknown } } | null)?.awslogs;
  return typeof awslogs?.data === 'string';
}

export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  const e = event as Partial<Record<string, unknown>> | null;
  return (
    e?.source === 'aws.events' &&
    e['detail-type'] === 'Scheduled Event' &&
    typeof e.time === 'string'
  );
}

/** Decodes `awslogs.data`; throws with the failing step when it isn't base64 gzip of JSON. */
export function decodeLogsData(data: string): LogsPayload {
  let json: string;
  try {
    json = gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  } catch (e) {
    throw new Error(`awslogs.data is not base64 of gzip: ${(e as Error).message}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (e) {
    throw new Error(`awslogs.data does not hold JSON: ${(e as Error).message}`);
  }
  const p = payload as Partial<LogsPayload> | null;
  if (!p || typeof p.messageType !== 'string' || !Array.isArray(p.logEvents)) {
    throw new Error('awslogs.data holds no messageType and logEvents');
  }
  return p as LogsPayload;
}

/** The inverse of {@link decodeLogsData}: what CloudWatch Logs sends (for tests and emulators). */
export function encodeLogsData(payload: LogsPayload): string {
  return gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
}

/** A subscription event carrying these messages, one log event each. */
export function logsSubscriptionEvent(
  messages: readonly string[],
  opts: { logGroup?: string; logStream?: string; timestamp?: number } = {},
): LogsSubscriptionEvent {
  const timestamp = opts.timestamp ?? 0;
  return {
    awslogs: {
      data: encodeLogsData({
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: opts.logGroup ?? '/aws/bedrock/model-invocations',
        logStream: opts.logStream ?? 'aws/bedrock/modelinvocations',
        subscriptionFilters: ['enforcer'],
        logEvents: messages.map((message, i) => ({ id: String(i), timestamp, message })),
      }),
    },
  };
}

/** The fields of an invocation-log record the enforcer uses. */
export interface InvocationRecord {
  readonly requestId: string;
  /** ISO 8601 time of the call; decides the usage period. */
  readonly timestamp: string;
  /** Profile ARN, system profile id or model id the call named. */
  readonly modelId: string;
  readonly tokens: CallTokens;
}

/** Why a log event was not counted. */
export type SkipReason = 'not-json' | 'not-invocation-log' | 'incomplete';

export interface ParsedRecords {
  readonly records: InvocationRecord[];
  readonly skipped: Readonly<Record<SkipReason, number>>;
}

/**
 * The invocation-log records of a payload. A control message has none; a log event that is not a
 * `ModelInvocationLog` record with a requestId, a valid timestamp and a modelId is skipped
 * (counted by reason), because retrying the batch could never make it countable.
 */
export function invocationRecords(payload: LogsPayload): ParsedRecords {
  const skipped: Record<SkipReason, number> = {
    'not-json': 0,
    'not-invocation-log': 0,
    incomplete: 0,
  };
  const records: InvocationRecord[] = [];
  if (payload.messageType !== 'DATA_MESSAGE') return { records, skipped };
  for (const event of payload.logEvents) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(event.message) as Record<string, unknown>;
    } catch {
      skipped['not-json']++;
      continue;
    }
    if (
      record === null ||
      typeof record !== 'object' ||
      record.schemaType !== 'ModelInvocationLog'
    ) {
      skipped['not-invocation-log']++;
      continue;
    }
    const { requestId, timestamp, modelId } = record;
    if (
      typeof requestId !== 'string' ||
      requestId === '' ||
      typeof modelId !== 'string' ||
      typeof timestamp !== 'string' ||
      Number.isNaN(Date.parse(timestamp))
    ) {
      skipped.incomplete++;
      continue;
    }
    records.push({ requestId, timestamp, modelId, tokens: recordTokens(record) });
  }
  return { records, skipped };
}
