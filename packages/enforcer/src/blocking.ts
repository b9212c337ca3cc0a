import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BLOCKED_VALUE, BUDGET_STATE_TAG } from '@claude-code-bedrock/core';
import { BedrockPort, DynamoDbPort, errorName } from './ports';
import { names, usageKey } from './table';

export { BLOCKED_VALUE, BUDGET_STATE_TAG };

/**
 * Blocks a developer once per period row: tags every profile `BudgetState=blocked` first (tagging
 * is idempotent), then claims the row (`SET blocked = true`, conditional on it not being blocked).
 * Tagging before claiming means no crash can leave a row marked blocked with untagged profiles
 * (the next batch would skip it): a failed or interrupted tag call leaves the row unclaimed, so the
 * retry tags again. A claim lost to a concurrent invocation (which tagged too) returns false.
 * Returns whether this call blocked.
 */
export async function blockDeveloper(
  db: DynamoDbPort,
  bedrock: BedrockPort,
  tableName: string,
  developer: string,
  period: string,
  profiles: readonly string[],
  at: string,
): Promise<boolean> {
  const key = usageKey(developer, period);
  const values: Record<string, AttributeValue> = {
    ':true': { BOOL: true },
    ':false': { BOOL: false },
    ':at': { S: at },
  };
  const sets = ['#blocked = :true', '#blockedAt = :at'];
  const attributes = ['blocked', 'blockedAt'];
  if (profiles.length > 0) {
    values[':profiles'] = { SS: [...profiles] };
    sets.push('#blockedProfiles = :profiles');
    attributes.push('blockedProfiles');
  }
  await tagProfiles(bedrock, profiles);
  try {
    await db.updateItem({
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_not_exists(#blocked) OR #blocked = :false',
      ExpressionAttributeNames: names(...attributes),
      ExpressionAttributeValues: values,
    });
  } catch (e) {
    if (errorName(e) === 'ConditionalCheckFailedException') return false;
    throw e;
  }
  return true;
}

/**
 * Removes the block tag from profiles. Idempotent: untagging an absent key succeeds, and a profile
 * deleted since (developer left the roster) is skipped.
 */
export async function unblockProfiles(
  bedrock: BedrockPort,
  profiles: readonly string[],
): Promise<void> {
  for (const arn of profiles) {
    try {
      await bedrock.untagResource({ resourceARN: arn, tagKeys: [BUDGET_STATE_TAG] });
    } catch (e) {
      if (errorName(e) !== 'ResourceNotFoundException') throw e;
    }
  }
}

/** Tags every profile `BudgetState=blocked` (idempotent). */
export async function tagProfiles(
  bedrock: BedrockPort,
  profiles: readonly string[],
): Promise<void> {
  for (const arn of profiles) {
    await bedrock.tagResource({
      resourceARN: arn,
      tags: [{ key: BUDGET_STATE_TAG, value: BLOCKED_VALUE }],
    });
  }
}
