import { ResolvedTier, resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { SCP_MAX_CHARS, ScpDocument, ScpDocumentProps } from '../src';
import { GLOBAL_TIER, TIERS, US_REGIONS } from './helpers';

const BASE: ScpDocumentProps = { project: 'acme-claude', tiers: TIERS };

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function scp(props: Partial<ScpDocumentProps> = {}): { scp: ScpDocument; statements: Statement[] } {
  let doc: ScpDocument | undefined;
  Testing.synthScope((scope) => {
    doc = new ScpDocument(scope, 'scp', { ...BASE, ...props });
  });
  return { scp: doc!, statements: JSON.parse(doc!.json).Statement };
}

const sid = (statements: Statement[], id: string) => statements.find((s) => s.Sid === id);

describe('ScpDocument', () => {
  test('is a plain JSON policy string, not a token', () => {
    const { scp: doc } = scp();
    expect(doc.json).not.toMatch(/\$\{|TfToken/);
    expect(JSON.parse(doc.json).Version).toBe('2012-10-17');
    expect(doc.policyName).toBe('acme-claude-bedrock-guardrails');
  });

  test('denies Bedrock API keys organization-wide', () => {
    const { statements } = scp();
    expect(sid(statements, 'DenyBedrockApiKeys')).toEqual({
      Sid: 'DenyBedrockApiKeys',
      Effect: 'Deny',
      Action: 'bedrock:CallWithBearerToken',
      Resource: '*',
    });
    expect(sid(statements, 'DenyBedrockApiKeyCreation')).toEqual({
      Sid: 'DenyBedrockApiKeyCreation',
      Effect: 'Deny',
      Action: 'iam:CreateServiceSpecificCredential',
      Resource: '*',
      Condition: {
        StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' },
      },
    });
  });

  test('denies invoking any model except the approved models, profiles and application profiles', () => {
    const s = sid(scp().statements, 'DenyUnapprovedModels')!;
    expect(s.Effect).toBe('Deny');
    expect(s.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    expect(s.Resource).toBeUndefined();
    expect(s.NotResource).toEqual([
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-opus-4-6-v1',
      'arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-opus-4-6-v1',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*:*:application-inference-profile/*',
    ]);
  });

  test('approves the region-less model ARN of a global profile', () => {
    const s = sid(scp({ tiers: [GLOBAL_TIER] }).statements, 'DenyUnapprovedModels')!;
    expect(s.NotResource).toContain(
      'arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    );
  });

  test('has no region statement without allowed regions', () => {
    expect(sid(scp().statements, 'DenyModelsOutsideApprovedRegions')).toBeUndefined();
  });

  test('denies invoking models outside the approved regions', () => {
    const s = sid(
      scp({ allowedRegions: US_REGIONS }).statements,
      'DenyModelsOutsideApprovedRegions',
    )!;
    expect(s.Effect).toBe('Deny');
    expect(s.Resource).toBe('*');
    expect(s.Condition).toEqual({ StringNotEquals: { 'aws:RequestedRegion': US_REGIONS } });
  });

  test("adds 'unspecified' to the approved regions for global profiles", () => {
    const { statements } = scp({ allowedRegions: US_REGIONS, tiers: [...TIERS, GLOBAL_TIER] });
    const s = sid(statements, 'DenyModelsOutsideApprovedRegions')!;
    expect(s.Condition?.StringNotEquals['aws:RequestedRegion']).toEqual([
      ...US_REGIONS,
      'unspecified',
    ]);
  });

  test('uses the GovCloud partition for GovCloud tiers', () => {
    const tiers: ResolvedTier[] = resolveTiers({
      models: { sonnet: 'us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const s = sid(scp({ tiers }).statements, 'DenyUnapprovedModels')!;
    expect(s.NotResource?.[0]).toMatch(/^arn:aws-us-gov:bedrock:/);
  });

  test('throws when the approved models make the SCP exceed the Organizations limit', () => {
    const models = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`t${i}`, `us.anthropic.claude-model-number-${i}-v1:0`]),
    );
    expect(() => scp({ tiers: resolveTiers({ models }) })).toThrow(
      new RegExp(`tiers: make the SCP longer than the ${SCP_MAX_CHARS}-character`),
    );
  });

  test('rejects allowed regions missing a destination region, naming the region', () => {
    expect(() => scp({ allowedRegions: ['us-east-1'] })).toThrow(
      /missing us-east-2, us-west-1, us-west-2/,
    );
  });

  test('rejects a malformed approved profile id, naming it', () => {
    expect(() => scp({ tiers: [{ ...TIERS[0], profileId: 'claude-sonnet' }] })).toThrow(
      /tiers\[0\]\.profileId: .*"claude-sonnet"/,
    );
  });
});
