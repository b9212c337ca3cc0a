import { glueName } from '@claude-code-bedrock/core';
import {
  apiKeyDenyStatements,
  applicationProfilesArn,
  regionDenyStatement,
} from './developer-policy';
import { PolicyStatement } from './statements';

export interface AdminPolicyInput {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly project: string;
  readonly bucketPrefix: string;
  readonly allowedRegions?: readonly string[];
}

/** Names of the platform resources the admin policy is scoped to (shared with other packages). */
export function platformNames(project: string, bucketPrefix: string) {
  return {
    /** Log groups of the platform: `/aws/bedrock/{project}-invocations` and siblings. */
    logGroupPattern: `/aws/bedrock/${project}-*`,
    /** Buckets of the platform: invocation logs, CloudTrail, Athena results. */
    bucketPattern: `${bucketPrefix}-*`,
    loggingRoleName: `${project}-bedrock-logging`,
    athenaWorkgroup: `${project}-bedrock-logs`,
    glueDatabase: glueName(`${project}_bedrock_logs`),
    /** Budgets, alarms, topics and trails of the platform are named `{project}-...`. */
    resourcePattern: `${project}-*`,
  };
}

/**
 * The platform administrator's permissions: manage this project's application inference profiles
 * and the invocation logging configuration; read the platform's logs, buckets, Athena workgroup,
 * Glue catalog, budgets, costs, alarms and trails. No `*` action and no service-wide wildcard
 * action is allowed; actions on `*` resources are those IAM cannot scope (List/Describe calls,
 * the account-level logging configuration, Cost Explorer).
 */
