import { COUNT_TOKENS_ACTION, INVOKE_ACTIONS, PROMPT_ACTIONS } from '../src';

describe('prompt-sending Bedrock actions', () => {
  test('the invoke actions are InvokeModel and its streaming variant', () => {
    expect([...INVOKE_ACTIONS]).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
    ]);
  });

  test('the prompt actions are the invoke actions plus token counting, nothing else', () => {
    expect([...PROMPT_ACTIONS]).toEqual([...INVOKE_ACTIONS, 'bedrock:CountTokens']);
    expect(PROMPT_ACTIONS).toContain(COUNT_TOKENS_ACTION);
    expect(new Set(PROMPT_ACTIONS).size).toBe(PROMPT_ACTIONS.length);
  });
});
