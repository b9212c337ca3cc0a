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
  /**
   * The platform administrator role: its ARN and its permissions policy. The `bedrock` and `logs`
   * endpoints let that role (and no other principal) through for the actions of that service the
   * policy allows.
   * @default - no administrator statement: only the actions every principal of the account gets
   */
  readonly admin?: EndpointAdmin;
}

/** The administrator role an endpoint policy admits for its own control-plane actions. */
export interface EndpointAdmin {
  /** The role's ARN (may be a token): the only `aws:PrincipalArn` admitted. */
  readonly roleArn: string;
  /** The role's permissions policy: its Allow actions of the endpoint's service are admitted. */
  readonly statements: readonly PolicyStatement[];
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

/**
 * The administrator role's control-plane actions on `service`: the Allow actions of its policy
 * with that service's prefix (the admin policy stays the one list), on any resource (its policy
 * scopes them), for that role's ARN only.
 */
function adminStatements(p: EndpointPolicyInput, service: 'bedrock' | 'logs'): PolicyStatement[] {
  if (!p.admin) return [];
  const actions = unique(
    p.admin.statements
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => s.actions ?? [])
      .filter((a) => a.startsWith(`${service}:`)),
  );
  if (actions.length === 0) return [];
  const { principals, condition } = ofThisAccount(p);
  return [
    {
      sid: service === 'bedrock' ? 'AdminRoleControlPlane' : 'AdminRoleLogs',
      effect: 'Allow',
      principals,
      actions,
      resources: ['*'],
      conditions: [
        condition,
        { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [p.admin.roleArn] },
      ],
    },
  ];
}

/** A List action addresses no resource; the other start-up reads name a profile. */
const isList = (action: string) => action.split(':')[1].startsWith('List');
const STARTUP_LISTS = STARTUP_READ_ACTIONS.filter(isList);
const STARTUP_GETS = STARTUP_READ_ACTIONS.filter((a) => !isList(a));

/**
 * bedrock (control plane): the inference-profile reads Claude Code makes at start-up, and the
 * administrator role's control-plane actions when given.
 */
function controlPlaneStatements(p: EndpointPolicyInput): PolicyStatement[] {
  const { principals, condition } = ofThisAccount(p);
  return [
    {
      sid: 'ListInferenceProfiles',
      effect: 'Allow',
      principals,
      actions: STARTUP_LISTS,
      resources: ['*'],
      conditions: [condition],
    },
    {
      sid: 'ReadProjectApplicationProfiles',
      effect: 'Allow',
      principals,
      actions: STARTUP_GETS,
      resources: [applicationProfilesArn(p)],
      conditions: [condition, projectTag(p)],
    },
    {
      sid: 'ReadConfiguredSystemProfiles',
      effect: 'Allow',
      principals,
      actions: STARTUP_GETS,
      resources: systemProfileArns(p),
      conditions: [condition],
    },
    ...adminStatements(p, 'bedrock'),
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

/**
 * logs: reading and writing log groups of this account in the home region only, and the
 * administrator role's logs actions when given.
 */
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
    ...adminStatements(p, 'logs'),
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
