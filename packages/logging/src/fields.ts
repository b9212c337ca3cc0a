import { TOKEN_PATHS } from '@claude-code-bedrock/core';

/**
 * Field paths of a Bedrock model invocation log record, as CloudWatch Logs Insights, metric
 * filters (`$.input.inputTokenCount`) and Athena (`input.inputTokenCount`) address them.
 *
 * Token counts are **nested** under `input` and `output`; they are never top-level fields. A query
 * that reads `inputTokenCount` at the top level silently returns nothing. Their paths come from
 * core's token table (`TOKEN_KINDS`), which the cost formula reads too.
 */
export const INVOCATION_LOG_FIELDS = {
  /** Record timestamp (RFC 3339), e.g. `2026-11-02T14:05:09Z`. */
  timestamp: 'timestamp',
  /** Caller identity: an assumed-role session or IAM user ARN. */
  caller: 'identity.arn',
  /** Model id, or the application inference profile ARN when a profile was used. */
  modelId: 'modelId',
  /** `InvokeModel`, `InvokeModelWithResponseStream`, `Converse`, `ConverseStream`. */
  operation: 'operation',
  requestId: 'requestId',
  accountId: 'accountId',
  /** Region the request was sent to. */
  region: 'region',
  /** Region that served the request (cross-region inference). */
  inferenceRegion: 'inferenceRegion',
  inputTokens: TOKEN_PATHS.input,
  outputTokens: TOKEN_PATHS.output,
  cacheReadTokens: TOKEN_PATHS.cacheRead,
  cacheWriteTokens: TOKEN_PATHS.cacheWrite,
  /** Present only on failed invocations (e.g. `ThrottlingException`). */
  errorCode: 'errorCode',
  schemaType: 'schemaType',
  schemaVersion: 'schemaVersion',
} as const;

export type InvocationLogField = keyof typeof INVOCATION_LOG_FIELDS;

/** The `AWSLogs/...` part of an invocation-log object key, after the configured key prefix. */
export function invocationLogObjectPrefix(
  s3KeyPrefix: string,
  accountId: string,
  region: string,
): string {
  return `${s3KeyPrefix}/AWSLogs/${accountId}/BedrockModelInvocationLogs/${region}/`;
}
