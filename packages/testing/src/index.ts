// Named re-exports (not `export *`) so that Node's ESM loader sees each name in the CommonJS
// build: `import { evaluateLogsInsights } from '@claude-code-bedrock/testing'` from an .mjs file.
export { binKey, evaluateLogsInsights } from './logs-insights';
export { parseFilterCondition } from './logs-insights-filter';
export { aliasOf, commands, fieldValue, splitTopLevel, valueAt } from './logs-insights-syntax';
export type { LogRecord, Row } from './logs-insights-syntax';
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
export {
  TERRAFORM_CLI_CONFIG,
  synthesizeToDirectory,
  terraform,
  terraformEnv,
  terraformInit,
  terraformOutputs,
  planningProvider,
  terraformPlan,
  terraformValidate,
} from './terraform';
export type {
  PlannedResourceChange,
  TerraformDiagnostic,
  TerraformPlan,
  TerraformTarget,
  TerraformValidation,
} from './terraform';
export { Synthesized, synthesized } from './synthesized';
export type { Block, TerraformJson, TerraformOutputJson } from './synthesized';
export {
  evaluateExpression,
  evaluateTemplate,
  evaluateValue,
  expandForEach,
  forEachLocal,
  forEachMap,
  localValue,
  lookup,
} from './expressions';
export type { EachObject, ExpressionScope } from './expressions';
export {
  SQL_DIALECT,
  aliasesOf,
  allSelects,
  astify,
  hasPartitionFilter,
  uncoalescedReferences,
  unknownColumns,
} from './sql-check';
export type { ColumnProblem, SqlNode, SqlTables } from './sql-check';
