import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-bedrock';
import type {
  GetItemInput,
  GetItemOutput,
  QueryInput,
  QueryOutput,
  TransactWriteItemsInput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import type { PublishInput } from '@aws-sdk/client-sns';

/**
 * The AWS calls the enforcer makes, with the SDK's own input and output shapes. `deps.ts` binds
 * them to the real clients; tests bind them to in-memory fakes. Errors keep the SDK's `name`s
 * (`TransactionCanceledException`, `ConditionalCheckFailedException`, ...).
 */
export interface DynamoDbPort {
  transactWriteItems(input: TransactWriteItemsInput): Promise<unknown>;
  updateItem(input: UpdateItemInput): Promise<UpdateItemOutput>;
  getItem(input: GetItemInput): Promise<GetItemOutput>;
  query(input: QueryInput): Promise<QueryOutput>;
}

export interface SnsPort {
  publish(input: PublishInput): Promise<unknown>;
}

export interface BedrockPort {
  tagResource(input: TagResourceRequest): Promise<unknown>;
  untagResource(input: UntagResourceRequest): Promise<unknown>;
  listTagsForResource(input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse>;
}

export interface S3Port {
  /** The object's body as UTF-8 text. */
  getObjectText(bucket: string, key: string): Promise<string>;
}

/** Everything the handler needs from outside. */
export interface Deps {
  readonly dynamodb: DynamoDbPort;
  readonly sns: SnsPort;
  readonly bedrock: BedrockPort;
  readonly s3: S3Port;
  /** Waits between transaction retries. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, only for the caps cache (decisions use record and event times). @default Date.now */
  readonly now?: () => number;
  /** Structured log line. @default console.log of JSON */
  readonly log?: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
  /**
   * Writes one Embedded Metric Format line (a JSON document) to the function's log, as is: the
   * runtime's `console` prefix (time, request id, level) would stop CloudWatch from reading it.
   * @default process.stdout.write of the line and a newline
   */
  readonly emit?: (line: string) => void;
}

/** The enforcer's settings (from the environment in Lambda). */
export interface EnforcerConfig {
  /** DynamoDB usage table (hash key `developer`, range key `period`, TTL attribute `expiresAt`). */
  readonly usageTable: string;
  /** SNS topic for threshold alerts. */
  readonly alertTopicArn: string;
  readonly capsBucket: string;
  readonly capsKey: string;
  /** @default 60_000 */
  readonly capsTtlMs?: number;
  /** Developer × period groups written in parallel. @default 8 */
  readonly concurrency?: number;
  /**
   * CloudWatch namespace of the metric lines (see metrics.ts).
   * @default - no metric lines are written
   */
  readonly metricsNamespace?: string;
}

/** An error's `name` (the SDK's exception class name), if it has one. */
export function errorName(e: unknown): string | undefined {
  return e !== null && typeof e === 'object' && 'name' in e && typeof e.name === 'string'
    ? e.name
    : undefined;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; rejects with the first error. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
