import { BudgetsBudgetNotification } from '@cdktf/provider-aws/lib/budgets-budget';

/** Alert thresholds, in percent of the budgeted amount. */
export interface Thresholds {
  /** Notify when actual spend exceeds these percentages. */
  readonly actual: readonly number[];
  /** Notify when forecast spend for the month exceeds these percentages. */
  readonly forecast: readonly number[];
}

/** Budgets stores amounts as decimal strings. */
export function budgetAmount(usd: number): string {
  return String(usd);
}

/**
 * One `GREATER_THAN` / `PERCENTAGE` notification per threshold (actual first, then forecast),
 * each to the topic and, when there are any, the e-mail addresses.
 */
export function budgetNotifications(
  thresholds: Thresholds,
  topicArn: string,
  emails: readonly string[],
): BudgetsBudgetNotification[] {
  const make = (type: 'ACTUAL' | 'FORECASTED', threshold: number): BudgetsBudgetNotification => ({
    notificationType: type,
    comparisonOperator: 'GREATER_THAN',
    threshold,
    thresholdType: 'PERCENTAGE',
    subscriberSnsTopicArns: [topicArn],
    subscriberEmailAddresses: emails.length > 0 ? [...emails] : undefined,
  });
  return [
    ...thresholds.actual.map((t) => make('ACTUAL', t)),
    ...thresholds.forecast.map((t) => make('FORECASTED', t)),
  ];
}
