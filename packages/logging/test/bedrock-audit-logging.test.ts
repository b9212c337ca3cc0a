import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Testing } from 'cdktf';
import { BedrockAuditLogging } from '../src';
import {
  allStatements,
  BASE_PROPS,
  bucketId,
  bucketPolicyStatements,
  bySid,
  conditionsOf,
  CONTEXT,
  documentStatements,
  LOG_BUCKET,
  manifest,
  one,
  resourcesOf,
  roleByName,
  rolePolicies,
  Statement,
  TRAIL_ARN,
  TRAIL_BUCKET,
  trustStatements,
} from './helpers';

const m = manifest();
const logGroupId = Object.entries(m.resource!.aws_cloudwatch_log_group).find(
  ([, g]) => g.name === '/aws/bedrock/acme-invocations',
)![0];
const logBucketId = bucketId(m, LOG_BUCKET);
const BEDROCK_CONDITIONS = {
  'StringEquals aws:SourceAccount': ['123456789012'],
  'ArnLike aws:SourceArn': ['arn:aws:bedrock:us-east-1:123456789012:*'],
};

describe('invocation log group', () => {
  test('is named after the project with 30 days retention by default', () => {
    expect(m.resource!.aws_cloudwatch_log_group[logGroupId]).toEqual({
      name: '/aws/bedrock/acme-invocations',
      retention_in_days: 30,
    });
  });

  test('uses logRetentionDays', () => {
    const g = manifest({ logRetentionDays: 731 });
    expect(
      one(g, 'aws_cloudwatch_log_group', (x) => x.name === '/aws/bedrock/acme-invocations')
        .retention_in_days,
    ).toBe(731);
  });
});

describe('invocation-log bucket policy', () => {
  test('allows only bedrock.amazonaws.com to put objects under the log prefixes', () => {
    const allow = bySid(bucketPolicyStatements(m, LOG_BUCKET), 'AllowBedrockInvocationLogDelivery');
    expect(allow).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [
        `\${aws_s3_bucket.${logBucketId}.arn}/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/*`,
        `\${aws_s3_bucket.${logBucketId}.arn}/bedrock/data/*`,
      ],
    });
  });

  test('scopes the Bedrock grant to this account and region (confused deputy)', () => {
    const allow = bySid(bucketPolicyStatements(m, LOG_BUCKET), 'AllowBedrockInvocationLogDelivery');
    expect(conditionsOf(allow)).toEqual(BEDROCK_CONDITIONS);
  });

  test('has exactly the TLS deny and the Bedrock grant', () => {
    expect(bucketPolicyStatements(m, LOG_BUCKET).map((s) => s.sid)).toEqual([
      'DenyInsecureTransport',
      'AllowBedrockInvocationLogDelivery',
    ]);
  });

  test('follows a custom s3KeyPrefix', () => {
    const c = manifest({ s3KeyPrefix: 'audit/bedrock' });
    const allow = bySid(bucketPolicyStatements(c, LOG_BUCKET), 'AllowBedrockInvocationLogDelivery');
    const id = bucketId(c, LOG_BUCKET);
    expect(allow.resources).toEqual([
      `\${aws_s3_bucket.${id}.arn}/audit/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/*`,
      `\${aws_s3_bucket.${id}.arn}/audit/bedrock/data/*`,
    ]);
  });

  test('uses the partition of the region in the source ARN', () => {
    const gov = manifest({ context: { ...CONTEXT, region: 'us-gov-west-1' } });
    const allow = bySid(
      bucketPolicyStatements(gov, LOG_BUCKET),
      'AllowBedrockInvocationLogDelivery',
    );
    expect(conditionsOf(allow)['ArnLike aws:SourceArn']).toEqual([
      'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:*',
    ]);
  });
});

