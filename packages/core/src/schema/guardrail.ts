import { z } from 'zod';

/** PII entity types Bedrock guardrails detect (GuardrailPiiEntityConfig.type). */
export const GUARDRAIL_PII_ENTITY_TYPES = [
  'ADDRESS',
  'AGE',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'CA_HEALTH_NUMBER',
  'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY',
  'CREDIT_DEBIT_CARD_NUMBER',
  'DRIVER_ID',
  'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'IP_ADDRESS',
  'LICENSE_PLATE',
  'MAC_ADDRESS',
  'NAME',
  'PASSWORD',
  'PHONE',
  'PIN',
  'SWIFT_CODE',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL',
  'USERNAME',
  'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const;

/** Bedrock guardrails accept at most 30 denied topics. */
export const MAX_DENIED_TOPICS = 30;

/** PII filtered when none is configured: AWS credentials. */
export const DEFAULT_PII_ENTITIES = ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY'] as const;

export const DENIED_TOPICS = z
  .array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[0-9a-zA-Z-_ !?.]{1,100}$/, 'must be 1-100 letters, digits, spaces or - _ ! ? .')
        .meta({ description: 'Topic name (1-100 plain characters), unique.' }),
      definition: z
        .string()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters (Bedrock limit)')
        .meta({ description: 'What the topic covers (at most 200 characters).' }),
    }),
  )
  .max(MAX_DENIED_TOPICS, `Bedrock guardrails allow at most ${MAX_DENIED_TOPICS} denied topics`)
  .refine(
    (ts) => new Set(ts.map((t) => t.name)).size === ts.length,
    'must not repeat a topic name',
  );

export const PII_ENTITIES = z
  .array(
    z.enum(GUARDRAIL_PII_ENTITY_TYPES, {
      message: `must be a Bedrock PII entity type (${GUARDRAIL_PII_ENTITY_TYPES.join(', ')})`,
    }),
  )
  .refine((es) => new Set(es).size === es.length, 'must not repeat an entity type');

/** A guardrail needs a policy: some denied topic or some PII entity type. */
export function checkGuardrailPolicy(
  g: { deniedTopics?: readonly unknown[]; piiEntities?: readonly unknown[] },
  ctx: z.RefinementCtx,
): void {
  if (
    (g.deniedTopics?.length ?? 0) === 0 &&
    g.piiEntities !== undefined &&
    g.piiEntities.length === 0
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['piiEntities'],
      input: g.piiEntities,
      message:
        'must list at least one entity type when there are no denied topics (a guardrail needs a policy)',
    });
  }
}

export const GuardrailSchema = z
  .strictObject({
    enabled: z.boolean().default(false).meta({ description: 'Create the guardrail.' }),
    deniedTopics: DENIED_TOPICS.default([]).meta({ description: 'Topics the guardrail blocks.' }),
    piiEntities: PII_ENTITIES.default([...DEFAULT_PII_ENTITIES]).meta({
      description:
        'PII entity types the guardrail blocks (no repeats). With `enabled` and no denied topics, at least one.',
    }),
  })
  .superRefine((g, ctx) => {
    if (g.enabled) checkGuardrailPolicy(g, ctx);
  })
  .default({ enabled: false, deniedTopics: [], piiEntities: [...DEFAULT_PII_ENTITIES] });
