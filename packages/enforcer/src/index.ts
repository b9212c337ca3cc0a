import { join } from 'path';

/**
 * The bundled Lambda function: a directory holding one file, `index.js` (Node.js 20, CommonJS,
 * AWS SDK v3 clients included), to zip as the function's code. Built by `npm run build`.
 */
export const ENFORCER_BUNDLE_DIR = join(__dirname, '..', 'dist', 'lambda');
/** The function's `handler` setting. */
export const ENFORCER_HANDLER = 'index.handler';
/**
 * The function's `runtime` setting. The bundle targets Node.js 20 syntax (the kit's local Node, which
 * the emulator runs it with) and runs unchanged on Lambda's Node.js 22 runtime; Lambda's Node.js 20
 * runtime is past its end of support.
 */
export const ENFORCER_RUNTIME = 'nodejs22.x';

export { BLOCKED_VALUE, BUDGET_STATE_TAG } from './blocking';
export {
  CAPS_DOCUMENT_VERSION,
  CapsDocumentError,
  DEDUPE_PREFIX,
  parseCapsDocument,
  PERIODS,
  periodOf,
  UNATTRIBUTED,
} from './caps';
export type { Caps, CapsDocument, DeveloperCapsEntry, Period, ProfileOwner } from './caps';
export { ENFORCER_ENV, configFromEnv } from './config';
export { encodeLogsData, logsSubscriptionEvent } from './events';
export {
  ENFORCER_METRIC_DIMENSIONS,
  ENFORCER_METRIC_FIELDS,
  ENFORCER_METRICS,
  metricLine,
} from './metrics';
export type { MetricEvent } from './metrics';
export type { LogsPayload, LogsSubscriptionEvent, ScheduledEvent } from './events';
export { DEDUPE_TTL_SECONDS, USAGE_TABLE_KEYS } from './table';
export type { SpendAlert } from './thresholds';
