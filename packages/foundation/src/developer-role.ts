import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamGroup } from '@cdktf/provider-aws/lib/iam-group';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import {
  DeploymentContextProps,
  ResolvedTier,
  TrustConfig,
  validateContextProps,
  stableConstructId,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { DeveloperIdentity, developerPolicyStatements } from './developer-policy';
import { assertFitsManagedPolicy, createRoleParts, partitionFor } from './role-parts';
import { PolicyStatement } from './statements';
import { DeveloperRolePropsSchema } from './validation';
import type { BedrockVpcEndpoints } from './vpc-endpoints';

/**
 * `context`: the role and its managed policy are named `{project}-developer`; the account id (may
 * be a token) is used in ARNs; the region is the home region, where the developers' application
 * inference profiles live. `context.tags` is not used (the provider's default tags apply).
 */
export interface DeveloperRoleProps extends DeploymentContextProps {
  /** Who may assume the role: IAM principals and/or SAML/OIDC federation. */
  readonly trust: TrustConfig;
  /**
   * The model tiers: system cross-region profiles (with their destination regions) that back the
   * developers' application inference profiles. The policy lists these, never the developers.
   */
  readonly tiers: readonly ResolvedTier[];
  /**
   * How a caller is matched to the `User` tag of a profile: `principalTag` compares it with the
   * session's `User` tag (roles, SSO, federation); `username` with the IAM user name (developers
   * who call Bedrock as IAM users: attach {@link DeveloperRole.policy} to their group with
   * {@link DeveloperRole.attachToGroup}).
   * @default 'principalTag'
   */
  readonly identity?: DeveloperIdentity;
  /**
   * Allow `sts:TagSession` so sessions can carry the `User` tag (federated: from the IdP; IAM
   * principals: only a `User` tag equal to their own `User` principal tag).
   * @default true
   */
  readonly tagSession?: boolean;
  /** @default 3600 (one hour) */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Deny every Bedrock action whose `aws:RequestedRegion` is not one of these. Must include the
   * home region and every destination region of the tiers (`unspecified` is added for global
   * profiles).
   * @default - no region restriction
   */
  readonly allowedRegions?: readonly string[];
  /**
   * Endpoint-only access: deny model invocation and token counting (statement
   * `DenyInvokeOutsideVpcEndpoint`) unless the call arrives through these endpoints'
   * bedrock-runtime endpoint (`aws:SourceVpce`). A permission set built from this role carries the
   * same statement.
   * @default - calls are allowed from any network
   */
  readonly invokeOnlyThrough?: BedrockVpcEndpoints;
}

/**
 * The role developers assume to run Claude Code (`{project}-developer`).
 *
 * Developers may invoke models only through application inference profiles tagged with their own
 * identity (ABAC on the `User` tag); the system cross-region profiles and foundation models behind
 * those profiles are allowed only as hops of such a call (`bedrock:InferenceProfileArn`), so a
 * direct call that would escape attribution is denied. Bedrock API keys are denied outright.
 */
export class DeveloperRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  /** The trust (assume-role) policy document. */
  readonly trustPolicyDocument: DataAwsIamPolicyDocument;
  /** The permissions policy document (`aws_iam_policy_document`). */
  readonly policyDocument: DataAwsIamPolicyDocument;
  /** The customer-managed policy `{project}-developer`, attached to the role. */
  readonly policy: IamPolicy;
  readonly policyArn: string;
  /** The permission statements, typed (the same ones the policy document renders). */
  readonly statements: readonly PolicyStatement[];
  /** Size of the permissions policy as IAM counts it (no whitespace). */
  readonly policySize: number;
  /** How callers are matched to the `User` tag of their profiles. */
  readonly identity: DeveloperIdentity;

  constructor(scope: Construct, id: string, props: DeveloperRoleProps) {
    super(scope, id);
    const source = `DeveloperRole '${this.node.path}'`;
    const p = validateContextProps(DeveloperRolePropsSchema, props, source);
    const { project, accountId, region } = p.context;
    this.identity = props.identity ?? 'principalTag';

    this.statements = developerPolicyStatements({
      partition: partitionFor(region),
      region,
      accountId,
      project,
      tiers: props.tiers,
      identity: this.identity,
      allowedRegions: props.allowedRegions,
      sourceVpceIds: props.invokeOnlyThrough && [props.invokeOnlyThrough.runtimeEndpointId],
    });
    this.policySize = assertFitsManagedPolicy(this.statements, accountId, source, 'tiers');

    const parts = createRoleParts(this, {
      name: `${project}-developer`,
      description: `Claude Code developers of ${project}: Bedrock inference through their own application inference profiles only`,
      trust: props.trust,
      tagSession: props.tagSession ?? true,
      maxSessionDurationSeconds: props.maxSessionDurationSeconds ?? 3600,
      statements: this.statements,
    });
    this.trustPolicyDocument = parts.trustPolicyDocument;
    this.role = parts.role;
    this.roleArn = parts.role.arn;
    this.roleName = parts.role.name;
    this.policyDocument = parts.policyDocument;
    this.policy = parts.policy;
    this.policyArn = parts.policy.arn;
  }

  /**
   * Attaches the developer policy to an IAM group, for developers who call Bedrock as IAM users
   * (`identity: 'username'`). The attachment is a child of this construct keyed by the group's
   * construct id.
   */
  attachToGroup(group: IamGroup): IamGroupPolicyAttachment {
    return new IamGroupPolicyAttachment(
      this,
      `GroupAttachment-${stableConstructId(group.node.id)}`,
      {
        group: group.name,
        policyArn: this.policy.arn,
      },
    );
  }
}