describe('no policy grants s3:* (or *) to everyone', () => {
  const isPublicWildcardAllow = (s: Statement) =>
    s.effect !== 'Deny' &&
    (s.actions ?? []).some((a) => a === '*' || a === 's3:*') &&
    (s.principals ?? []).some((p) => p.identifiers.includes('*'));
  const isAnyAllowToEveryone = (s: Statement) =>
    s.effect !== 'Deny' && (s.principals ?? []).some((p) => p.identifiers.includes('*'));

  test.each([
    ['defaults', {}],
    [
      'every option on',
      {
        objectLock: { mode: 'COMPLIANCE' as const, days: 30 },
        cloudtrail: { cloudWatchLogs: true },
        delivery: { image: true, embedding: true, video: true },
      },
    ],
  ])('%s', (_label, props) => {
    const all = allStatements(
      manifest(props, (scope, logging) =>
        logging.grantRead(new IamRole(scope, 'reader', { name: 'reader', assumeRolePolicy: '{}' })),
      ),
    );
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter(isPublicWildcardAllow)).toEqual([]);
    expect(all.filter(isAnyAllowToEveryone)).toEqual([]);
  });

  test('the only s3:* statements are TLS denies', () => {
    const wildcard = allStatements(m).filter((s) => (s.actions ?? []).includes('s3:*'));
    expect(wildcard.map((s) => [s.sid, s.effect])).toEqual([
      ['DenyInsecureTransport', 'Deny'],
      ['DenyInsecureTransport', 'Deny'],
    ]);
  });
});

describe('logging role', () => {
  test('is named {project}-bedrock-logging', () => {
    expect(roleByName(m, 'acme-bedrock-logging').role.name).toBe('acme-bedrock-logging');
  });

  test('is trusted only by bedrock.amazonaws.com with confused-deputy conditions', () => {
    const trust = trustStatements(m, 'acme-bedrock-logging');
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
      actions: ['sts:AssumeRole'],
    });
    expect(conditionsOf(trust[0])).toEqual(BEDROCK_CONDITIONS);
  });

  test('may only create streams and put events in the invocation log group', () => {
    const policies = rolePolicies(m, 'acme-bedrock-logging');
    expect(policies).toHaveLength(1);
    expect(documentStatements(m, policies[0].policy)).toEqual([
      {
        sid: 'WriteInvocationLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`\${aws_cloudwatch_log_group.${logGroupId}.arn}:log-stream:*`],
      },
    ]);
  });
});

describe('invocation logging configuration', () => {
  const config = () => one(m, 'aws_bedrock_model_invocation_logging_configuration');

  test('delivers text only by default', () => {
    expect(config().logging_config).toMatchObject({
      text_data_delivery_enabled: true,
      image_data_delivery_enabled: false,
      embedding_data_delivery_enabled: false,
      video_data_delivery_enabled: false,
    });
  });

  test('writes to the log group through the logging role', () => {
    const { id: roleId } = roleByName(m, 'acme-bedrock-logging');
    expect(config().logging_config.cloudwatch_config).toMatchObject({
      log_group_name: `\${aws_cloudwatch_log_group.${logGroupId}.name}`,
      role_arn: `\${aws_iam_role.${roleId}.arn}`,
    });
  });

  test('writes records to the bucket under the key prefix', () => {
    expect(config().logging_config.s3_config).toEqual({
      bucket_name: `\${aws_s3_bucket.${logBucketId}.bucket}`,
      key_prefix: 'bedrock',
    });
  });

  test('sends large bodies to the bucket under {prefix}/data', () => {
    expect(config().logging_config.cloudwatch_config.large_data_delivery_s3_config).toEqual({
      bucket_name: `\${aws_s3_bucket.${logBucketId}.bucket}`,
      key_prefix: 'bedrock/data',
    });
  });

  test('waits for the bucket policy and the role policy', () => {
    expect(config().depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_policy\.logs_InvocationLogBucket_Policy/),
      expect.stringMatching(/^aws_iam_role_policy\.logs_LoggingRolePolicy/),
    ]);
  });

  test('enables other modalities on request', () => {
    const c = manifest({ delivery: { image: true, video: true } });
    expect(
      one(c, 'aws_bedrock_model_invocation_logging_configuration').logging_config,
    ).toMatchObject({
      text_data_delivery_enabled: true,
      image_data_delivery_enabled: true,
      embedding_data_delivery_enabled: false,
      video_data_delivery_enabled: true,
    });
  });

  test('is not created when manageInvocationLogging is false', () => {
    let logging: BedrockAuditLogging | undefined;
    const c = manifest({ manageInvocationLogging: false }, (_s, l) => (logging = l));
    expect(resourcesOf(c, 'aws_bedrock_model_invocation_logging_configuration')).toHaveLength(0);
    expect(logging!.loggingConfiguration).toBeUndefined();
    // The destinations still exist, so references from other packages keep working.
    expect(resourcesOf(c, 'aws_cloudwatch_log_group')).toHaveLength(1);
    expect(one(c, 'aws_s3_bucket', (b) => b.bucket === LOG_BUCKET)).toBeDefined();
  });
});

