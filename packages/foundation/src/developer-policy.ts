import {
  BLOCKED_VALUE,
  BUDGET_STATE_TAG,
  COUNT_TOKENS_ACTION,
  INVOKE_ACTIONS,
  PROMPT_ACTIONS,
  ResolvedTier,
  foundationModelId,
} from '@claude-code-bedrock/core';
import { PolicyCondition, PolicyStatement, unique } from './statements';

// The prompt-sending actions live in core (one list for the policies and the policy rules);
// re-exported here for this package's users.
export { COUNT_TOKENS_ACTION, INVOKE_ACTIONS, PROMPT_ACTIONS };

/** What Bedrock does on the caller's behalf the first time a model is used in an account. */
export const MARKETPLACE_ACTIONS = [
  'aws-marketplace:ViewSubscriptions',
  'aws-marketplace:Subscribe',
] as const;

/** Region value IAM puts in `aws:RequestedRegion` for the model hop of a global profile. */
export const GLOBAL_REQUESTED_REGION = 'unspecified';

/** How a caller is matched to the `User` tag of an application inference profile. */
export type DeveloperIdentity = 'principalTag' | 'username';

/** The IAM policy variable naming the caller for each identity mode. */
export const IDENTITY_VARIABLE: Readonly<Record<DeveloperIdentity, string>> = {
  principalTag: '${aws:PrincipalTag/User}',
  username: '${aws:username}',
};

export interface DeveloperPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly project: string;
  readonly tiers: readonly Pick<ResolvedTier, 'profileId' | 'destinationRegions'>[];
  readonly identity: DeveloperIdentity;
  readonly allowedRegions?: readonly string[];
  /**
   * Ids of the VPC endpoints model calls must arrive through (`aws:SourceVpce`).
   * @default - calls are allowed from any network
   */
  readonly sourceVpceIds?: readonly string[];
}

/** ARN pattern of every application inference profile of the account in the home region. */
export function applicationProfilesArn(
  p: Pick<DeveloperPolicyInput, 'partition' | 'region' | 'accountId'>,
) {
  return `arn:${p.partition}:bedrock:${p.region}:${p.accountId}:application-inference-profile/*`;
}

/** ARN of a system (cross-region) inference profile in the home region. */
export function systemProfileArn(
  p: Pick<DeveloperPolicyInput, 'partition' | 'region' | 'accountId'>,
  profileId: string,
): string {
  return `arn:${p.partition}:bedrock:${p.region}:${p.accountId}:inference-profile/${profileId}`;
}

/**
 * Foundation-model ARNs a tier's system profile routes to: one per destination region. A global
 * profile (`*`) is authorised against `arn:...:bedrock:::foundation-model/<id>` (no region), so
 * both the region wildcard and the region-less form are listed.
 */
export function foundationModelArns(
  partition: string,
  tier: Pick<ResolvedTier, 'profileId' | 'destinationRegions'>,
): string[] {
  const model = foundationModelId(tier.profileId);
  return tier.destinationRegions.flatMap((region) =>
    region === '*'
      ? [
          `arn:${partition}:bedrock:*::foundation-model/${model}`,
          `arn:${partition}:bedrock:::foundation-model/${model}`,
        ]
      : [`arn:${partition}:bedrock:${region}::foundation-model/${model}`],
  );
}

/** The `aws:RequestedRegion` values to allow: the regions, plus `unspecified` for global profiles. */
export function requestedRegionValues(
  allowedRegions: readonly string[],
  tiers: readonly Pick<ResolvedTier, 'destinationRegions'>[],
): string[] {
  const global = tiers.some((t) => t.destinationRegions.includes('*'));
  return unique([...allowedRegions, ...(global ? [GLOBAL_REQUESTED_REGION] : [])]);
}

/** Only as a hop of a call through one of the account's application inference profiles. */
export function viaApplicationProfileCondition(
  p: Pick<DeveloperPolicyInput, 'partition' | 'region' | 'accountId'>,
): PolicyCondition {
  return {
    test: 'ArnLike',
    variable: 'bedrock:InferenceProfileArn',
    values: [applicationProfilesArn(p)],
  };
}

/**
 * The developer permissions. Depends only on the account, region, project and the model tiers —
 * never on the roster — so its size is the same for 5 and 5,000 developers.
 */
