import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  BUCKET_PREFIX,
  checkLifecycle,
  DeploymentContextProps,
  DeploymentContextSchema,
  KEY_PREFIX,
  LOGGING_FIELDS,
  partitionOf,
  stableConstructId,
  validateContextProps,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { z } from 'zod';
import { AuditTrail } from './audit-trail';
import { invocationLogObjectPrefix } from './fields';
import { HardenedBucket, ObjectLockSettings } from './hardened-bucket';
import { InvocationLogQueries, InvocationLogQueryName } from './invocation-log-queries';
import {
  InvocationLogDelivery,
  InvocationLoggingConfiguration,
} from './invocation-logging-configuration';

/** CloudTrail settings of {@link BedrockAuditLogging}. */
export interface AuditTrailOptions {
  /**
   * Create the trail and its bucket. Turn off when an organization trail already records this
   * account's management events.
   * @default true
   */
  readonly enabled?: boolean;
  /** @default true */
  readonly multiRegion?: boolean;
  /**
   * Also deliver trail events to CloudWatch Logs (`/aws/cloudtrail/{project}-bedrock-trail`,
   * retention `logRetentionDays`).
   * @default false
   */
  readonly cloudWatchLogs?: boolean;
  /**
   * Days after which trail log files expire.
   * @default 365
   */
  readonly expirationDays?: number;
}

/**
 * `context`: the project names the log group `/aws/bedrock/{project}-invocations` and the role
 * `{project}-bedrock-logging`; the account id (may be a token, e.g. from `DataAwsCallerIdentity`)
 * is used in the confused-deputy conditions and the S3 layout; invocation logging is configured
 * for the region only. `context.tags` is not used (the provider's default tags apply).
 */
export interface BedrockAuditLoggingProps extends DeploymentContextProps {
  /** Buckets `{bucketPrefix}-bedrock-invocation-logs` and `{bucketPrefix}-cloudtrail`. */
  readonly bucketPrefix: string;
  /**
   * Retention of the invocation-log group (a CloudWatch Logs retention period).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Days before S3 objects move to STANDARD_IA (S3 minimum 30).
   * @default 90
   */
  readonly transitionToIaDays?: number;
  /**
   * Days before invocation-log objects expire.
   * @default 365
   */
  readonly expirationDays?: number;
  /**
   * Days before noncurrent object versions are removed.
   * @default 30
   */
  readonly noncurrentExpirationDays?: number;
  /**
   * Object Lock on both buckets (immutable retention); expiry must not be shorter than the lock.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockSettings;
  /** @default - text only */
  readonly delivery?: InvocationLogDelivery;
  /**
   * Manage the account/region-wide invocation logging configuration. Only one environment per
   * account and region may; set `false` for the others.
   * @default true
   */
  readonly manageInvocationLogging?: boolean;
  /** @default - enabled, multi-region, no CloudWatch Logs delivery, 365 days */
  readonly cloudtrail?: AuditTrailOptions;
  /**
   * Key prefix of invocation logs: Bedrock writes
   * `{s3KeyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/`.
   * @default 'bedrock'
   */
  readonly s3KeyPrefix?: string;
}

const PropsSchema = z
  .object({
    context: DeploymentContextSchema,
    bucketPrefix: BUCKET_PREFIX,
    ...LOGGING_FIELDS,
    s3KeyPrefix: KEY_PREFIX.default('bedrock'),
  })
  .superRefine(checkLifecycle);

/**
 * Audit logging for Bedrock (layers 1 and 3 of the audit architecture): CloudTrail records who
 * called Bedrock from where; model invocation logging records what was asked and answered, with
 * token counts, to CloudWatch Logs (queries, metric filters) and S3 (Athena, long retention).
 */
export class BedrockAuditLogging extends Construct {
  /** `/aws/bedrock/{project}-invocations`. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The invocation-log bucket. */
  public readonly bucket: S3Bucket;
  /** The invocation-log bucket with its hardening resources. */
  public readonly invocationLogBucket: HardenedBucket;
  /** Key prefix of the records (`bedrock` by default). */
  public readonly s3KeyPrefix: string;
  /**
   * `{s3KeyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/`: where the hourly
   * `YYYY/MM/DD/HH/` folders of records start (for a Glue table location).
   */
  public readonly logObjectPrefix: string;
  /** `{s3KeyPrefix}/data`: bodies larger than 100 KB, not records. */
  public readonly largeDataKeyPrefix: string;
  /** `{project}-bedrock-logging`, assumed by Bedrock to write to the log group. */
  public readonly loggingRole: IamRole;
  /** Absent when `manageInvocationLogging` is false. */
  public readonly loggingConfiguration?: BedrockModelInvocationLoggingConfiguration;
  /** Absent when `cloudtrail.enabled` is false. */
  public readonly auditTrail?: AuditTrail;
  /** Absent when `cloudtrail.enabled` is false. */
  public readonly trail?: Cloudtrail;
  /** Absent when `cloudtrail.enabled` is false. */
  public readonly trailBucket?: S3Bucket;
  /** Saved Logs Insights queries, keyed by {@link InvocationLogQueryName}. */
  public readonly queryDefinitions: Readonly<Record<string, CloudwatchQueryDefinition>>;
  public readonly logGroupName: string;
  public readonly bucketName: string;

  private readonly project: string;

