import { EnvironmentConfigInput } from '@claude-code-bedrock/core';
import { synthesized } from '@claude-code-bedrock/testing';
import { TerraformElement, TerraformStack } from 'cdktf';
import { config, synth } from './helpers';

const logicalId = (c: TerraformElement) => TerraformStack.of(c).getLogicalId(c);

/** The developer policy's statement ids as synthesized. */
function developerSids(s: ReturnType<typeof synth>): string[] {
  const doc = s.stack.developerRole.policyDocument;
  const statements = synthesized(s.tf).dataSource('aws_iam_policy_document', logicalId(doc))
    .statement as { sid: string }[];
  return statements.map((st) => st.sid);
}

const prodWith = (tweak: (n: NonNullable<EnvironmentConfigInput['network']>) => void) =>
  config('prod', (raw) => tweak(raw.network!));

describe('the network section in the environment stack', () => {
  it('is absent in dev: no endpoints, no flow logs, null outputs', () => {
    const s = synth(config('dev'));
    expect(s.stack.vpcEndpoints).toBeUndefined();
    expect(s.stack.flowLogs).toBeUndefined();
    expect(synthesized(s.tf).resources('aws_vpc_endpoint')).toEqual({});
    expect(synthesized(s.tf).resources('aws_flow_log')).toEqual({});
    expect(s.tf.output.vpc_endpoints.value).toBeNull();
    expect(s.tf.output.flow_log_id.value).toBeNull();
    expect(developerSids(s)).not.toContain('DenyInvokeOutsideVpcEndpoint');
  });

  it('builds the endpoints, their security group and the flow logs in prod', () => {
    const s = synth(config('prod'));
    const tf = synthesized(s.tf);
    expect(Object.values(tf.resources('aws_vpc_endpoint')).map((e) => e.service_name)).toEqual(
      expect.arrayContaining(
        ['bedrock-runtime', 'bedrock', 'logs'].map((x) => `com.amazonaws.us-east-1.${x}`),
      ),
    );
    expect(Object.keys(tf.resources('aws_vpc_endpoint'))).toHaveLength(3);
    expect(tf.only('aws_vpc_security_group_ingress_rule').cidr_ipv4).toBe('10.0.0.0/8');
    expect(tf.only('aws_flow_log')).toMatchObject({
      vpc_id: 'vpc-0a1b2c3d4e5f60718',
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(
      tf.only('aws_cloudwatch_log_group', (g) => g.name === '/aws/vpc/acme-claude-flow-logs'),
    ).toMatchObject({ retention_in_days: 365 });
  });

  it("lets the admin role through prod's bedrock and logs endpoints, pinned to its ARN", () => {
    const s = synth(config('prod'));
    const docs = synthesized(s.tf).data('aws_iam_policy_document');
    const roleArn = `\${aws_iam_role.${logicalId(s.stack.adminRole.role)}.arn}`;
    const pins = (service: 'bedrock-runtime' | 'bedrock' | 'logs') => {
      const doc = s.stack.vpcEndpoints!.node.findChild(`EndpointPolicy-${service}`);
      const statements = docs[logicalId(doc as TerraformElement)].statement as {
        condition?: { variable: string; values: string[] }[];
      }[];
      return statements.flatMap((st) =>
        (st.condition ?? []).filter((c) => c.variable === 'aws:PrincipalArn').map((c) => c.values),
      );
    };
    expect(pins('bedrock')).toEqual([[roleArn]]);
    expect(pins('logs')).toEqual([[roleArn]]);
    expect(pins('bedrock-runtime')).toEqual([]);
  });

  it('outputs each endpoint by service with its id and DNS names, and the flow log id', () => {
    const s = synth(config('prod'));
    const endpoints = s.stack.vpcEndpoints!.endpoints;
    const address = (service: 'bedrock-runtime' | 'bedrock' | 'logs') =>
      `aws_vpc_endpoint.${logicalId(endpoints[service]!)}`;
    expect(s.tf.output.vpc_endpoints.value).toEqual({
      'bedrock-runtime': {
        id: `\${${address('bedrock-runtime')}.id}`,
        dns_names: `\${${address('bedrock-runtime')}.dns_entry[*].dns_name}`,
      },
      bedrock: {
        id: `\${${address('bedrock')}.id}`,
        dns_names: `\${${address('bedrock')}.dns_entry[*].dns_name}`,
      },
      logs: {
        id: `\${${address('logs')}.id}`,
        dns_names: `\${${address('logs')}.dns_entry[*].dns_name}`,
      },
    });
    expect(s.tf.output.flow_log_id.value).toBe(
      `\${aws_flow_log.${logicalId(s.stack.flowLogs!.flowLog)}.id}`,
    );
  });

  it('denies invocation outside the runtime endpoint when required, as prod does', () => {
    const s = synth(config('prod'));
    expect(developerSids(s)).toContain('DenyInvokeOutsideVpcEndpoint');
    expect(s.json).toContain(
      `\${aws_vpc_endpoint.${logicalId(s.stack.vpcEndpoints!.runtimeEndpoint)}.id}`,
    );
  });

  it('keeps the deny out when not required', () => {
    const s = synth(prodWith((n) => (n.requireVpcEndpoint = false)));
    expect(developerSids(s)).not.toContain('DenyInvokeOutsideVpcEndpoint');
    expect(s.stack.vpcEndpoints).toBeDefined();
  });

  it('builds no flow logs when they are turned off, and outputs a null id', () => {
    const s = synth(prodWith((n) => (n.flowLogs = { enabled: false })));
    expect(s.stack.flowLogs).toBeUndefined();
    expect(synthesized(s.tf).resources('aws_flow_log')).toEqual({});
    expect(s.tf.output.flow_log_id.value).toBeNull();
  });

  it('delivers flow logs to a hardened bucket named after the bucket prefix with s3', () => {
    const s = synth(prodWith((n) => (n.flowLogs = { destination: 's3', retentionDays: 400 })));
    const tf = synthesized(s.tf);
    expect(
      tf.only('aws_s3_bucket', (b) => b.bucket === 'acme-claude-prod-vpc-flow-logs'),
    ).toBeDefined();
    expect(tf.only('aws_flow_log').log_destination_type).toBe('s3');
  });

  it('attaches the given security groups and creates none with securityGroupIds', () => {
    const s = synth(
      prodWith((n) => {
        delete n.allowedCidrs;
        n.securityGroupIds = ['sg-0a1b2c3d4e5f60718'];
      }),
    );
    const tf = synthesized(s.tf);
    expect(tf.resources('aws_security_group')).toEqual({});
    expect(
      tf.only('aws_vpc_endpoint', (e) => String(e.service_name).endsWith('.bedrock-runtime')),
    ).toMatchObject({ security_group_ids: ['sg-0a1b2c3d4e5f60718'] });
  });
});
