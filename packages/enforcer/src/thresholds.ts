import { DynamoDbPort, errorName, SnsPort } from './ports';
import { names, reaches, UsageRow, usageKey } from './table';

/** The JSON body of an alert. */
export interface SpendAlert {
  readonly developer: string;
  readonly team?: string;
  readonly spentUsd: number;
  readonly capUsd: number;
  /** The threshold crossed, in percent of the cap. */
  readonly percent: number;
  readonly period: string;
  /** Whether the developer's profiles are tagged `BudgetState=blocked`. */
  readonly blocked: boolean;
}

/** Thresholds the row has reached and not yet alerted, ascending. */
export function thresholdsDue(
  row: UsageRow,
  capUsd: number,
  thresholds: readonly number[],
): number[] {
  return thresholds.filter((p) => reaches(row.costUsd, capUsd, p) && !row.warned.has(p));
}

/** The alert's subject line: printable ASCII, under 100 characters (SNS limits). */
export function alertSubject(alert: SpendAlert): string {
  const what = alert.blocked && alert.percent >= 100 ? 'blocked at' : 'reached';
  const text = `Claude Code spend: ${alert.developer} ${what} ${alert.percent}% of $${alert.capUsd} (${alert.period})`;
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 99);
}

/**
 * Alerts each threshold once per developer and period: the threshold is first claimed on the row
 * (`ADD warned`, conditional on it not being there), then published. A claim lost to a concurrent
 * invocation is skipped; a failed publish gives the claim back and throws, so the retry alerts.
 * Returns the thresholds this call alerted.
 */
export async function alertThresholds(
  db: DynamoDbPort,
  sns: SnsPort,
  tableName: string,
  topicArn: string,
  due: readonly number[],
  alertOf: (percent: number) => SpendAlert,
): Promise<number[]> {
  const sent: number[] = [];
  for (const percent of due) {
    const alert = alertOf(percent);
    const key = usageKey(alert.developer, alert.period);
    try {
      await db.updateItem({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD #warned :set',
        ConditionExpression: 'NOT contains(#warned, :percent)',
        ExpressionAttributeNames: names('warned'),
        ExpressionAttributeValues: {
          ':set': { NS: [String(percent)] },
          ':percent': { N: String(percent) },
        },
      });
    } catch (e) {
      if (errorName(e) === 'ConditionalCheckFailedException') continue;
      throw e;
    }
    try {
      await sns.publish({
        TopicArn: topicArn,
        Subject: alertSubject(alert),
        Message: JSON.stringify(alert),
      });
    } catch (e) {
      await db.updateItem({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'DELETE #warned :set',
        ExpressionAttributeNames: names('warned'),
        ExpressionAttributeValues: { ':set': { NS: [String(percent)] } },
      });
      throw e;
    }
    sent.push(percent);
  }
  return sent;
}
