import { unblockProfiles } from './blocking';
import type { Caps } from './caps';
import { periodOf } from './caps';
import { BedrockPort, DynamoDbPort, mapLimit } from './ports';
import { capOf, names, reaches, usageKey } from './table';
import { UsageTable } from './usage';

export interface ResetOutcome {
  /** The period containing the schedule's time. */
  readonly period: string;
  /** Developers whose profiles were untagged. */
  readonly unblocked: readonly string[];
  /** Developers blocked earlier who stay blocked (over the cap, or blocked, in this period too). */
  readonly stillBlocked: readonly string[];
}

/**
 * The period reset, run by a schedule: for the period containing `time` (the event's time, never
 * the machine clock), every developer of the caps document blocked in an earlier period and
 * neither blocked nor over the cap in this one gets the `BudgetState` tag removed from their
 * profiles (the document's and the ones recorded at block time), and the earlier rows are marked
 * not blocked. The current period starts its own row on the first record. Idempotent: running it
 * twice, or hourly, changes nothing more.
 *
 * It reads each listed developer's rows with one Query (partitioned by developer), never a Scan:
 * the table also holds one dedupe item per record, far too many to scan.
 */
export async function resetPeriod(
  db: DynamoDbPort,
  bedrock: BedrockPort,
  table: UsageTable,
  caps: Caps,
  time: string,
  concurrency: number,
): Promise<ResetOutcome> {
  const period = periodOf(caps.period, time);
  const unblocked: string[] = [];
  const stillBlocked: string[] = [];
  await mapLimit([...caps.developers], concurrency, async ([developer, dev]) => {
    const rows = await table.rows(developer);
    const earlier = rows.filter((r) => r.blocked && r.period < period);
    if (earlier.length === 0) return;
    const current = rows.find((r) => r.period === period);
    if (current && (current.blocked || reaches(current.costUsd, capOf(current, dev.capUsd), 100))) {
      stillBlocked.push(developer);
      return;
    }
    const profiles = new Set([
      ...Object.values(dev.profiles),
      ...earlier.flatMap((r) => r.blockedProfiles),
    ]);
    await unblockProfiles(bedrock, [...profiles]);
    for (const row of earlier) {
      await db.updateItem({
        TableName: table.tableName,
        Key: usageKey(developer, row.period),
        UpdateExpression: 'SET #blocked = :false, #resetAt = :at',
        ExpressionAttributeNames: names('blocked', 'resetAt'),
        ExpressionAttributeValues: { ':false': { BOOL: false }, ':at': { S: time } },
      });
    }
    unblocked.push(developer);
  });
  return { period, unblocked: unblocked.sort(), stillBlocked: stillBlocked.sort() };
}
