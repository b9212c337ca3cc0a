import { BedrockGuardrail as GuardrailResource } from '@cdktf/provider-aws/lib/bedrock-guardrail';
import { synthesized, TerraformJson } from '@claude-code-bedrock/testing';
import { TerraformOutput, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { BedrockGuardrail, BedrockGuardrailProps } from '../src';

function synth(build: (scope: Construct) => void): TerraformJson {
  return JSON.parse(Testing.synthScope(build)) as TerraformJson;
}

function resources(out: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return synthesized(out).resources(type);
}

const base: BedrockGuardrailProps = {
  project: 'acme',
  deniedTopics: [
    {
      name: 'Investment advice',
      definition: 'Recommendations about buying or selling securities.',
    },
  ],
};

function guardrail(props: BedrockGuardrailProps = base): Record<string, unknown> {
  const all = Object.values(
    resources(
      synth((scope) => new BedrockGuardrail(scope, 'Guardrail', props)),
      'aws_bedrock_guardrail',
    ),
  );
  expect(all).toHaveLength(1);
  return all[0];
}

describe('BedrockGuardrail', () => {
  test('denies the configured topics', () => {
    expect(guardrail()).toMatchObject({
      name: 'acme-guardrail',
      topic_policy_config: [
        {
          topics_config: [
            {
              name: 'Investment advice',
              definition: 'Recommendations about buying or selling securities.',
              type: 'DENY',
            },
          ],
        },
      ],
    });
  });

  test('gives every denied topic its examples, empty ones included', () => {
    // An omitted `examples` stays unknown after the provider's create, and the apply fails.
    const topics = (guardrail().topic_policy_config as { topics_config: object[] }[])[0]
      .topics_config;
    expect(topics).toEqual([expect.objectContaining({ examples: [] })]);
  });

  test('blocks AWS access and secret keys by default', () => {
    expect(guardrail().sensitive_information_policy_config).toEqual([
      {
        pii_entities_config: [
          { type: 'AWS_ACCESS_KEY', action: 'BLOCK' },
          { type: 'AWS_SECRET_KEY', action: 'BLOCK' },
        ],
      },
    ]);
  });

  test('anonymizes the configured PII entities when asked to', () => {
    const g = guardrail({
      project: 'acme',
      piiEntities: ['EMAIL', 'PHONE'],
      piiAction: 'ANONYMIZE',
    });
    expect(g.sensitive_information_policy_config).toEqual([
      {
        pii_entities_config: [
          { type: 'EMAIL', action: 'ANONYMIZE' },
          { type: 'PHONE', action: 'ANONYMIZE' },
        ],
      },
    ]);
    expect(g.topic_policy_config).toBeUndefined();
  });

  test('returns blocked messages naming the guardrail, or the configured ones', () => {
    expect(guardrail()).toMatchObject({
      blocked_input_messaging: 'This request was blocked by the acme-guardrail guardrail.',
      blocked_outputs_messaging: 'This response was blocked by the acme-guardrail guardrail.',
    });
    expect(
      guardrail({ ...base, blockedInputMessage: 'No.', blockedOutputMessage: 'Redacted.' }),
    ).toMatchObject({ blocked_input_messaging: 'No.', blocked_outputs_messaging: 'Redacted.' });
  });

  test('exposes the guardrail id for outputs', () => {
    const out = synth((scope) => {
      const g = new BedrockGuardrail(scope, 'Guardrail', base);
      expect(g.guardrail).toBeInstanceOf(GuardrailResource);
      new TerraformOutput(scope, 'guardrail_id', { value: g.guardrailId });
    }) as { output?: Record<string, { value: string }> };
    expect(out.output?.guardrail_id.value).toMatch(
      /^\$\{aws_bedrock_guardrail\.Guardrail_[0-9A-F]+\.guardrail_id\}$/,
    );
  });

  test('rejects an unknown PII entity type', () => {
    expect(() => guardrail({ project: 'acme', piiEntities: ['SSN'] })).toThrow(
      /piiEntities\[0\]: must be a Bedrock PII entity type .*\(got "SSN"\)/,
    );
  });

  test('rejects a topic definition longer than Bedrock allows', () => {
    const definition = 'x'.repeat(201);
    expect(() =>
      guardrail({ project: 'acme', deniedTopics: [{ name: 'Long', definition }] }),
    ).toThrow(/deniedTopics\[0\]\.definition: must be at most 200 characters/);
  });

  test('rejects a guardrail with no policy at all', () => {
    expect(() => guardrail({ project: 'acme', piiEntities: [] })).toThrow(
      /piiEntities: must list at least one entity type when there are no denied topics.*\(got \[\]\)/,
    );
  });
});
