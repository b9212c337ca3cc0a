import { foundationModelId, partitionOf, ResolvedTier } from '@claude-code-bedrock/core';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Construct } from 'constructs';

export interface DeveloperPermissionSetProps {
  /** IAM Identity Center instance ARN. */
  readonly instanceArn: string;
  /** Permission set name (1-32 characters). */
  readonly name: string;
  /** Account holding the application inference profiles (may be a token). */
  readonly accountId: string;
  /** Region of the stack (for the partition). */
  readonly region: string;
  /** Model tiers: their foundation models are allowed in each destination region, through a profile only. */
  readonly tiers: readonly ResolvedTier[];
  /**
   * Maximum session length (ISO 8601 duration).
   * @default 'PT8H' (a working day, so long Claude Code sessions need no re-login)
   */
  readonly sessionDuration?: string;
  /** @default - no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/**
 * An IAM Identity Center permission set for developers: invoke only their own application
 * inference profiles (ABAC: the profile's `User` tag must equal the session's `User` principal
 * tag, which Identity Center sets from its "attributes for access control"), the underlying
 * foundation models only through a profile, read-only profile/model discovery, and no Bedrock
 * API keys (bearer tokens collapse every caller into one identity).
 */
export class DeveloperPermissionSet extends Construct {
  public readonly resource: SsoadminPermissionSet;
  public readonly permissionSetArn: string;
  public readonly inlinePolicy: SsoadminPermissionSetInlinePolicy;

  constructor(scope: Construct, id: string, props: DeveloperPermissionSetProps) {
    super(scope, id);
    const partition = partitionOf(props.region);
    const profileArns = `arn:${partition}:bedrock:*:${props.accountId}:application-inference-profile/*`;
    const modelArns = [
      ...new Set(
        props.tiers.flatMap((t) =>
          t.destinationRegions.map(
            (r) =>
              `arn:${partition}:bedrock:${r}::foundation-model/${foundationModelId(t.profileId)}`,
          ),
        ),
      ),
    ];

    this.resource = new SsoadminPermissionSet(this, 'Resource', {
      instanceArn: props.instanceArn,
      name: props.name,
      description: 'Claude Code on Amazon Bedrock: invoke own application inference profiles only',
      sessionDuration: props.sessionDuration ?? 'PT8H',
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.permissionSetArn = this.resource.arn;

    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'DiscoverProfilesAndModels',
          effect: 'Allow',
          actions: [
            'bedrock:GetInferenceProfile',
            'bedrock:ListInferenceProfiles',
            'bedrock:GetFoundationModel',
            'bedrock:ListFoundationModels',
          ],
          resources: ['*'],
        },
        {
          sid: 'InvokeOwnApplicationProfiles',
          effect: 'Allow',
          actions: INVOKE_ACTIONS,
          resources: [profileArns],
          // `&{...}` is the policy-document data source's escape for an IAM policy variable.
          condition: [
            {
              test: 'StringEquals',
              variable: 'aws:ResourceTag/User',
              values: ['&{aws:PrincipalTag/User}'],
            },
          ],
        },
        {
          sid: 'InvokeModelsThroughProfilesOnly',
          effect: 'Allow',
          actions: INVOKE_ACTIONS,
          resources: modelArns,
          condition: [
            { test: 'ArnLike', variable: 'bedrock:InferenceProfileArn', values: [profileArns] },
          ],
        },
        {
          sid: 'DenyBedrockApiKeys',
          effect: 'Deny',
          actions: ['bedrock:CallWithBearerToken'],
          resources: ['*'],
        },
      ],
    });
    this.inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, 'InlinePolicy', {
      instanceArn: props.instanceArn,
      permissionSetArn: this.resource.arn,
      inlinePolicy: document.json,
    });
  }
}
