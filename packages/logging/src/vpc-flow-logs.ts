import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import {
  BUCKET_PREFIX,
  DeploymentContext,
  DeploymentContextSchema,
  checkFlowLogRetention,
  FLOW_LOGS_FIELDS,
  FlowLogDestination,
  partitionOf,
  tokenOr,
  validateWith,
  VPC_ID,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { z } from 'zod';
import { HardenedBucket } from './hardened-bucket';

/**
 * `context`: the project names the log group `/aws/vpc/{project}-flow-logs` and the role
 * `{project}-vpc-flow-logs`; the account id (may be a token) and the region are used in the
 * confused-deputy conditions. `context.tags` tags the flow log.
 */
export interface VpcFlowLogsProps {
  readonly context: DeploymentContext;
  /** The VPC whose traffic (accepted and rejected, `ALL`) is recorded. */
  readonly vpcId: string;
  /**
   * `cloudwatch`: a log group and a role, scoped to it, that the flow-logs service assumes. `s3`:
   * a {@link HardenedBucket} `{bucketPrefix}-vpc-flow-logs` the log-delivery service writes to.
   * @default 'cloudwatch'
   */
  readonly destination?: FlowLogDestination;
  /**
   * How long flow logs are kept: the log group's retention (one of CloudWatch Logs' periods), or
   * the days after which S3 objects expire.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Prefix of the bucket name (`s3` only, then required).
   * @default - none
   */
  readonly bucketPrefix?: string;
}

const PropsSchema = z
  .object({
    context: DeploymentContextSchema,
    vpcId: tokenOr(VPC_ID),
    destination: FLOW_LOGS_FIELDS.destination,
    retentionDays: FLOW_LOGS_FIELDS.retentionDays,
    bucketPrefix: BUCKET_PREFIX.optional(),
  })
  .superRefine(
    (p, ctx) => {
      // The config's rule: CloudWatch Logs keeps only its own retention periods.
      checkFlowLogRetention(p, ctx);
      if (p.destination === 's3' && p.bucketPrefix === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['bucketPrefix'],
          input: undefined,
          message: 'is required with destination s3: the bucket is {bucketPrefix}-vpc-flow-logs',
        });
      }
    },
    { when: () => true },
  );

/**
 * VPC flow logs (`aws_flow_log`, id `Resource`, traffic type `ALL`): the record of every
 * connection in the VPC, so an auditor can see Bedrock traffic reach the interface endpoints and
 * nothing else. Delivered to CloudWatch Logs (log group `LogGroup`, role `Role` trusted by
 * `vpc-flow-logs.amazonaws.com` for this account only and allowed to write to that log group
 * only) or to S3 (`Bucket`, a {@link HardenedBucket} expiring objects after `retentionDays`).
 */
export class VpcFlowLogs extends Construct {
  /** The flow log. */
  readonly flowLog: FlowLog;
  readonly flowLogId: string;
  readonly destination: FlowLogDestination;
  /** `cloudwatch` only. */
  readonly logGroup?: CloudwatchLogGroup;
  /** `cloudwatch` only: the role the flow-logs service delivers with. */
  readonly role?: IamRole;
  /** `s3` only. */
  readonly bucket?: HardenedBucket;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const source = `VpcFlowLogs '${this.node.path}'`;
    const p = validateWith(PropsSchema, props, source);
    const { project, accountId, region, tags } = p.context;
    const partition = partitionOf(region);
    const retentionDays = p.retentionDays;
    this.destination = p.destination;
    const common = {
      vpcId: p.vpcId,
      trafficType: 'ALL',
      tags: tags ? { ...tags } : undefined,
    };

    if (this.destination === 's3') {
      this.bucket = new HardenedBucket(this, 'Bucket', {
        bucketName: `${p.bucketPrefix}-vpc-flow-logs`,
        expirationDays: retentionDays,
        policyStatements: (bucket) => {
          const confusedDeputy = [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition}:logs:${region}:${accountId}:*`],
            },
          ];
          const delivery = [{ type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] }];
          return [
            {
              sid: 'AllowFlowLogDeliveryAclCheck',
              effect: 'Allow',
              principals: delivery,
              actions: ['s3:GetBucketAcl'],
              resources: [bucket.arn],
              condition: confusedDeputy,
            },
            {
              sid: 'AllowFlowLogDelivery',
              effect: 'Allow',
              principals: delivery,
              actions: ['s3:PutObject'],
              resources: [`${bucket.arn}/AWSLogs/${accountId}/*`],
              condition: confusedDeputy,
            },
          ];
        },
      });
      this.flowLog = new FlowLog(this, 'Resource', {
        ...common,
        logDestinationType: 's3',
        logDestination: this.bucket.bucketArn,
        dependsOn: [this.bucket.policy],
      });
    } else {
      this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
        name: `/aws/vpc/${project}-flow-logs`,
        retentionInDays: retentionDays,
      });
      const trust = new DataAwsIamPolicyDocument(this, 'RoleTrust', {
        statement: [
          {
            effect: 'Allow',
            principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
            actions: ['sts:AssumeRole'],
            condition: [
              { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
              {
                test: 'ArnLike',
                variable: 'aws:SourceArn',
                values: [`arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`],
              },
            ],
          },
        ],
      });
      this.role = new IamRole(this, 'Role', {
        name: `${project}-vpc-flow-logs`,
        description: 'Assumed by VPC Flow Logs to deliver flow logs to their log group',
        assumeRolePolicy: trust.json,
      });
      const permissions = new DataAwsIamPolicyDocument(this, 'RolePermissions', {
        statement: [
          {
            sid: 'WriteFlowLogs',
            effect: 'Allow',
            actions: [
              'logs:CreateLogStream',
              'logs:PutLogEvents',
              'logs:DescribeLogGroups',
              'logs:DescribeLogStreams',
            ],
            resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
          },
        ],
      });
      const policy = new IamRolePolicy(this, 'RolePolicy', {
        name: 'vpc-flow-logs-to-cloudwatch',
        role: this.role.name,
        policy: permissions.json,
      });
      this.flowLog = new FlowLog(this, 'Resource', {
        ...common,
        logDestinationType: 'cloud-watch-logs',
        logDestination: this.logGroup.arn,
        iamRoleArn: this.role.arn,
        dependsOn: [policy],
      });
    }
    this.flowLogId = this.flowLog.id;
  }
}
