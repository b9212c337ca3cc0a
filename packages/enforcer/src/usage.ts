import type {
  AttributeValue,
  CancellationReason,
  TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { CallTokens, TOKEN_KINDS } from '@claude-code-bedrock/core';
import { DynamoDbPort, errorName } from './ports';
import {
  addTotals,
  DEDUPE_TTL_SECONDS,
  ddbNumber,
  dedupeKey,
  names,
  rowFromItem,
  TOKEN_ATTRIBUTES,
  USAGE_TABLE_KEYS,
  UsageRow,
  UsageTotals,
  usageKey,
  zeroTotals,
} from './table';

/** One record, attributed and priced. */
export interface PricedRecord {
  readonly requestId: string;
  /** ISO 8601 time of the call. */
  readonly timestamp: string;
  readonly developer: string;
  readonly period: string;
  readonly tokens: CallTokens;
  readonly costUsd: number;
}

/** The records of one batch for one developer × period. */
export interface UsageGroup {
  readonly developer: string;
  readonly period: string;
  readonly team?: string;
  readonly records: readonly PricedRecord[];
}

/** What adding a group changed. */
export interface GroupOutcome {
  readonly developer: string;
  readonly period: string;
  /** Totals of the records added now (not seen before). */
  readonly added: UsageTotals;
  /** Records already counted by an earlier delivery. */
  readonly duplicates: number;
  readonly transactions: number;
  /** Items written (dedupe puts + row updates of the successful transactions). */
  readonly writes: number;
}

/** A transaction holds at most 100 items: 99 dedupe puts and the row update. */
export const RECORDS_PER_TRANSACTION = 99;

/** Cancellation reasons worth retrying after a pause (another writer holds the row). */
const TRANSIENT = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/** The dedupe put's condition: the request was never counted in this period. */
const DEDUPE_CONDITION = {
  ConditionExpression: `attribute_not_exists(#${USAGE_TABLE_KEYS.hashKey})`,
  ExpressionAttributeNames: names(USAGE_TABLE_KEYS.hashKey),
};

/** The row update: `ADD` of every total, `SET` of the newest record time (and the team). */
function rowAdd(withTeam: boolean): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
} {
  const totals = ['costUsd', 'calls', ...TOKEN_KINDS.map((k) => TOKEN_ATTRIBUTES[k.kind])];
  const sets = withTeam ? ['updatedAt', 'team'] : ['updatedAt'];
  return {
    UpdateExpression: `ADD ${totals.map((a) => `#${a} :${a}`).join(', ')} SET ${sets.map((a) => `#${a} = :${a}`).join(', ')}`,
    ExpressionAttributeNames: names(...totals, ...sets),
  };
}
const ROW_ADD = rowAdd(false);
const ROW_ADD_WITH_TEAM = rowAdd(true);

export interface UsageTableOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Transaction attempts per chunk before giving up (the batch is then retried whole). @default 8 */
  readonly maxAttempts?: number;
}

function totalsOf(records: readonly PricedRecord[]): UsageTotals {
  return records.reduce(
    (sum, r) => addTotals(sum, { costUsd: r.costUsd, calls: 1, tokens: r.tokens }),
    zeroTotals(),
  );
}

/** Keeps the first record of each requestId (a transaction may not name one item twice). */
function uniqueByRequest(records: readonly PricedRecord[]): PricedRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.requestId) && (seen.add(r.requestId), true));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The usage table's reads and the idempotent add. */
export class UsageTable {
  private readonly maxAttempts: number;

  constructor(
    private readonly db: DynamoDbPort,
    readonly tableName: string,
    private readonly opts: UsageTableOptions,
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
  }

