import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import {
  DeploymentContext,
  ResolvedTier,
  TrustConfig,
  resolveTiers,
} from '@claude-code-bedrock/core';
import { synthesized } from '@claude-code-bedrock/testing';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
// Types of cdktf's jest matchers (registered at runtime by jest.setup.js).
export type {} from 'cdktf/lib/testing/adapters/jest';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** The deployment the constructs under test live in. */
export const CONTEXT: DeploymentContext = {
  project: 'acme-claude',
  accountId: ACCOUNT,
  region: REGION,
};
export const US_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'];

export const TIERS: ResolvedTier[] = resolveTiers({
  models: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    opus: { profileId: 'us.anthropic.claude-opus-4-6-v1', group: 'opus-users' },
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
});

export const GLOBAL_TIER: ResolvedTier = resolveTiers({
  models: { fast: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' },
})[0];

export const ROOT_TRUST: TrustConfig = { principals: [`arn:aws:iam::${ACCOUNT}:root`] };

/** A statement of `aws_iam_policy_document` as synthesized (snake_case keys). */
export interface SynthStatement {
  sid: string;
  effect: string;
  actions?: string[];
  not_actions?: string[];
  resources?: string[];
  not_resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/**
 * Synthesizes `build` in a test stack and returns the synthesized JSON plus the statements of the
 * policy documents `pick` selects from what `build` returned.
 */
export function synthDocuments<T>(
  build: (scope: Construct) => T,
  pick: (built: T) => Record<string, DataAwsIamPolicyDocument>,
): { synth: string; docs: Record<string, SynthStatement[]>; built: T } {
  let built: T | undefined;
  const synth = Testing.synthScope((scope) => {
    built = build(scope);
  });
  const json = synthesized(synth);
  const docs: Record<string, SynthStatement[]> = {};
  for (const [name, doc] of Object.entries(pick(built as T))) {
    const logicalId = TerraformStack.of(doc).getLogicalId(doc);
    docs[name] = json.dataSource('aws_iam_policy_document', logicalId)
      .statement as SynthStatement[];
  }
  return { synth, docs, built: built as T };
}

export function bySid(statements: SynthStatement[], sid: string): SynthStatement {
  const found = statements.find((s) => s.sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${statements.map((s) => s.sid).join(', ')}`);
  return found;
}