describe('CloudTrail', () => {
  const trail = () => one(m, 'aws_cloudtrail');

  test('logs management events from every region with log file validation', () => {
    expect(trail()).toMatchObject({
      name: 'acme-bedrock-trail',
      enable_logging: true,
      enable_log_file_validation: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
      event_selector: [{ include_management_events: true, read_write_type: 'All' }],
    });
  });

  test('writes to its own bucket once the bucket policy exists', () => {
    const id = bucketId(m, TRAIL_BUCKET);
    expect(trail().s3_bucket_name).toBe(`\${aws_s3_bucket.${id}.bucket}`);
    expect(trail().depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_policy\.logs_AuditTrail_Bucket_Policy/),
    ]);
  });

  test('the trail ARN in the bucket policy matches the trail name, account and region', () => {
    const statements = bucketPolicyStatements(m, TRAIL_BUCKET);
    for (const sid of ['AWSCloudTrailAclCheck', 'AWSCloudTrailWrite']) {
      expect(conditionsOf(bySid(statements, sid))['StringEquals aws:SourceArn']).toEqual([
        TRAIL_ARN,
      ]);
    }
    expect(TRAIL_ARN.endsWith(`:trail/${trail().name}`)).toBe(true);
  });

  test('bucket policy lets CloudTrail read the bucket ACL', () => {
    const acl = bySid(bucketPolicyStatements(m, TRAIL_BUCKET), 'AWSCloudTrailAclCheck');
    expect(acl).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
      actions: ['s3:GetBucketAcl'],
      resources: [`\${aws_s3_bucket.${bucketId(m, TRAIL_BUCKET)}.arn}`],
    });
  });

  test('bucket policy lets CloudTrail write owner-controlled objects under AWSLogs/{account}', () => {
    const write = bySid(bucketPolicyStatements(m, TRAIL_BUCKET), 'AWSCloudTrailWrite');
    expect(write).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [`\${aws_s3_bucket.${bucketId(m, TRAIL_BUCKET)}.arn}/AWSLogs/123456789012/*`],
    });
    expect(conditionsOf(write)).toEqual({
      'StringEquals s3:x-amz-acl': ['bucket-owner-full-control'],
      'StringEquals aws:SourceArn': [TRAIL_ARN],
    });
  });

  test('can be single-region', () => {
    const c = manifest({ cloudtrail: { multiRegion: false } });
    expect(one(c, 'aws_cloudtrail').is_multi_region_trail).toBe(false);
  });

  test('does not deliver to CloudWatch Logs by default', () => {
    expect(trail().cloud_watch_logs_group_arn).toBeUndefined();
    expect(resourcesOf(m, 'aws_iam_role').map((r) => r.name)).toEqual(['acme-bedrock-logging']);
  });

  test('delivers to its own log group through its own role when cloudWatchLogs is on', () => {
    const c = manifest({ cloudtrail: { cloudWatchLogs: true }, logRetentionDays: 90 });
    const [id, group] = Object.entries(c.resource!.aws_cloudwatch_log_group).find(
      ([, g]) => g.name === '/aws/cloudtrail/acme-bedrock-trail',
    )!;
    expect(group.retention_in_days).toBe(90);
    const role = roleByName(c, 'acme-bedrock-trail-cloudwatch');
    expect(one(c, 'aws_cloudtrail')).toMatchObject({
      cloud_watch_logs_group_arn: `\${aws_cloudwatch_log_group.${id}.arn}:*`,
      cloud_watch_logs_role_arn: `\${aws_iam_role.${role.id}.arn}`,
    });
    const trust = trustStatements(c, 'acme-bedrock-trail-cloudwatch');
    expect(trust[0].principals).toEqual([
      { type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] },
    ]);
    expect(conditionsOf(trust[0])['StringEquals aws:SourceArn']).toEqual([TRAIL_ARN]);
    const [policy] = rolePolicies(c, 'acme-bedrock-trail-cloudwatch');
    expect(documentStatements(c, policy.policy)).toEqual([
      expect.objectContaining({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`\${aws_cloudwatch_log_group.${id}.arn}:log-stream:*`],
      }),
    ]);
  });

  test('creates neither trail nor trail bucket when disabled', () => {
    let logging: BedrockAuditLogging | undefined;
    const c = manifest({ cloudtrail: { enabled: false } }, (_s, l) => (logging = l));
    expect(resourcesOf(c, 'aws_cloudtrail')).toHaveLength(0);
    expect(resourcesOf(c, 'aws_s3_bucket').map((b) => b.bucket)).toEqual([LOG_BUCKET]);
    expect(logging!.trail).toBeUndefined();
    expect(logging!.trailBucket).toBeUndefined();
  });
});

