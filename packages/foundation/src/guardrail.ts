import { BedrockGuardrail as BedrockGuardrailResource } from '@cdktf/provider-aws/lib/bedrock-guardrail';
import {
  DEFAULT_PII_ENTITIES,
  DENIED_TOPICS,
  PII_ENTITIES,
  PROJECT_NAME,
  checkGuardrailPolicy,
  validateWith,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { z } from 'zod';

/** A subject the guardrail refuses to discuss. */
export interface DeniedTopic {
  /** 1-100 letters, digits, spaces or `- _ ! ? .`. */
  readonly name: string;
  /** What the topic covers, at most 200 characters. */
  readonly definition: string;
}

export interface BedrockGuardrailProps {
  /** Project name; the guardrail is `{project}-guardrail`. */
  readonly project: string;
  /**
   * Topics to deny in prompts and responses.
   * @default - none
   */
  readonly deniedTopics?: readonly DeniedTopic[];
  /**
   * PII entity types to filter (Bedrock's names, e.g. `AWS_ACCESS_KEY`, `EMAIL`).
   * @default ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY']
   */
  readonly piiEntities?: readonly string[];
  /**
   * What to do with detected PII: `BLOCK` the message or `ANONYMIZE` (mask) the entity.
   * @default 'BLOCK'
   */
  readonly piiAction?: 'BLOCK' | 'ANONYMIZE';
  /**
   * Message returned instead of a blocked prompt.
   * @default - a message naming the project's guardrail
   */
  readonly blockedInputMessage?: string;
  /**
   * Message returned instead of a blocked response.
   * @default - a message naming the project's guardrail
   */
  readonly blockedOutputMessage?: string;
}

export const BedrockGuardrailPropsSchema = z
  .object({
    project: PROJECT_NAME,
    deniedTopics: DENIED_TOPICS.optional(),
    piiEntities: PII_ENTITIES.optional(),
    piiAction: z.enum(['BLOCK', 'ANONYMIZE']).optional(),
    blockedInputMessage: z.string().min(1).max(500).optional(),
    blockedOutputMessage: z.string().min(1).max(500).optional(),
  })
  .superRefine(checkGuardrailPolicy);

/**
 * A Bedrock guardrail with denied topics and PII filters: part of the governance baseline, next
 * to the roles and the SCP that decide who may call which model. It applies only to requests that name
 * it (`guardrailIdentifier` / `X-Amzn-Bedrock-GuardrailIdentifier`); see the README.
 */
export class BedrockGuardrail extends Construct {
  public readonly guardrail: BedrockGuardrailResource;
  public readonly guardrailId: string;
  public readonly guardrailArn: string;
  /** The working draft version (`DRAFT`). */
  public readonly guardrailVersion: string;

  constructor(scope: Construct, id: string, props: BedrockGuardrailProps) {
    super(scope, id);
    validateWith(BedrockGuardrailPropsSchema, props, `BedrockGuardrail '${this.node.path}'`);

    const topics = props.deniedTopics ?? [];
    const pii = props.piiEntities ?? DEFAULT_PII_ENTITIES;
    const piiAction = props.piiAction ?? 'BLOCK';
    const name = `${props.project}-guardrail`;

    this.guardrail = new BedrockGuardrailResource(this, 'Resource', {
      name,
      description: `Guardrail for Claude Code on Amazon Bedrock (${props.project})`,
      blockedInputMessaging:
        props.blockedInputMessage ?? `This request was blocked by the ${name} guardrail.`,
      blockedOutputsMessaging:
        props.blockedOutputMessage ?? `This response was blocked by the ${name} guardrail.`,
      topicPolicyConfig:
        topics.length > 0
          ? [
              {
                topicsConfig: topics.map((t) => ({
                  name: t.name,
                  definition: t.definition,
                  // Given even when empty: the AWS provider (5.100.0) plans an omitted `examples`
                  // as unknown and keeps it unknown after the create, which fails the apply.
                  examples: [],
                  type: 'DENY',
                })),
              },
            ]
          : undefined,
      sensitiveInformationPolicyConfig:
        pii.length > 0
          ? [{ piiEntitiesConfig: pii.map((type) => ({ type, action: piiAction })) }]
          : undefined,
    });
    this.guardrailId = this.guardrail.guardrailId;
    this.guardrailArn = this.guardrail.guardrailArn;
    this.guardrailVersion = this.guardrail.version;
  }
}