export function developerPolicyStatements(p: DeveloperPolicyInput): PolicyStatement[] {
  const viaApplicationProfile = viaApplicationProfileCondition(p);
  const statements: PolicyStatement[] = [
    {
      sid: 'InvokeOwnApplicationInferenceProfiles',
      effect: 'Allow',
      actions: INVOKE_ACTIONS,
      resources: [applicationProfilesArn(p)],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'aws:ResourceTag/User',
          values: [IDENTITY_VARIABLE[p.identity]],
        },
        { test: 'StringEquals', variable: 'aws:ResourceTag/Project', values: [p.project] },
      ],
    },
    {
      sid: 'InvokeSystemProfilesOnlyViaApplicationProfiles',
      effect: 'Allow',
      actions: INVOKE_ACTIONS,
      resources: unique(p.tiers.map((t) => systemProfileArn(p, t.profileId))),
      conditions: [viaApplicationProfile],
    },
    {
      sid: 'InvokeModelsOnlyViaApplicationProfiles',
      effect: 'Allow',
      actions: INVOKE_ACTIONS,
      resources: unique(p.tiers.flatMap((t) => foundationModelArns(p.partition, t))),
      conditions: [viaApplicationProfile],
    },
    {
      // Claude Code counts tokens for context accounting. CountTokens runs no inference, costs
      // nothing and is not logged, so it is allowed on any model or profile of the account
      // (constant size: no per-tier ARNs) without the ABAC condition.
      sid: 'CountTokens',
      effect: 'Allow',
      actions: [COUNT_TOKENS_ACTION],
      resources: [
        applicationProfilesArn(p),
        `arn:${p.partition}:bedrock:*:${p.accountId}:inference-profile/*`,
        `arn:${p.partition}:bedrock:*::foundation-model/*`,
      ],
    },
    {
      // The first call to a model in an account subscribes the account to its AWS Marketplace
      // offer, on the caller's behalf. Allowed only when Bedrock makes the call: a developer can
      // invoke only the configured tiers, so this can subscribe to nothing the platform team did
      // not pin in the config.
      sid: 'SubscribeToConfiguredModelsThroughBedrock',
      effect: 'Allow',
      actions: MARKETPLACE_ACTIONS,
      resources: ['*'],
      conditions: [
        { test: 'StringEquals', variable: 'aws:CalledViaLast', values: ['bedrock.amazonaws.com'] },
      ],
    },
    {
      sid: 'ListModelsAndProfiles',
      effect: 'Allow',
      actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    },
    {
      sid: 'ReadModelsAndProfiles',
      effect: 'Allow',
      actions: ['bedrock:GetFoundationModel', 'bedrock:GetInferenceProfile'],
      resources: [
        `arn:${p.partition}:bedrock:*::foundation-model/*`,
        `arn:${p.partition}:bedrock:*:${p.accountId}:inference-profile/*`,
        applicationProfilesArn(p),
      ],
    },
    spendCapDenyStatement(p),
    ...apiKeyDenyStatements(),
  ];
  if (p.allowedRegions) {
    statements.push(regionDenyStatement(requestedRegionValues(p.allowedRegions, p.tiers)));
  }
  if (p.sourceVpceIds) statements.push(vpcEndpointDenyStatement(p.sourceVpceIds));
  return statements;
}

/**
 * Endpoint-only access: denies every call that sends prompt content (invocation, token counting)
 * unless it arrives through one of these VPC endpoints, so no prompt leaves the network any other
 * way. `aws:SourceVpce` is absent on calls over the internet, which `StringNotEquals` denies too.
 */
export function vpcEndpointDenyStatement(endpointIds: readonly string[]): PolicyStatement {
  return {
    sid: 'DenyInvokeOutsideVpcEndpoint',
    effect: 'Deny',
    actions: PROMPT_ACTIONS,
    resources: ['*'],
    conditions: [{ test: 'StringNotEquals', variable: 'aws:SourceVpce', values: endpointIds }],
  };
}

/**
 * A developer over their spend cap: the spend-cap enforcer tags their profiles
 * `BudgetState=blocked` and this denies invoking them until the period resets (or an admin
 * unblocks). Inert while nothing sets the tag; the developer cannot remove it (no tagging
 * permission).
 */
export function spendCapDenyStatement(
  p: Pick<DeveloperPolicyInput, 'partition' | 'region' | 'accountId'>,
): PolicyStatement {
  return {
    sid: 'DenyInvokeOverSpendCap',
    effect: 'Deny',
    actions: INVOKE_ACTIONS,
    resources: [applicationProfilesArn(p)],
    conditions: [
      {
        test: 'StringEquals',
        variable: `aws:ResourceTag/${BUDGET_STATE_TAG}`,
        values: [BLOCKED_VALUE],
      },
    ],
  };
}

/**
 * Bedrock API keys: a bearer token collapses every call into one identity (a generated IAM user,
 * or the key's parent session) and breaks per-developer attribution. Deny using any key and
 * creating long-term ones.
 */
export function apiKeyDenyStatements(): PolicyStatement[] {
  return [
    {
      sid: 'DenyBedrockApiKeys',
      effect: 'Deny',
      actions: ['bedrock:CallWithBearerToken'],
      resources: ['*'],
    },
    {
      sid: 'DenyBedrockApiKeyCreation',
      effect: 'Deny',
      actions: ['iam:CreateServiceSpecificCredential'],
      resources: ['*'],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'iam:ServiceSpecificCredentialServiceName',
          values: ['bedrock.amazonaws.com'],
        },
      ],
    },
  ];
}

/** Denies every Bedrock action whose requested region is not one of `values`. */
export function regionDenyStatement(values: readonly string[]): PolicyStatement {
  return {
    sid: 'DenyBedrockOutsideAllowedRegions',
    effect: 'Deny',
    actions: ['bedrock:*'],
    resources: ['*'],
    conditions: [{ test: 'StringNotEquals', variable: 'aws:RequestedRegion', values }],
  };
}
