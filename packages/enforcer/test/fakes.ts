import type {
  AttributeValue,
  CancellationReason,
  Put,
  Update,
  UpdateItemInput,
} from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ResourceNotFoundException } from '@aws-sdk/client-bedrock';
import type { PublishInput } from '@aws-sdk/client-sns';
import { NoSuchKey } from '@aws-sdk/client-s3';
import type { BedrockPort, Deps, DynamoDbPort, S3Port, SnsPort } from '../src/ports';
import { USAGE_TABLE_KEYS } from '../src/table';
import { evaluateCondition, applyUpdate, ExpressionContext, Item } from './fake-expressions';

/**
 * In-memory stand-ins for the four AWS services, faithful to what the enforcer relies on:
 * DynamoDB's conditional writes, ADD/SET/DELETE, all-or-nothing transactions with positional
 * cancellation reasons and conflicts between in-flight transactions; SNS publish; Bedrock tags;
 * S3 objects. Each await yields to the event loop, so concurrent handlers interleave.
 */

/** DynamoDB's answer to a malformed request (the SDK has no class for it). */
class ValidationException extends Error {
  override readonly name = 'ValidationException';
  constructor(opts: { message: string }) {
    super(opts.message);
  }
}

/** A copy the caller cannot use to change the table (attribute values are small and JSON-safe). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const METADATA = { $metadata: {} };

/** Errors to throw on the next calls of an operation, in order. */
class Faults {
  private readonly queued = new Map<string, unknown[]>();
  push(op: string, error: unknown): void {
    this.queued.set(op, [...(this.queued.get(op) ?? []), error]);
  }
  take(op: string): void {
    const next = this.queued.get(op)?.shift();
    if (next !== undefined) throw next;
  }
}

export class FakeDynamoDb implements DynamoDbPort {
  readonly items = new Map<string, Item>();
  readonly faults = new Faults();
  readonly stats = { writes: 0, transactions: 0, canceled: 0, updates: 0, reads: 0 };
  /** Transactions touching an item another transaction holds fail with TransactionConflict. */
  simulateConflicts = true;
  private readonly locked = new Set<string>();

  private keyOf(key: Record<string, AttributeValue> | undefined): string {
    const { hashKey, rangeKey } = USAGE_TABLE_KEYS;
    const hash = key?.[hashKey]?.S;
    const range = key?.[rangeKey]?.S;
    if (hash === undefined || range === undefined || Object.keys(key ?? {}).length !== 2) {
      throw new ValidationException({ message: `bad key ${JSON.stringify(key)}`, ...METADATA });
    }
    return JSON.stringify([hash, range]);
  }

  /** The item under a developer × period key, if any. */
  get(developer: string, period: string): Item | undefined {
    return this.items.get(JSON.stringify([developer, period]));
  }

  async transactWriteItems(input: {
    TransactItems?: { Put?: Put; Update?: Update }[];
  }): Promise<object> {
    await tick();
    this.faults.take('transactWriteItems');
    const actions = input.TransactItems ?? [];
    if (actions.length === 0 || actions.length > 100) {
      throw new ValidationException({ message: `${actions.length} items`, ...METADATA });
    }
    const keys = actions.map((a) => this.keyOf(a.Put ? this.keyPart(a.Put.Item) : a.Update?.Key));
    if (new Set(keys).size !== keys.length) {
      throw new ValidationException({ message: 'two actions on one item', ...METADATA });
    }
    if (this.simulateConflicts && keys.some((k) => this.locked.has(k))) {
      this.stats.canceled++;
      throw this.canceled(keys.map((k) => (this.locked.has(k) ? 'TransactionConflict' : 'None')));
    }
    keys.forEach((k) => this.locked.add(k));
    try {
      await tick();
      const codes = actions.map((a, i) => {
        const spec = a.Put ?? a.Update!;
        const ok = evaluateCondition(spec.ConditionExpression, this.context(spec, keys[i]));
        return ok ? 'None' : 'ConditionalCheckFailed';
      });
      if (codes.some((c) => c !== 'None')) {
        this.stats.canceled++;
        throw this.canceled(codes);
      }
      actions.forEach((a, i) => this.write(a.Put, a.Update, keys[i]));
      this.stats.transactions++;
      this.stats.writes += actions.length;
      return {};
    } finally {
      keys.forEach((k) => this.locked.delete(k));
    }
  }

