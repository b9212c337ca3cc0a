import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  ACCOUNT_ID,
  BUCKET_PREFIX,
  LOG_RETENTION_DAYS,
  partitionOf,
  PROJECT_NAME,
  REGION,
  stableConstructId,
  validateWith,
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
import { DAYS, KEY_PREFIX, OBJECT_LOCK, unlessToken } from './validation';

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

export interface BedrockAuditLoggingProps {
  /** Project name: log group `/aws/bedrock/{project}-invocations`, role `{project}-bedrock-logging`. */
  readonly project: string;
  /** Buckets `{bucketPrefix}-bedrock-invocation-logs` and `{bucketPrefix}-cloudtrail`. */
  readonly bucketPrefix: string;
  /** Account id (may be an unresolved token, e.g. from `DataAwsCallerIdentity`). */
  readonly accountId: string;
  /** Region of the stack; invocation logging is configured for this region only. */
  readonly region: string;
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
    project: PROJECT_NAME,
    bucketPrefix: BUCKET_PREFIX,
    accountId: unlessToken(ACCOUNT_ID),
    region: unlessToken(REGION),
    logRetentionDays: z
      .number()
      .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
        message: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    transitionToIaDays: DAYS.min(30, 'S3 requires at least 30 days before STANDARD_IA').default(90),
    expirationDays: DAYS.default(365),
    noncurrentExpirationDays: DAYS.default(30),
    objectLock: OBJECT_LOCK.optional(),
    delivery: z
      .strictObject({
        text: z
          .literal(true, {
            message:
              'must be true: Claude Code calls are text, so nothing would be logged (attribution and budgets would see no usage)',
          })
          .default(true),
        image: z.boolean().default(false),
        embedding: z.boolean().default(false),
        video: z.boolean().default(false),
      })
      .default({ text: true, image: false, embedding: false, video: false }),
    manageInvocationLogging: z.boolean().default(true),
    cloudtrail: z
      .strictObject({
        enabled: z.boolean().default(true),
        multiRegion: z.boolean().default(true),
        cloudWatchLogs: z.boolean().default(false),
        expirationDays: DAYS.default(365),
      })
      .default({ enabled: true, multiRegion: true, cloudWatchLogs: false, expirationDays: 365 }),
    s3KeyPrefix: KEY_PREFIX.default('bedrock'),
  })
  .superRefine((p, ctx) => {
    const lock = p.objectLock;
    if (lock && p.expirationDays < lock.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['expirationDays'],
        input: p.expirationDays,
        message: `must not be shorter than objectLock.days (${lock.days}): locked objects cannot expire`,
      });
    }
    if (lock && p.cloudtrail.enabled && p.cloudtrail.expirationDays < lock.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['cloudtrail', 'expirationDays'],
        input: p.cloudtrail.expirationDays,
        message: `must not be shorter than objectLock.days (${lock.days}): the trail bucket is locked too`,
      });
    }
    if (p.transitionToIaDays >= p.expirationDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['transitionToIaDays'],
        input: p.transitionToIaDays,
        message: `must be less than expirationDays (${p.expirationDays})`,
      });
    }
  });

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
    const p = validateWith(PropsSchema, props, `BedrockAuditLogging '${this.node.path}'`);
    this.project = p.project;
    this.s3KeyPrefix = p.s3KeyPrefix;
    this.logObjectPrefix = invocationLogObjectPrefix(p.s3KeyPrefix, p.accountId, p.region);
    this.largeDataKeyPrefix = `${p.s3KeyPrefix}/data`;
    const partition = partitionOf(p.region);
    const bedrockSourceArn = `arn:${partition}:bedrock:${p.region}:${p.accountId}:*`;
    const confusedDeputy = [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [p.accountId] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: [bedrockSourceArn] },
    ];

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/bedrock/${p.project}-invocations`,
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
            `${bucket.arn}/${p.s3KeyPrefix}/AWSLogs/${p.accountId}/BedrockModelInvocationLogs/*`,
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
      name: `${p.project}-bedrock-logging`,
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
        trailName: `${p.project}-bedrock-trail`,
        bucketName: `${p.bucketPrefix}-cloudtrail`,
        accountId: p.accountId,
        region: p.region,
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
      namePrefix: p.project,
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
