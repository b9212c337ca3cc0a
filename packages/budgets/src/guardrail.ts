import {
  BedrockGuardrail as FoundationBedrockGuardrail,
  BedrockGuardrailProps as FoundationBedrockGuardrailProps,
  DeniedTopic as FoundationDeniedTopic,
} from '@claude-code-bedrock/foundation';
import {
  DEFAULT_PII_ENTITIES as CORE_DEFAULT_PII_ENTITIES,
  GUARDRAIL_PII_ENTITY_TYPES as CORE_GUARDRAIL_PII_ENTITY_TYPES,
  MAX_DENIED_TOPICS as CORE_MAX_DENIED_TOPICS,
} from '@claude-code-bedrock/core';

/*
 * The guardrail is governance, not spend: it moved to @claude-code-bedrock/foundation, next to
 * the roles and the SCP. These re-exports keep old imports working for one release.
 */

/** @deprecated moved to @claude-code-bedrock/foundation; removed in the next minor */
export const BedrockGuardrail = FoundationBedrockGuardrail;
/** @deprecated moved to @claude-code-bedrock/foundation; removed in the next minor */
export type BedrockGuardrail = FoundationBedrockGuardrail;
/** @deprecated moved to @claude-code-bedrock/foundation; removed in the next minor */
export type BedrockGuardrailProps = FoundationBedrockGuardrailProps;
/** @deprecated moved to @claude-code-bedrock/foundation; removed in the next minor */
export type DeniedTopic = FoundationDeniedTopic;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const DEFAULT_PII_ENTITIES = CORE_DEFAULT_PII_ENTITIES;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const GUARDRAIL_PII_ENTITY_TYPES = CORE_GUARDRAIL_PII_ENTITY_TYPES;
/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const MAX_DENIED_TOPICS = CORE_MAX_DENIED_TOPICS;