  async updateItem(input: UpdateItemInput): Promise<{ Attributes?: Item }> {
    await tick();
    this.faults.take('updateItem');
    const key = this.keyOf(input.Key);
    if (!evaluateCondition(input.ConditionExpression, this.context(input, key))) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        ...METADATA,
      });
    }
    this.write(undefined, input, key);
    this.stats.updates++;
    this.stats.writes++;
    return input.ReturnValues === 'ALL_NEW' ? { Attributes: copy(this.items.get(key)) } : {};
  }

  async getItem(input: { Key?: Record<string, AttributeValue> }): Promise<{ Item?: Item }> {
    await tick();
    this.faults.take('getItem');
    this.stats.reads++;
    const item = this.items.get(this.keyOf(input.Key));
    return item === undefined ? {} : { Item: copy(item) };
  }

  async query(input: {
    ExpressionAttributeValues?: Record<string, AttributeValue>;
    ExclusiveStartKey?: Record<string, AttributeValue>;
    KeyConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    Limit?: number;
  }): Promise<{ Items?: Item[]; LastEvaluatedKey?: Record<string, AttributeValue> }> {
    await tick();
    this.faults.take('query');
    this.stats.reads++;
    const { hashKey, rangeKey } = USAGE_TABLE_KEYS;
    const match = /^(#\w+) = (:\w+)$/.exec(input.KeyConditionExpression ?? '');
    if (!match || input.ExpressionAttributeNames?.[match[1]] !== hashKey) {
      throw new ValidationException({
        message: `unsupported key condition ${input.KeyConditionExpression}`,
        ...METADATA,
      });
    }
    const hash = input.ExpressionAttributeValues?.[match[2]]?.S;
    const after = input.ExclusiveStartKey?.[rangeKey]?.S;
    const rows = [...this.items.values()]
      .filter((i) => i[hashKey].S === hash && (after === undefined || i[rangeKey].S! > after))
      .sort((a, b) => (a[rangeKey].S! < b[rangeKey].S! ? -1 : 1));
    const page = rows.slice(0, input.Limit ?? rows.length);
    const last = page.length < rows.length ? page[page.length - 1] : undefined;
    return {
      Items: page.map((i) => copy(i)),
      LastEvaluatedKey: last && { [hashKey]: last[hashKey], [rangeKey]: last[rangeKey] },
    };
  }

  private keyPart(item: Item | undefined): Record<string, AttributeValue> {
    const { hashKey, rangeKey } = USAGE_TABLE_KEYS;
    return { [hashKey]: item?.[hashKey] ?? {}, [rangeKey]: item?.[rangeKey] ?? {} } as Record<
      string,
      AttributeValue
    >;
  }

  private context(spec: Put | Update | UpdateItemInput, key: string): ExpressionContext {
    return {
      item: this.items.get(key),
      names: spec.ExpressionAttributeNames ?? {},
      values: spec.ExpressionAttributeValues ?? {},
    };
  }

  private write(
    put: Put | undefined,
    update: Update | UpdateItemInput | undefined,
    key: string,
  ): void {
    if (put) {
      this.items.set(key, copy(put.Item!));
      return;
    }
    const item = this.items.get(key) ?? copy(update!.Key!);
    applyUpdate(update!.UpdateExpression!, { ...this.context(update!, key), item });
    this.items.set(key, item);
  }

  private canceled(codes: string[]): TransactionCanceledException {
    const reasons: CancellationReason[] = codes.map((Code) => ({ Code }));
    return new TransactionCanceledException({
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
      CancellationReasons: reasons,
      ...METADATA,
    });
  }
}

export class FakeSns implements SnsPort {
  readonly published: PublishInput[] = [];
  readonly faults = new Faults();

  async publish(input: PublishInput): Promise<object> {
    await tick();
    this.faults.take('publish');
    this.published.push(input);
    return { MessageId: String(this.published.length) };
  }

  /** The JSON bodies published. */
  get alerts(): Record<string, unknown>[] {
    return this.published.map((p) => JSON.parse(p.Message!) as Record<string, unknown>);
  }
}

export class FakeBedrock implements BedrockPort {
  readonly tags = new Map<string, Map<string, string>>();
  readonly calls = { tag: 0, untag: 0, list: 0 };
  readonly faults = new Faults();

  /** Registers a profile with its tags. */
  profile(arn: string, tags: Record<string, string> = {}): void {
    this.tags.set(arn, new Map(Object.entries(tags)));
  }

  private find(arn: string | undefined): Map<string, string> {
    const tags = arn === undefined ? undefined : this.tags.get(arn);
    if (tags === undefined) {
      throw new ResourceNotFoundException({ message: `no resource ${arn}`, ...METADATA });
    }
    return tags;
  }

  async tagResource(input: { resourceARN?: string; tags?: { key?: string; value?: string }[] }) {
    await tick();
    this.calls.tag++;
    this.faults.take('tagResource');
    const tags = this.find(input.resourceARN);
    for (const t of input.tags ?? []) tags.set(t.key!, t.value!);
    return {};
  }

  async untagResource(input: { resourceARN?: string; tagKeys?: string[] }) {
    await tick();
    this.calls.untag++;
    this.faults.take('untagResource');
    const tags = this.find(input.resourceARN);
    for (const k of input.tagKeys ?? []) tags.delete(k);
    return {};
  }

  async listTagsForResource(input: { resourceARN?: string }) {
    await tick();
    this.calls.list++;
    this.faults.take('listTagsForResource');
    const tags = this.find(input.resourceARN);
    return { tags: [...tags].map(([key, value]) => ({ key, value })) };
  }
}

export class FakeS3 implements S3Port {
  readonly objects = new Map<string, string>();
  reads = 0;

  put(bucket: string, key: string, body: string): void {
    this.objects.set(`${bucket}/${key}`, body);
  }

  async getObjectText(bucket: string, key: string): Promise<string> {
    await tick();
    this.reads++;
    const body = this.objects.get(`${bucket}/${key}`);
    if (body === undefined)
      throw new NoSuchKey({ message: `no object s3://${bucket}/${key}`, ...METADATA });
    return body;
  }
}

/**
 * A fresh set of fakes and the `Deps` bound to them (no pauses, a fixed clock, no logging, metric
 * lines dropped).
 */
export function fakeAws(overrides: Partial<Deps> = {}) {
  const dynamodb = new FakeDynamoDb();
  const sns = new FakeSns();
  const bedrock = new FakeBedrock();
  const s3 = new FakeS3();
  let clock = 0;
  const deps: Deps = {
    dynamodb,
    sns,
    bedrock,
    s3,
    sleep: () => tick(),
    now: () => clock,
    log: () => undefined,
    emit: () => undefined,
    ...overrides,
  };
  return {
    dynamodb,
    sns,
    bedrock,
    s3,
    deps,
    /** Moves the caps cache's clock forward. */
    advance(ms: number) {
      clock += ms;
    },
  };
}