  /**
   * Adds a group's records to its row, each at most once (while its dedupe item lives): per chunk of
   * {@link RECORDS_PER_TRANSACTION} records, one transaction of a conditional dedupe put per record
   * and one `ADD` of the chunk's sums. A record another delivery already counted cancels the
   * transaction with `ConditionalCheckFailed` at its position; the chunk is retried without it.
   * `onAdded` hears the records of each committed transaction (so a batch that fails after some
   * chunks still reports those, which its retry will see as duplicates).
   */
  async add(
    group: UsageGroup,
    onAdded?: (records: readonly PricedRecord[], totals: UsageTotals) => void,
  ): Promise<GroupOutcome> {
    let added = zeroTotals();
    let duplicates = 0;
    let transactions = 0;
    let writes = 0;
    for (const chunk of chunks(uniqueByRequest(group.records), RECORDS_PER_TRANSACTION)) {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const outcome = await this.tryTransaction(group, pending);
        if (outcome.ok) {
          const totals = totalsOf(pending);
          added = addTotals(added, totals);
          onAdded?.(pending, totals);
          transactions++;
          writes += pending.length + 1;
          break;
        }
        const seen = new Set(outcome.duplicates);
        duplicates += seen.size;
        pending = pending.filter((r) => !seen.has(r.requestId));
        if (seen.size === 0 || outcome.transient) {
          if (!outcome.transient || attempt >= this.maxAttempts) throw outcome.error;
          await this.opts.sleep(Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random() / 2));
        }
      }
    }
    return {
      developer: group.developer,
      period: group.period,
      added,
      duplicates,
      transactions,
      writes,
    };
  }

  /** One transaction; a cancellation is returned (with the positions it blames), anything else thrown. */
  private async tryTransaction(
    group: UsageGroup,
    records: readonly PricedRecord[],
  ): Promise<
    { ok: true } | { ok: false; duplicates: string[]; transient: boolean; error: unknown }
  > {
    try {
      await this.db.transactWriteItems({ TransactItems: this.transactItems(group, records) });
      return { ok: true };
    } catch (e) {
      if (errorName(e) !== 'TransactionCanceledException') throw e;
      const reasons =
        (e as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
      const duplicates = records
        .filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed')
        .map((r) => r.requestId);
      const transient = reasons.some((r) => r.Code !== undefined && TRANSIENT.has(r.Code));
      const unexplained = reasons.some(
        (r) =>
          r.Code !== undefined &&
          r.Code !== 'None' &&
          r.Code !== 'ConditionalCheckFailed' &&
          !TRANSIENT.has(r.Code),
      );
      if (unexplained || (duplicates.length === 0 && !transient)) throw e;
      return { ok: false, duplicates, transient, error: e };
    }
  }

  private transactItems(group: UsageGroup, records: readonly PricedRecord[]): TransactWriteItem[] {
    const items: TransactWriteItem[] = records.map((r) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...dedupeKey(r.requestId, r.period),
          [USAGE_TABLE_KEYS.ttlAttribute]: {
            N: String(Math.floor(Date.parse(r.timestamp) / 1000) + DEDUPE_TTL_SECONDS),
          },
        },
        ...DEDUPE_CONDITION,
      },
    }));
    const sums = totalsOf(records);
    const values: Record<string, AttributeValue> = {
      ':costUsd': { N: ddbNumber(sums.costUsd) },
      ':calls': { N: String(sums.calls) },
      ':updatedAt': { S: records.reduce((max, r) => (r.timestamp > max ? r.timestamp : max), '') },
    };
    for (const k of TOKEN_KINDS) {
      values[`:${TOKEN_ATTRIBUTES[k.kind]}`] = { N: String(sums.tokens[k.kind]) };
    }
    if (group.team !== undefined) values[':team'] = { S: group.team };
    items.push({
      Update: {
        TableName: this.tableName,
        Key: usageKey(group.developer, group.period),
        ...(group.team === undefined ? ROW_ADD : ROW_ADD_WITH_TEAM),
        ExpressionAttributeValues: values,
      },
    });
    return items;
  }

  /** The row, read strongly consistent (after this container's own write). */
  async read(developer: string, period: string): Promise<UsageRow | undefined> {
    const out = await this.db.getItem({
      TableName: this.tableName,
      Key: usageKey(developer, period),
      ConsistentRead: true,
    });
    return out.Item === undefined ? undefined : rowFromItem(out.Item);
  }

  /** Every period row of a developer, oldest first. */
  async rows(developer: string): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: `#${USAGE_TABLE_KEYS.hashKey} = :developer`,
        ExpressionAttributeNames: names(USAGE_TABLE_KEYS.hashKey),
        ExpressionAttributeValues: { ':developer': { S: developer } },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      rows.push(...(out.Items ?? []).map(rowFromItem));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return rows;
  }
}
