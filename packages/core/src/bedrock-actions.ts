/**
 * The Bedrock runtime actions that carry prompt content: the one list the developer policy, the
 * endpoint policies and the policy rules all use.
 */

/** The IAM actions that authorise model inference. */
export const INVOKE_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
] as const;

/**
 * Token counting: no inference, no cost, not logged, but the request carries the prompt, so it
 * leaves the network the same way an invocation does.
 */
export const COUNT_TOKENS_ACTION = 'bedrock:CountTokens';

/** Every bedrock-runtime action that sends prompt content: invocation and token counting. */
export const PROMPT_ACTIONS = [...INVOKE_ACTIONS, COUNT_TOKENS_ACTION] as const;