describe('query definitions', () => {
  test('five saved queries run against the invocation log group', () => {
    const defs = resourcesOf(m, 'aws_cloudwatch_query_definition');
    expect(defs.map((d) => d.name).sort()).toEqual([
      'acme/bedrock/errors',
      'acme/bedrock/hourly-token-totals',
      'acme/bedrock/model-breakdown',
      'acme/bedrock/top-consumers-7-days',
      'acme/bedrock/usage-by-caller-per-day',
    ]);
    for (const d of defs) {
      expect(d.log_group_names).toEqual([`\${aws_cloudwatch_log_group.${logGroupId}.name}`]);
    }
  });
});

describe('grantRead', () => {
  test('adds an inline policy reading the bucket objects and the log group', () => {
    const c = manifest({}, (scope, logging) =>
      logging.grantRead(new IamRole(scope, 'analyst', { name: 'analyst', assumeRolePolicy: '{}' })),
    );
    const [policy] = rolePolicies(c, 'analyst');
    expect(policy.name).toBe('acme-bedrock-logs-read');
    const statements = documentStatements(c, policy.policy);
    const bucketArn = `\${aws_s3_bucket.${bucketId(c, LOG_BUCKET)}.arn}`;
    const groupArn = `\${aws_cloudwatch_log_group.${logGroupId}.arn}`;
    expect(bySid(statements, 'ListInvocationLogBucket')).toMatchObject({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [bucketArn],
    });
    expect(bySid(statements, 'ReadInvocationLogObjects')).toMatchObject({
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [`${bucketArn}/*`],
    });
    expect(bySid(statements, 'ReadInvocationLogGroup')).toMatchObject({
      actions: expect.arrayContaining(['logs:StartQuery', 'logs:FilterLogEvents']),
      resources: [groupArn, `${groupArn}:*`],
    });
    const writes = statements
      .flatMap((s) => s.actions ?? [])
      .filter((a) => /Put|Delete|Create/.test(a));
    expect(writes).toEqual([]);
  });

  test('gives each role its own policy', () => {
    const c = manifest({}, (scope, logging) => {
      for (const name of ['a', 'b']) {
        logging.grantRead(new IamRole(scope, name, { name, assumeRolePolicy: '{}' }));
      }
    });
    expect(rolePolicies(c, 'a')).toHaveLength(1);
    expect(rolePolicies(c, 'b')).toHaveLength(1);
  });
});

describe('public fields', () => {
  test('expose the prefixes and the resources', () => {
    let logging: BedrockAuditLogging | undefined;
    Testing.synthScope((scope) => {
      logging = new BedrockAuditLogging(scope, 'logs', BASE_PROPS);
    });
    expect(logging!.s3KeyPrefix).toBe('bedrock');
    expect(logging!.logObjectPrefix).toBe(
      'bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/',
    );
    expect(logging!.largeDataKeyPrefix).toBe('bedrock/data');
    expect(Object.keys(logging!.queryDefinitions).sort()).toEqual([
      'errors',
      'hourlyTokenTotals',
      'modelBreakdown',
      'topConsumers',
      'usageByCallerDaily',
    ]);
    expect(logging!.loggingConfiguration).toBeDefined();
    expect(logging!.trail).toBeDefined();
    expect(logging!.trailBucket).toBeDefined();
    expect(logging!.loggingRole).toBeDefined();
  });
});
