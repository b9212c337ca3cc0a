import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  DeploymentContextProps,
  TrustConfig,
  validateContextProps,
  stableConstructId,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { adminPolicyStatements } from './admin-policy';
import { assertFitsManagedPolicy, createRoleParts, partitionFor } from './role-parts';
import { PolicyStatement, toPolicyDocument } from './statements';
import { AdminRolePropsSchema } from './validation';

/**
 * `context`: the role and its managed policy are named `{project}-admin`; the account id (may be a
 * token) is used in ARNs; the region is the home region of the platform (profiles, logs, Athena,
 * Glue). `context.tags` is not used (the provider's default tags apply).
 */
export interface AdminRoleProps extends DeploymentContextProps {
  /** Bucket-name prefix of the platform; the role may read buckets named `{bucketPrefix}-*`. */
  readonly bucketPrefix: string;
  /** Who may assume the role: IAM principals and/or SAML/OIDC federation. */
  readonly trust: TrustConfig;
  /**
   * Allow `sts:TagSession` (federated sessions whose IdP sends session tags fail without it).
   * @default true
   */
  readonly tagSession?: boolean;
  /** @default 3600 (one hour) */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Deny every Bedrock action whose `aws:RequestedRegion` is not one of these.
   * @default - no region restriction
   */
  readonly allowedRegions?: readonly string[];
}

/**
 * The platform administrator role (`{project}-admin`): manages this project's application
 * inference profiles and the model invocation logging configuration, and reads the platform's
 * logs, buckets, Athena workgroup, Glue catalog, budgets and trails. No `*` action anywhere.
 */
export class AdminRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  readonly trustPolicyDocument: DataAwsIamPolicyDocument;
  readonly policyDocument: DataAwsIamPolicyDocument;
  /** The customer-managed policy `{project}-admin`, attached to the role. */
  readonly policy: IamPolicy;
  readonly policyArn: string;
  readonly statements: readonly PolicyStatement[];
  /** Size of the permissions policy as IAM counts it (no whitespace). */
  readonly policySize: number;

  constructor(scope: Construct, id: string, props: AdminRoleProps) {
    super(scope, id);
    const source = `AdminRole '${this.node.path}'`;
    const p = validateContextProps(AdminRolePropsSchema, props, source);
    const { project, accountId, region } = p.context;

    this.statements = adminPolicyStatements({
      partition: partitionFor(region),
      region,
      accountId,
      project,
      bucketPrefix: props.bucketPrefix,
      allowedRegions: props.allowedRegions,
    });
    this.policySize = assertFitsManagedPolicy(this.statements, accountId, source, '(policy)');

    const parts = createRoleParts(this, {
      name: `${project}-admin`,
      description: `Platform administrators of ${project}: manage inference profiles and logging, read logs and costs`,
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
   * Lets the role write Athena query results to `bucket` (Athena writes them with the caller's
   * credentials). Adds an inline policy keyed by the bucket's construct id.
   */
  grantQueryResults(bucket: S3Bucket): IamRolePolicy {
    const key = stableConstructId(bucket.node.id);
    return new IamRolePolicy(this, `QueryResults-${key}`, {
      role: this.role.name,
      name: `athena-results-${key.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 128),
      policy: JSON.stringify(
        toPolicyDocument([
          {
            sid: 'WriteAthenaQueryResults',
            effect: 'Allow',
            actions: [
              's3:AbortMultipartUpload',
              's3:GetBucketLocation',
              's3:ListBucket',
              's3:GetObject',
              's3:PutObject',
            ],
            resources: [bucket.arn, `${bucket.arn}/*`],
          },
        ]),
      ),
    });
  }
}
