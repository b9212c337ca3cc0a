// Named re-exports (not `export *`) so that Node's ESM loader sees each name in the CommonJS
// build: `import { evaluateLogsInsights } from '@claude-code-bedrock/testing'` from an .mjs file.
export {
  aliasOf,
  binKey,
  commands,
  evaluateLogsInsights,
  fieldValue,
  parseFilterCondition,
  splitTopLevel,
  valueAt,
} from './logs-insights';
export type { LogRecord, Row } from './logs-insights';
export {
  applyMetricFilter,
  matchesMetricFilter,
  metricValueOf,
  parseMetricFilterPattern,
} from './metric-filter';
export type {
  MetricFilterComparison,
  MetricFilterDefinition,
  MetricFilterExpression,
  MetricFilterJunction,
  MetricFilterOperator,
  MetricFilterResult,
} from './metric-filter';
