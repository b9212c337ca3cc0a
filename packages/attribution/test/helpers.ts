import { DeploymentContext, resolveTiers } from '@claude-code-bedrock/core';
import { TerraformJson, synthesized } from '@claude-code-bedrock/testing';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
// Brings cdktf's jest matcher types (toHaveResourceWithProperties, toBeValidTerraform, ...) into scope.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { CostAttribution, CostAttributionProps, ProfileMapping } from '../src';

export const TIERS = resolveTiers({
  models: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    opus: { profileId: 'us.anthropic.claude-opus-4-6-v1', group: 'opus-users' },
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
});

export const PRICES = {
  sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
};

export const PROFILES: ProfileMapping[] = [
  {
    developerId: 'jane.doe@example.com',
    team: 'platform',
    costCenter: 'CC-100',
    tier: 'opus',
    profileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
  },
  {
    developerId: 'bob.smith',
    team: 'platform',
    costCenter: 'CC-100',
    tier: 'sonnet',
    profileArn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/f6e5d4c3b2a1',
  },
];

/** The deployment the construct under test lives in. */
export const CONTEXT: DeploymentContext = {
  project: 'acme-claude',
  accountId: '123456789012',
  region: 'us-east-1',
};

/**
 * Props for a construct built inside `scope`, with a log bucket created there; a context field
 * given at the top level of `overrides` (`accountId`, `tags`, ...) overrides that field of
 * {@link CONTEXT}.
 */
export function baseProps(
  scope: Construct,
  overrides: Omit<Partial<CostAttributionProps>, keyof DeploymentContext> &
    Partial<DeploymentContext> = {},
): CostAttributionProps {
  const logBucket = new S3Bucket(scope, 'LogBucket', {
    bucket: 'acme-claude-dev-bedrock-invocation-logs',
  });
  const { project, accountId, region, tags, ...rest } = overrides;
  const given = Object.entries({ project, accountId, region, tags }).filter(
    ([, v]) => v !== undefined,
  );
  return {
    context: { ...CONTEXT, ...Object.fromEntries(given) },
    bucketPrefix: 'acme-claude-dev',
    logBucket,
    logKeyPrefix: 'bedrock',
    prices: PRICES,
    tiers: TIERS,
    profiles: PROFILES,
    ...rest,
  };
}

/** A synthesized resource block, read loosely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Block = Record<string, any>;

/** The synthesized JSON; the construct always creates resources. */
export type Synthesized = TerraformJson & Required<Pick<TerraformJson, 'resource'>>;

/** Synthesizes the construct and returns the parsed JSON. */
export function synth(overrides: Partial<CostAttributionProps> = {}): Synthesized {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new CostAttribution(scope, 'attribution', baseProps(scope, overrides));
    }),
  ) as Synthesized;
}

/** The single resource of a type (fails if there is not exactly one). */
export function only(json: Synthesized, type: string): Record<string, unknown> {
  return synthesized(json).only(type);
}
