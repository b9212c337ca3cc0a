import {
  ConfigError,
  ResolvedTier,
  foundationModelId,
  partitionOf,
  validateWith,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { INVOKE_ACTIONS, apiKeyDenyStatements, requestedRegionValues } from './developer-policy';
import { PolicyStatement, SCP_MAX_CHARS, renderPolicyJson, unique } from './statements';
import { ScpDocumentPropsSchema } from './validation';

export interface ScpDocumentProps {
  /** Project name; the suggested policy name is `{project}-bedrock-guardrails`. */
  readonly project: string;
  /**
   * Deny model invocation whose `aws:RequestedRegion` is not one of these (`unspecified` is added
   * for global profiles). Must include every destination region of the tiers.
   * @default - no region restriction
   */
  readonly allowedRegions?: readonly string[];
  /** The approved models: invocation of any other model, in any account of the organization, is denied. */
  readonly tiers: readonly ResolvedTier[];
  /**
   * AWS partition of the ARNs.
   * @default - the partition of the first allowed region or tier destination region ('aws')
   */
  readonly partition?: 'aws' | 'aws-us-gov' | 'aws-cn';
}

/**
 * A service control policy for the organization's administrators to attach (it is not deployed
 * by this stack: SCPs live in the management account). It denies Bedrock API keys (using and
 * creating them), invoking any model other than the approved ones and, optionally, invoking
 * models outside the approved regions.
 */
export class ScpDocument extends Construct {
  /** The policy JSON (no whitespace): a plain string, usable directly as an output. */
  readonly json: string;
  /** Suggested name for the SCP in AWS Organizations. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: ScpDocumentProps) {
    super(scope, id);
    const source = `ScpDocument '${this.node.path}'`;
    validateWith(ScpDocumentPropsSchema, props, source);

    const partition =
      props.partition ??
      partitionOf(
        [...(props.allowedRegions ?? []), ...props.tiers.flatMap((t) => t.destinationRegions)].find(
          (r) => r !== '*',
        ) ?? 'us-east-1',
      );
    this.policyName = `${props.project}-bedrock-guardrails`;
    this.statements = scpStatements(partition, props.tiers, props.allowedRegions);
    this.json = renderPolicyJson(this.statements);
    if (this.json.length > SCP_MAX_CHARS) {
      throw new ConfigError(
        [
          {
            path: 'tiers',
            value: `${this.json.length} characters`,
            message: `make the SCP longer than the ${SCP_MAX_CHARS}-character AWS Organizations limit; approve fewer models`,
          },
        ],
        source,
      );
    }
  }
}

/** The SCP statements (exported for reuse and tests). */
export function scpStatements(
  partition: string,
  tiers: readonly Pick<ResolvedTier, 'profileId' | 'destinationRegions'>[],
  allowedRegions?: readonly string[],
): PolicyStatement[] {
  const approved = unique(
    tiers.flatMap((t) => {
      const model = foundationModelId(t.profileId);
      const global = t.destinationRegions.includes('*');
      return [
        `arn:${partition}:bedrock:*::foundation-model/${model}`,
        ...(global ? [`arn:${partition}:bedrock:::foundation-model/${model}`] : []),
        `arn:${partition}:bedrock:*:*:inference-profile/${t.profileId}`,
      ];
    }),
  );
  const statements: PolicyStatement[] = [
    ...apiKeyDenyStatements(),
    {
      sid: 'DenyUnapprovedModels',
      effect: 'Deny',
      actions: INVOKE_ACTIONS,
      notResources: [...approved, `arn:${partition}:bedrock:*:*:application-inference-profile/*`],
    },
  ];
  if (allowedRegions) {
    statements.push({
      sid: 'DenyModelsOutsideApprovedRegions',
      effect: 'Deny',
      actions: INVOKE_ACTIONS,
      resources: ['*'],
      conditions: [
        {
          test: 'StringNotEquals',
          variable: 'aws:RequestedRegion',
          values: requestedRegionValues(allowedRegions, tiers),
        },
      ],
    });
  }
  return statements;
}