  constructor(scope: Construct, id: string, props: BedrockAuditLoggingProps) {
    super(scope, id);
    const source = `BedrockAuditLogging '${this.node.path}'`;
    const p = validateContextProps(PropsSchema, props, source);
    const { project, accountId, region } = p.context;
    this.project = project;
    this.s3KeyPrefix = p.s3KeyPrefix;
    this.logObjectPrefix = invocationLogObjectPrefix(p.s3KeyPrefix, accountId, region);
    this.largeDataKeyPrefix = `${p.s3KeyPrefix}/data`;
    const partition = partitionOf(region);
    const bedrockSourceArn = `arn:${partition}:bedrock:${region}:${accountId}:*`;
    const confusedDeputy = [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: [bedrockSourceArn] },
    ];

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/bedrock/${project}-invocations`,
      retentionInDays: p.logRetentionDays,
    });
    this.logGroupName = this.logGroup.name;

    this.invocationLogBucket = new HardenedBucket(this, 'InvocationLogBucket', {
      bucketName: `${p.bucketPrefix}-bedrock-invocation-logs`,
      transitionToIaDays: p.transitionToIaDays,
      expirationDays: p.expirationDays,
      noncurrentExpirationDays: p.noncurrentExpirationDays,
      objectLock: p.objectLock,
      policyStatements: (bucket) => [
        {
          sid: 'AllowBedrockInvocationLogDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [
            `${bucket.arn}/${p.s3KeyPrefix}/AWSLogs/${accountId}/BedrockModelInvocationLogs/*`,
            `${bucket.arn}/${this.largeDataKeyPrefix}/*`,
          ],
          condition: confusedDeputy,
        },
      ],
    });
    this.bucket = this.invocationLogBucket.bucket;
    this.bucketName = this.bucket.bucket;

    const trust = new DataAwsIamPolicyDocument(this, 'LoggingRoleTrust', {
      statement: [
        {
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: confusedDeputy,
        },
      ],
    });
    this.loggingRole = new IamRole(this, 'LoggingRole', {
      name: `${project}-bedrock-logging`,
      description: 'Assumed by Amazon Bedrock to write model invocation logs to CloudWatch Logs',
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'LoggingRolePermissions', {
      statement: [
        {
          sid: 'WriteInvocationLogs',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
      ],
    });
    const rolePolicy = new IamRolePolicy(this, 'LoggingRolePolicy', {
      name: 'bedrock-invocation-logs-to-cloudwatch',
      role: this.loggingRole.name,
      policy: permissions.json,
    });

    if (p.manageInvocationLogging) {
      this.loggingConfiguration = new InvocationLoggingConfiguration(this, 'InvocationLogging', {
        logGroup: this.logGroup,
        role: this.loggingRole,
        bucket: this.bucket,
        keyPrefix: p.s3KeyPrefix,
        delivery: p.delivery,
        dependsOn: [this.invocationLogBucket.policy, rolePolicy],
      }).configuration;
    }

    if (p.cloudtrail.enabled) {
      this.auditTrail = new AuditTrail(this, 'AuditTrail', {
        trailName: `${project}-bedrock-trail`,
        bucketName: `${p.bucketPrefix}-cloudtrail`,
        accountId,
        region,
        multiRegion: p.cloudtrail.multiRegion,
        cloudWatchLogsRetentionDays: p.cloudtrail.cloudWatchLogs ? p.logRetentionDays : undefined,
        expirationDays: p.cloudtrail.expirationDays,
        transitionToIaDays: p.transitionToIaDays,
        noncurrentExpirationDays: p.noncurrentExpirationDays,
        objectLock: p.objectLock,
      });
      this.trail = this.auditTrail.trail;
      this.trailBucket = this.auditTrail.bucket;
    }

    this.queryDefinitions = new InvocationLogQueries(this, 'Queries', {
      namePrefix: project,
      logGroup: this.logGroup,
    }).queryDefinitions as Readonly<Record<InvocationLogQueryName, CloudwatchQueryDefinition>>;
  }

  /**
   * Lets `role` read the invocation logs: `s3:GetObject`/`s3:ListBucket` on the log bucket and
   * Logs Insights / log-event reads on the log group.
   */
  public grantRead(role: IamRole): IamRolePolicy {
    const doc = new DataAwsIamPolicyDocument(
      this,
      `ReadGrantDocument_${stableConstructId(role.node.path)}`,
      {
        statement: [
          {
            sid: 'ListInvocationLogBucket',
            effect: 'Allow',
            actions: ['s3:ListBucket', 's3:GetBucketLocation'],
            resources: [this.bucket.arn],
          },
          {
            sid: 'ReadInvocationLogObjects',
            effect: 'Allow',
            actions: ['s3:GetObject', 's3:GetObjectVersion'],
            resources: [`${this.bucket.arn}/*`],
          },
          {
            sid: 'ReadInvocationLogGroup',
            effect: 'Allow',
            actions: [
              'logs:DescribeLogStreams',
              'logs:GetLogEvents',
              'logs:FilterLogEvents',
              'logs:StartQuery',
              'logs:GetLogGroupFields',
            ],
            resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
          },
          {
            // Query results and cancellation are addressed by query id; these actions support
            // no resource-level restriction.
            sid: 'ReadQueryResults',
            effect: 'Allow',
            actions: ['logs:GetQueryResults', 'logs:StopQuery', 'logs:DescribeQueryDefinitions'],
            resources: ['*'],
          },
        ],
      },
    );
    return new IamRolePolicy(this, `ReadGrant_${stableConstructId(role.node.path)}`, {
      name: `${this.project}-bedrock-logs-read`,
      role: role.name,
      policy: doc.json,
    });
  }
}
