// Brings cdktf's Jest matcher types (toHaveResourceWithProperties, toBeValidTerraform...) into scope.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { ResolvedTier, resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { DeveloperProfileSpec, DeveloperProfiles, DeveloperProfilesProps } from '../src';

export const TIERS: ResolvedTier[] = resolveTiers({
  models: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    opus: 'us.anthropic.claude-opus-4-6-v1',
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
});

export const ROSTER: DeveloperProfileSpec[] = [
  {
    id: 'jane.doe@example.com',
    team: 'platform',
    costCenter: 'CC-100',
    tiers: ['sonnet', 'opus', 'haiku'],
  },
  { id: 'bob.smith', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet', 'haiku'] },
  { id: 'Carol+ML@example.com', team: 'payments', costCenter: 'CC-200', tiers: ['sonnet'] },
  { id: 'dave.o-neil', team: 'payments', costCenter: 'CC-210', tiers: ['sonnet', 'haiku'] },
];

export function props(overrides: Partial<DeveloperProfilesProps> = {}): DeveloperProfilesProps {
  return {
    project: 'acme-claude',
    region: 'us-east-1',
    accountId: '123456789012',
    tiers: TIERS,
    developers: ROSTER,
    ...overrides,
  };
}

export interface SynthesizedProfile {
  readonly name: string;
  readonly description: string;
  readonly model_source: { copy_from: string }[];
  readonly tags: Record<string, string>;
}

/** Synthesizes the construct and returns its profiles keyed by Terraform address. */
export function synthProfiles(p: DeveloperProfilesProps): Record<string, SynthesizedProfile> {
  const json = JSON.parse(
    Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', p)),
  );
  return json.resource?.aws_bedrock_inference_profile ?? {};
}

/** Profiles keyed by `User` tag and `Tier` tag, for assertions that do not care about addresses. */
export function byUserAndTier(
  profiles: Record<string, SynthesizedProfile>,
): Record<string, SynthesizedProfile> {
  return Object.fromEntries(
    Object.values(profiles).map((r) => [`${r.tags.User}|${r.tags.Tier}`, r]),
  );
}
