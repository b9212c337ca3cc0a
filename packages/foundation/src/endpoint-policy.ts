import { ResolvedTier, VpcEndpointService } from '@claude-code-bedrock/core';
import {
  INVOKE_ACTIONS,
  PROMPT_ACTIONS,
  applicationProfilesArn,
  foundationModelArns,
  systemProfileArn,
  viaApplicationProfileCondition,
} from './developer-policy';
import { PolicyCondition, PolicyPrincipal, PolicyStatement, unique } from './statements';

/** What the endpoint policies are scoped to: this account, this project, its model tiers. */
export interface EndpointPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly project: string;
  readonly tiers: readonly Pick<ResolvedTier, 'profileId' | 'destinationRegions'>[];
}

/** What Claude Code reads from the Bedrock control plane at start-up. */
export const STARTUP_READ_ACTIONS = [
  'bedrock:ListInferenceProfiles',
  'bedrock:GetInferenceProfile',
] as const;

/**
 * Every statement names this account as principal and requires `aws:PrincipalAccount` to be it:
 * no principal of another account (and no anonymous caller) can use the endpoints, whatever its
 * own permissions.
 */
function ofThisAccount(p: EndpointPolicyInput): {
  principals: PolicyPrincipal[];
  condition: PolicyCondition;
} {
  return {
    principals: [{ type: 'AWS', identifiers: [`arn:${p.partition}:iam::${p.accountId}:root`] }],
    condition: { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [p.accountId] },
  };
}

const projectTag = (p: EndpointPolicyInput): PolicyCondition => ({
  test: 'StringEquals',
  variable: 'aws:ResourceTag/Project',
  values: [p.project],
});

const systemProfileArns = (p: EndpointPolicyInput) =>
  unique(p.tiers.map((t) => systemProfileArn(p, t.profileId)));
const modelArns = (p: EndpointPolicyInput) =>
  unique(p.tiers.flatMap((t) => foundationModelArns(p.partition, t)));

/**
 * bedrock-runtime: invocation and token counting on this project's application inference profiles,
 * and on the system profiles and foundation models of its tiers only as hops of such a call (the
 * developer policy's ABAC narrows this to the caller's own profiles).
 */
function runtimeStatements(p: EndpointPolicyInput): PolicyStatement[] {
  const { principals, condition } = ofThisAccount(p);
  const hop = viaApplicationProfileCondition(p);
  return [
    {
      sid: 'InvokeProjectApplicationProfiles',
      effect: 'Allow',
      principals,
      actions: PROMPT_ACTIONS,
      resources: [applicationProfilesArn(p)],
      conditions: [condition, projectTag(p)],
    },
    {
      sid: 'InvokeSystemProfilesViaApplicationProfiles',
      effect: 'Allow',
      principals,
      actions: INVOKE_ACTIONS,
      resources: systemProfileArns(p),
      conditions: [condition, hop],
    },
    {
      sid: 'InvokeModelsViaApplicationProfiles',
      effect: 'Allow',
      principals,
      actions: INVOKE_ACTIONS,
      resources: modelArns(p),
      conditions: [condition, hop],
    },
    {
      // Token counting runs no inference; Claude Code may address the tier's model directly.
      sid: 'CountTokensOnConfiguredModels',
      effect: 'Allow',
      principals,
      actions: ['bedrock:CountTokens'],
      resources: [...systemProfileArns(p), ...modelArns(p)],
      conditions: [condition],
    },
  ];
}

/** bedrock (control plane): only the inference-profile reads Claude Code makes at start-up. */
function controlPlaneStatements(p: EndpointPolicyInput): PolicyStatement[] {
  const { principals, condition } = ofThisAccount(p);
  return [
    {
      // A List action has no resource to scope.
      sid: 'ListInferenceProfiles',
      effect: 'Allow',
      principals,
      actions: ['bedrock:ListInferenceProfiles'],
      resources: ['*'],
      conditions: [condition],
    },
    {
      sid: 'ReadProjectApplicationProfiles',
      effect: 'Allow',
      principals,
      actions: ['bedrock:GetInferenceProfile'],
      resources: [applicationProfilesArn(p)],
      conditions: [condition, projectTag(p)],
    },
    {
      sid: 'ReadConfiguredSystemProfiles',
      effect: 'Allow',
      principals,
      actions: ['bedrock:GetInferenceProfile'],
      resources: systemProfileArns(p),
      conditions: [condition],
    },
  ];
}

/** sts: assuming roles of this account (not another's: no credentials for it leave the VPC). */
function stsStatements(p: EndpointPolicyInput): PolicyStatement[] {
  const { principals, condition } = ofThisAccount(p);
  return [
    {
      sid: 'AssumeRolesOfThisAccount',
      effect: 'Allow',
      principals,
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: [`arn:${p.partition}:iam::${p.accountId}:role/*`],
      conditions: [condition],
    },
    {
      sid: 'GetCallerIdentity',
      effect: 'Allow',
      principals,
      actions: ['sts:GetCallerIdentity'],
      resources: ['*'],
      conditions: [condition],
    },
  ];
}

/** logs: reading and writing log groups of this account in the home region only. */
function logsStatements(p: EndpointPolicyInput): PolicyStatement[] {
  const { principals, condition } = ofThisAccount(p);
  return [
    {
      sid: 'UseLogGroupsOfThisAccount',
      effect: 'Allow',
      principals,
      actions: [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:DescribeLogStreams',
        'logs:GetLogEvents',
        'logs:FilterLogEvents',
        'logs:StartQuery',
        'logs:GetLogGroupFields',
      ],
      resources: [`arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:*`],
      conditions: [condition],
    },
    {
      // Addressed by query id or account-wide: no resource-level restriction exists.
      sid: 'QueriesAndListings',
      effect: 'Allow',
      principals,
      actions: [
        'logs:DescribeLogGroups',
        'logs:DescribeQueryDefinitions',
        'logs:GetQueryResults',
        'logs:StopQuery',
      ],
      resources: ['*'],
      conditions: [condition],
    },
  ];
}

const BUILDERS: Readonly<
  Record<VpcEndpointService, (p: EndpointPolicyInput) => PolicyStatement[]>
> = {
  'bedrock-runtime': runtimeStatements,
  bedrock: controlPlaneStatements,
  sts: stsStatements,
  logs: logsStatements,
};

/**
 * The endpoint policy of one interface endpoint: principals of this account only, named actions
 * only (never `*`), scoped to this project's profiles and models where the service allows.
 */
export function endpointPolicyStatements(
  service: VpcEndpointService,
  p: EndpointPolicyInput,
): PolicyStatement[] {
  return BUILDERS[service](p);
}