export function adminPolicyStatements(p: AdminPolicyInput): PolicyStatement[] {
  const n = platformNames(p.project, p.bucketPrefix);
  const arn = (service: string, resource: string, region = p.region, account = p.accountId) =>
    `arn:${p.partition}:${service}:${region}:${account}:${resource}`;
  const profiles = applicationProfilesArn(p);
  const projectTag = (key: 'RequestTag' | 'ResourceTag') => ({
    test: 'StringEquals',
    variable: `aws:${key}/Project`,
    values: [p.project],
  });

  const statements: PolicyStatement[] = [
    {
      sid: 'ReadBedrockModelsAndProfiles',
      effect: 'Allow',
      actions: [
        'bedrock:GetFoundationModel',
        'bedrock:GetInferenceProfile',
        'bedrock:ListFoundationModels',
        'bedrock:ListInferenceProfiles',
        'bedrock:ListTagsForResource',
      ],
      resources: ['*'],
    },
    {
      sid: 'CreateProjectProfiles',
      effect: 'Allow',
      actions: ['bedrock:CreateInferenceProfile'],
      resources: [
        profiles,
        arn('bedrock', 'inference-profile/*'),
        arn('bedrock', 'foundation-model/*', '*', ''),
      ],
      conditions: [projectTag('RequestTag')],
    },
    {
      sid: 'TagNewProjectProfiles',
      effect: 'Allow',
      actions: ['bedrock:TagResource'],
      resources: [profiles],
      conditions: [
        projectTag('RequestTag'),
        { test: 'Null', variable: 'aws:ResourceTag/Project', values: ['true'] },
      ],
    },
    {
      sid: 'ManageProjectProfiles',
      effect: 'Allow',
      actions: ['bedrock:DeleteInferenceProfile', 'bedrock:TagResource', 'bedrock:UntagResource'],
      resources: [profiles],
      conditions: [
        projectTag('ResourceTag'),
        { test: 'StringEqualsIfExists', variable: 'aws:RequestTag/Project', values: [p.project] },
      ],
    },
    {
      sid: 'KeepProjectTagOnProfiles',
      effect: 'Deny',
      actions: ['bedrock:UntagResource'],
      resources: [profiles],
      conditions: [
        { test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: ['Project'] },
      ],
    },
    {
      sid: 'ManageInvocationLogging',
      effect: 'Allow',
      actions: [
        'bedrock:DeleteModelInvocationLoggingConfiguration',
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
      ],
      resources: ['*'],
    },
    {
      sid: 'PassLoggingRoleToBedrock',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [arn('iam', `role/${n.loggingRoleName}`, '')],
      conditions: [
        {
          test: 'StringEquals',
          variable: 'iam:PassedToService',
          values: ['bedrock.amazonaws.com'],
        },
      ],
    },
    {
      sid: 'ReadPlatformLogGroups',
      effect: 'Allow',
      actions: [
        'logs:DescribeLogStreams',
        'logs:FilterLogEvents',
        'logs:GetLogEvents',
        'logs:GetLogGroupFields',
        'logs:StartQuery',
      ],
      resources: [arn('logs', `log-group:${n.logGroupPattern}`)],
    },
    {
      sid: 'DescribeLogsAndQueryResults',
      effect: 'Allow',
      actions: [
        'logs:DescribeLogGroups',
        'logs:DescribeQueries',
        'logs:DescribeQueryDefinitions',
        'logs:GetQueryResults',
        'logs:StopQuery',
      ],
      resources: ['*'],
    },
    {
      sid: 'ListPlatformBuckets',
      effect: 'Allow',
      actions: [
        's3:GetBucketLocation',
        's3:GetBucketPolicy',
        's3:GetBucketVersioning',
        's3:GetLifecycleConfiguration',
        's3:GetBucketObjectLockConfiguration',
        's3:ListBucket',
        's3:ListBucketVersions',
      ],
      resources: [`arn:${p.partition}:s3:::${n.bucketPattern}`],
    },
    {
      sid: 'ReadPlatformObjects',
      effect: 'Allow',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention'],
      resources: [`arn:${p.partition}:s3:::${n.bucketPattern}/*`],
    },
    {
      sid: 'QueryPlatformWorkgroup',
      effect: 'Allow',
      actions: [
        'athena:BatchGetNamedQuery',
        'athena:BatchGetQueryExecution',
        'athena:GetNamedQuery',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryRuntimeStatistics',
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:ListQueryExecutions',
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
      ],
      resources: [arn('athena', `workgroup/${n.athenaWorkgroup}`)],
    },
    {
      sid: 'ReadPlatformCatalog',
      effect: 'Allow',
      actions: [
        'glue:BatchGetPartition',
        'glue:GetDatabase',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:GetTable',
        'glue:GetTables',
      ],
      resources: [
        arn('glue', 'catalog'),
        arn('glue', `database/${n.glueDatabase}`),
        arn('glue', `table/${n.glueDatabase}/*`),
      ],
    },
    {
      sid: 'ViewPlatformBudgets',
      effect: 'Allow',
      actions: ['budgets:ViewBudget'],
      resources: [arn('budgets', `budget/${n.resourcePattern}`, '')],
    },
    {
      sid: 'ReadPlatformAlarmsTopicsTrails',
      effect: 'Allow',
      actions: [
        'cloudtrail:GetEventSelectors',
        'cloudtrail:GetTrail',
        'cloudtrail:GetTrailStatus',
        'cloudwatch:DescribeAlarmHistory',
        'cloudwatch:DescribeAlarms',
        'sns:GetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
      ],
      resources: [
        arn('cloudtrail', `trail/${n.resourcePattern}`),
        arn('cloudwatch', `alarm:${n.resourcePattern}`),
        arn('sns', n.resourcePattern),
      ],
    },
    {
      sid: 'ReadCostsMetricsAndTrails',
      effect: 'Allow',
      actions: [
        'athena:ListWorkGroups',
        'ce:GetAnomalies',
        'ce:GetCostAndUsage',
        'ce:GetCostForecast',
        'ce:GetTags',
        'cloudtrail:DescribeTrails',
        'cloudtrail:ListTrails',
        'cloudtrail:LookupEvents',
        'cloudwatch:GetMetricData',
        'cloudwatch:ListMetrics',
      ],
      resources: ['*'],
    },
    ...apiKeyDenyStatements(),
  ];
  if (p.allowedRegions) statements.push(regionDenyStatement(p.allowedRegions));
  return statements;
}
