import * as core from '@claude-code-bedrock/core';
import * as foundation from '@claude-code-bedrock/foundation';
import * as budgets from '../src';
import { resources, synth } from './helpers';

describe('deprecated guardrail exports (moved to foundation and core)', () => {
  test('are the moved construct and constants, not copies', () => {
    expect(budgets.BedrockGuardrail).toBe(foundation.BedrockGuardrail);
    expect(budgets.DEFAULT_PII_ENTITIES).toBe(core.DEFAULT_PII_ENTITIES);
    expect(budgets.GUARDRAIL_PII_ENTITY_TYPES).toBe(core.GUARDRAIL_PII_ENTITY_TYPES);
    expect(budgets.MAX_DENIED_TOPICS).toBe(core.MAX_DENIED_TOPICS);
  });

  test('still build the guardrail and validate its props', () => {
    const out = synth(
      (scope) => new budgets.BedrockGuardrail(scope, 'Guardrail', { project: 'acme' }),
    );
    expect(Object.values(resources(out, 'aws_bedrock_guardrail'))).toEqual([
      expect.objectContaining({ name: 'acme-guardrail' }),
    ]);
    expect(() =>
      synth(
        (scope) =>
          new budgets.BedrockGuardrail(scope, 'G', { project: 'acme', piiEntities: ['SSN'] }),
      ),
    ).toThrow(/piiEntities\[0\]: must be a Bedrock PII entity type/);
  });
});
