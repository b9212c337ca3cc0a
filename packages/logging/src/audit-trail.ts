import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  ACCOUNT_ID,
  DAYS,
  LOG_RETENTION,
  partitionOf,
  REGION,
  tokenOr,
  validateWith,
} from '@claude-code-bedrock/core';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { z } from 'zod';
import { HardenedBucket, ObjectLockSettings } from './hardened-bucket';

export interface AuditTrailProps {
  /** Trail name; also names the CloudWatch Logs group and role when delivery is on. */
  readonly trailName: string;
  /** Name of the trail's own hardened bucket. */
  readonly bucketName: string;
  /** Account id (may be an unresolved token). */
  readonly accountId: string;
  /** Home region of the trail. */
  readonly region: string;
  /**
   * Record events from every region (Bedrock calls from any region are seen).
   * @default true
   */
  readonly multiRegion?: boolean;
  /**
   * Also deliver events to a CloudWatch Logs group `/aws/cloudtrail/{trailName}` with this
   * retention (days), through a role `{trailName}-cloudwatch`.
   * @default - no CloudWatch Logs delivery (S3 only)
   */
  readonly cloudWatchLogsRetentionDays?: number;
  /**
   * Days after which trail log files expire.
   * @default 365
   */
  readonly expirationDays?: number;
  /**
   * Days after which trail log files move to STANDARD_IA; skipped when not before expiry.
   * @default 90
   */
  readonly transitionToIaDays?: number;
  /** @default 30 */
  readonly noncurrentExpirationDays?: number;
  /**
   * Object Lock on the trail bucket (immutable audit trail).
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockSettings;
}

const AuditTrailPropsSchema = z.object({
  trailName: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/,
      'must be 3-128 characters of letters, digits, . _ and -, starting with a letter or digit',
    ),
  accountId: tokenOr(ACCOUNT_ID),
  region: tokenOr(REGION),
  cloudWatchLogsRetentionDays: LOG_RETENTION.optional(),
  expirationDays: DAYS.optional(),
});

/**
 * CloudTrail for layer 1 of the audit: who called Bedrock, from where. Management events
 * (read and write) include Bedrock runtime calls such as `InvokeModel` and `Converse` (their
 * metadata, not prompts). The trail writes to its own {@link HardenedBucket} with log file
 * validation (SHA-256 digest files make tampering detectable).
 */
export class AuditTrail extends Construct {
  /** The trail (construct id `Resource`). */
  public readonly trail: Cloudtrail;
  public readonly trailBucket: HardenedBucket;
  /** The bucket holding trail log files. */
  public readonly bucket: S3Bucket;
  public readonly trailArn: string;
  /** Present when CloudWatch Logs delivery is on. */
  public readonly logGroup?: CloudwatchLogGroup;
  /** Present when CloudWatch Logs delivery is on. */
  public readonly cloudWatchLogsRole?: IamRole;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    validateWith(AuditTrailPropsSchema, props, `AuditTrail '${this.node.path}'`);

    const partition = partitionOf(props.region);
    // The trail's ARN is assembled from its name because the bucket policy must exist before the
    // trail (CloudTrail checks it on creation): referencing `trail.arn` here would be a cycle.
    const trailArn = `arn:${partition}:cloudtrail:${props.region}:${props.accountId}:trail/${props.trailName}`;
    const expirationDays = props.expirationDays ?? 365;
    const transitionToIaDays = props.transitionToIaDays ?? 90;

    this.trailBucket = new HardenedBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      expirationDays,
      transitionToIaDays: transitionToIaDays < expirationDays ? transitionToIaDays : undefined,
      noncurrentExpirationDays: props.noncurrentExpirationDays,
      objectLock: props.objectLock,
      policyStatements: (bucket) => [
        {
          sid: 'AWSCloudTrailAclCheck',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
          actions: ['s3:GetBucketAcl'],
          resources: [bucket.arn],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] }],
        },
        {
          sid: 'AWSCloudTrailWrite',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucket.arn}/AWSLogs/${props.accountId}/*`],
          condition: [
            {
              test: 'StringEquals',
              variable: 's3:x-amz-acl',
              values: ['bucket-owner-full-control'],
            },
            { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
          ],
        },
      ],
    });
    this.bucket = this.trailBucket.bucket;

    const dependsOn: ITerraformDependable[] = [this.trailBucket.policy];
    if (props.cloudWatchLogsRetentionDays !== undefined) {
      this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
        name: `/aws/cloudtrail/${props.trailName}`,
        retentionInDays: props.cloudWatchLogsRetentionDays,
      });
      const trust = new DataAwsIamPolicyDocument(this, 'CloudWatchLogsTrust', {
        statement: [
          {
            effect: 'Allow',
            principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
            actions: ['sts:AssumeRole'],
            condition: [
              { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
              { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
            ],
          },
        ],
      });
      this.cloudWatchLogsRole = new IamRole(this, 'CloudWatchLogsRole', {
        name: `${props.trailName}-cloudwatch`,
        description: `CloudTrail ${props.trailName} delivery to CloudWatch Logs`,
        assumeRolePolicy: trust.json,
      });
      const permissions = new DataAwsIamPolicyDocument(this, 'CloudWatchLogsPermissions', {
        statement: [
          {
            sid: 'DeliverTrailEvents',
            effect: 'Allow',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [`${this.logGroup.arn}:log-stream:*`],
          },
        ],
      });
      dependsOn.push(
        new IamRolePolicy(this, 'CloudWatchLogsPolicy', {
          name: 'cloudtrail-to-cloudwatch-logs',
          role: this.cloudWatchLogsRole.name,
          policy: permissions.json,
        }),
      );
    }

    this.trail = new Cloudtrail(this, 'Resource', {
      name: props.trailName,
      s3BucketName: this.bucket.bucket,
      enableLogging: true,
      enableLogFileValidation: true,
      isMultiRegionTrail: props.multiRegion ?? true,
      includeGlobalServiceEvents: true,
      eventSelector: [{ readWriteType: 'All', includeManagementEvents: true }],
      ...(this.logGroup && this.cloudWatchLogsRole
        ? {
            cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
            cloudWatchLogsRoleArn: this.cloudWatchLogsRole.arn,
          }
        : {}),
      dependsOn,
    });
    this.trailArn = this.trail.arn;
  }
}
