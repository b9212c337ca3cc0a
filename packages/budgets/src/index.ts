export * from './alert-topic';
export {
  BUDGET_ACTION_THRESHOLD_PERCENT,
  BudgetActionRole,
  spendCapStatement,
} from './budget-action';
export type {
  BudgetActionRoleProps,
  DeveloperBudgetActionProps,
  GroupBackstopResources,
} from './budget-action';
export * from './cost-anomaly';
export * from './developer-budgets';
export * from './guardrail';
export * from './naming';
export type { Thresholds } from './notifications';
export * from './platform-budgets';
export * from './spend-caps';
export * from './usage-alarms';
export * from './usage-dashboard';
export * from './bedrock-metrics';
export { costIsUpperBound, tokenSeriesId, usageDashboardBody } from './dashboard-body';
export { GRID_COLUMNS } from './dashboard-types';
export type {
  DashboardBody,
  DashboardSources,
  ExpressionRow,
  MetricOptions,
  MetricRow,
  MetricWidgetProperties,
  Widget,
  WidgetContent,
} from './dashboard-types';
export {
  AWS_MANAGED_SNS_KEY_MESSAGE,
  MAX_BUDGETS_PER_ACCOUNT,
  MAX_EMAILS_PER_NOTIFICATION,
  MAX_NOTIFICATIONS_PER_BUDGET,
} from './validation';
