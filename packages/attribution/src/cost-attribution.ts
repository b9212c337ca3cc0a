import {
  COST_ALLOCATION_TAG_KEYS,
  glueName,
  partitionOf,
  stableConstructId,
} from '@claude-code-bedrock/core';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { InvocationLogTable } from './invocation-log-table';
import { PROFILE_PREFIX, ProfileMappingTable } from './profile-mapping';
import { CostAttributionProps, resolveCostAttributionProps } from './props';
import { buildCostQueries, namedQueryName } from './queries';
import { AthenaResultsBucket, RESULTS_PREFIX } from './results-bucket';

/**
 * Per-developer cost attribution over Bedrock invocation logs: an Athena results bucket, a Glue
 * database with the `invocation_logs` table (nested schema, hourly partition projection) and the
 * `developer_profiles` mapping table, an Athena workgroup, and saved cost queries. Optionally an
 * IAM Identity Center permission set and cost-allocation-tag activation.
 */
export class CostAttribution extends Construct {
  public readonly resultsBucket: S3Bucket;
  /** The results bucket with its hardening resources. */
  public readonly results: AthenaResultsBucket;
  public readonly database: GlueCatalogDatabase;
  public readonly table: GlueCatalogTable;
  public readonly profileTable: GlueCatalogTable;
  public readonly workgroup: AthenaWorkgroup;
  /** Saved queries by key (`cost-by-developer-7d`, ...). */
  public readonly namedQueries: Readonly<Record<string, AthenaNamedQuery>>;
  /** Activated cost allocation tags by key, when `activateCostAllocationTags`. */
  public readonly costAllocationTags: Readonly<Record<string, CeCostAllocationTag>>;

  public readonly resultsBucketName: string;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly workgroupName: string;
  /** `s3://{results bucket}/results/` */
  public readonly resultsLocation: string;

  private readonly accountId: string;
  private readonly region: string;
  private readonly logBucket: S3Bucket;
  private readonly recordsPrefix: string;

  constructor(scope: Construct, id: string, props: CostAttributionProps) {
    super(scope, id);
    const p = resolveCostAttributionProps(props);
    const { project, accountId, region } = p.context;
    const tags = { ...p.context.tags };
    const hasTags = Object.keys(tags).length > 0;
    this.accountId = accountId;
    this.region = region;
    this.logBucket = p.logBucket;
    const prefix = p.logKeyPrefix === '' ? '' : `${p.logKeyPrefix}/`;
    this.recordsPrefix = `${prefix}AWSLogs/${accountId}/BedrockModelInvocationLogs/${region}/`;

    this.results = new AthenaResultsBucket(this, 'ResultsBucket', {
      bucketName: `${p.bucketPrefix}-athena-results`,
      resultsExpirationDays: p.resultsExpirationDays,
      tags: hasTags ? tags : undefined,
    });
    this.resultsBucket = this.results.bucket;
    this.resultsBucketName = this.results.bucketName;
    this.resultsLocation = `s3://${this.resultsBucket.bucket}/${RESULTS_PREFIX}`;

    this.database = new GlueCatalogDatabase(this, 'Database', {
      name: `${glueName(project)}_bedrock_logs`,
      description: `Amazon Bedrock invocation logs and cost attribution for ${project}`,
      tags: hasTags ? tags : undefined,
    });
    this.databaseName = this.database.name;

    this.table = new InvocationLogTable(this, 'InvocationLogTable', {
      database: this.database,
      logBucket: p.logBucket,
      recordsPrefix: this.recordsPrefix,
      projectionStartDate: p.projectionStartDate,
    }).resource;
    this.tableName = this.table.name;

    this.profileTable = new ProfileMappingTable(this, 'ProfileMapping', {
      database: this.database,
      bucket: this.resultsBucket,
      profiles: p.profiles,
      dependsOn: [this.results.encryption, this.results.ownershipControls],
    }).resource;

    this.workgroupName = `${project}-bedrock-logs`;
    this.workgroup = new AthenaWorkgroup(this, 'Workgroup', {
      name: this.workgroupName,
      description: 'Cost attribution queries over Amazon Bedrock invocation logs',
      state: 'ENABLED',
      forceDestroy: false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: p.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          expectedBucketOwner: accountId,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
      // Always tagged: untagged workgroups also trip some tools' ListTagsForResource.
      tags: { Name: this.workgroupName, ...tags },
    });

    const queries: Record<string, AthenaNamedQuery> = {};
    for (const q of buildCostQueries(p)) {
      queries[q.key] = new AthenaNamedQuery(this, `Query-${q.key}`, {
        name: namedQueryName(project, q.key),
        description: q.description,
        database: this.database.name,
        workgroup: this.workgroup.id,
        query: q.sql,
      });
    }
    this.namedQueries = queries;

    const allocationTags: Record<string, CeCostAllocationTag> = {};
    if (p.activateCostAllocationTags) {
      for (const key of COST_ALLOCATION_TAG_KEYS) {
        allocationTags[key] = new CeCostAllocationTag(this, `CostAllocationTag-${key}`, {
          tagKey: key,
          status: 'Active',
        });
      }
    }
    this.costAllocationTags = allocationTags;
  }

  /**
   * Lets a role run this workgroup's queries: Athena on the workgroup, Glue reads of the database
   * and its tables, reads of the invocation records and the profile mapping, and reads/writes of
   * query results. Adds an inline policy `{id}-query` to the role.
   */
  public grantQuery(role: IamRole): IamRolePolicy {
    const partition = partitionOf(this.region);
    const glue = `arn:${partition}:glue:${this.region}:${this.accountId}`;
    const key = stableConstructId(role.node.path);
    const document = new DataAwsIamPolicyDocument(this, `QueryPolicyDocument-${key}`, {
      statement: [
        {
          sid: 'RunQueries',
          effect: 'Allow',
          actions: [
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetQueryResultsStream',
            'athena:ListQueryExecutions',
            'athena:GetWorkGroup',
            'athena:GetNamedQuery',
            'athena:ListNamedQueries',
            'athena:BatchGetNamedQuery',
            'athena:BatchGetQueryExecution',
          ],
          resources: [this.workgroup.arn],
        },
        {
          sid: 'ReadCatalog',
          effect: 'Allow',
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetTables',
            'glue:GetPartition',
            'glue:GetPartitions',
          ],
          resources: [
            `${glue}:catalog`,
            `${glue}:database/${this.database.name}`,
            `${glue}:table/${this.database.name}/*`,
          ],
        },
        {
          sid: 'ListLogsAndResults',
          effect: 'Allow',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [this.logBucket.arn, this.resultsBucket.arn],
        },
        {
          sid: 'ReadInvocationRecords',
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: [
            `${this.logBucket.arn}/${this.recordsPrefix}*`,
            `${this.resultsBucket.arn}/${PROFILE_PREFIX}*`,
          ],
        },
        {
          sid: 'WriteQueryResults',
          effect: 'Allow',
          actions: [
            's3:GetObject',
            's3:PutObject',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
          ],
          resources: [`${this.resultsBucket.arn}/${RESULTS_PREFIX}*`],
        },
      ],
    });
    return new IamRolePolicy(this, `QueryPolicy-${key}`, {
      name: `${this.workgroupName}-query`,
      role: role.id,
      policy: document.json,
    });
  }
}
