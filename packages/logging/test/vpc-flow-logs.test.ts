import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Synthesized, synthesized } from '@claude-code-bedrock/testing';
import { TerraformElement, TerraformStack, Testing } from 'cdktf';
// Types of cdktf's jest matchers (registered at runtime by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { VpcFlowLogs, VpcFlowLogsProps } from '../src';
import { CONTEXT, Statement } from './helpers';

const VPC = 'vpc-0a1b2c3d4e5f60718';

function synth(props: Partial<VpcFlowLogsProps> = {}) {
  let flowLogs: VpcFlowLogs | undefined;
  const json = Testing.synthScope((scope) => {
    flowLogs = new VpcFlowLogs(scope, 'flow-logs', { context: CONTEXT, vpcId: VPC, ...props });
  });
  return { json, tf: synthesized(json), flowLogs: flowLogs! };
}

const logicalId = (c: TerraformElement) => TerraformStack.of(c).getLogicalId(c);

function statementsOf(tf: Synthesized, reference: unknown): Statement[] {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))![1];
  return tf.dataSource('aws_iam_policy_document', name).statement as Statement[];
}

describe('VpcFlowLogs to CloudWatch Logs (the default)', () => {
  test('records all traffic of the VPC into its own log group, kept 90 days', () => {
    const { json, tf, flowLogs } = synth();
    expect(json).toHaveResourceWithProperties(FlowLog, {
      vpc_id: VPC,
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: `\${aws_cloudwatch_log_group.${logicalId(flowLogs.logGroup!)}.arn}`,
      iam_role_arn: `\${aws_iam_role.${logicalId(flowLogs.role!)}.arn}`,
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/vpc/acme-flow-logs',
      retention_in_days: 90,
    });
    expect(json).not.toHaveResource(S3Bucket);
    expect(flowLogs.node.findChild('Resource')).toBe(flowLogs.flowLog);
    expect(tf.only('aws_flow_log').depends_on).toHaveLength(1);
  });

  test('trusts only the flow-logs service of this account', () => {
    const { tf } = synth();
    const [trust] = statementsOf(tf, tf.only('aws_iam_role').assume_role_policy);
    expect(trust.principals).toEqual([
      { type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] },
    ]);
    expect(trust.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] },
      {
        test: 'ArnLike',
        variable: 'aws:SourceArn',
        values: ['arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*'],
      },
    ]);
  });

  test('lets the role write to its log group only', () => {
    const { tf, flowLogs } = synth();
    const statements = statementsOf(tf, tf.only('aws_iam_role_policy').policy);
    const arn = `\${aws_cloudwatch_log_group.${logicalId(flowLogs.logGroup!)}.arn}`;
    expect(statements).toHaveLength(1);
    expect(statements[0].resources).toEqual([arn, `${arn}:*`]);
    expect(statements[0].actions).not.toContainEqual(expect.stringMatching(/\*/));
  });

  test('keeps logs for a CloudWatch retention period', () => {
    expect(
      synth({ retentionDays: 365 }).tf.only('aws_cloudwatch_log_group').retention_in_days,
    ).toBe(365);
  });
});

describe('VpcFlowLogs to S3', () => {
  test('delivers into a hardened bucket whose objects expire after retentionDays', () => {
    const { json, tf, flowLogs } = synth({
      destination: 's3',
      retentionDays: 45,
      bucketPrefix: 'acme-prod',
    });
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-prod-vpc-flow-logs' });
    expect(json).toHaveResourceWithProperties(FlowLog, {
      vpc_id: VPC,
      traffic_type: 'ALL',
      log_destination_type: 's3',
      log_destination: `\${aws_s3_bucket.${logicalId(flowLogs.bucket!.bucket)}.arn}`,
    });
    expect(tf.only('aws_flow_log').iam_role_arn).toBeUndefined();
    expect(json).not.toHaveResource(CloudwatchLogGroup);
    const lifecycle = tf.only('aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.rule).toContainEqual(
      expect.objectContaining({ id: 'expire-current-versions', expiration: [{ days: 45 }] }),
    );
  });

  test('lets only the log-delivery service of this account write, under AWSLogs/<account>/', () => {
    const { tf } = synth({ destination: 's3', bucketPrefix: 'acme-prod' });
    const statements = statementsOf(tf, tf.only('aws_s3_bucket_policy').policy);
    const write = statements.find((s) => s.sid === 'AllowFlowLogDelivery')!;
    expect(write.principals).toEqual([
      { type: 'Service', identifiers: ['delivery.logs.amazonaws.com'] },
    ]);
    expect(write.resources).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\/AWSLogs\/123456789012\/\*$/),
    ]);
    expect(write.condition).toContainEqual({
      test: 'StringEquals',
      variable: 'aws:SourceAccount',
      values: ['123456789012'],
    });
    expect(statements.map((s) => s.sid)).toContain('DenyInsecureTransport');
  });
});

describe('VpcFlowLogs validation', () => {
  test('reports every problem at once', () => {
    expect(() =>
      synth({ vpcId: 'vpc-nope', destination: 's3', retentionDays: 0, bucketPrefix: undefined }),
    ).toThrow(
      new RegExp(
        [
          "VpcFlowLogs 'stack/flow-logs' has 3 problems:",
          '  - vpcId: must be a VPC id.*\\(got "vpc-nope"\\)',
          '  - retentionDays: must be at least 1 day \\(got 0\\)',
          '  - bucketPrefix: is required with destination s3.*\\(got \\(missing\\)\\)',
        ].join('\n'),
      ),
    );
  });

  test("refuses a CloudWatch retention that CloudWatch Logs doesn't offer, as the config does", () => {
    expect(() => synth({ retentionDays: 45 })).toThrow(
      /retentionDays: must be one of CloudWatch Logs' retention periods: .*\(destination cloudwatch; s3 takes any number of days\) \(got 45\)/,
    );
  });
});
