import {
  NETWORK_KEYS,
  REQUIRE_VPC_ENDPOINT_KEY,
  evaluateCompliance,
  renderComplianceMarkdown,
} from '../src';
import { fixture } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VPC = 'vpc-0a1b2c3d4e5f60718';
const ENDPOINT = 'network_Endpoint-bedrock-runtime_1A2B3C4D';
const FLOW_LOG = 'network_FlowLogs_Resource_5E6F7A8B';
const FLOW_GROUP = 'network_FlowLogs_LogGroup_9C0D1E2F';
const DEV_DOC = 'developer-role_PolicyDocument_FB54D967';

/** An endpoint policy as BedrockVpcEndpoints writes it: this account's principals, invoke only. */
const ENDPOINT_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'InvokeProjectProfiles',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*'],
      Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
    },
  ],
};

interface NetworkParts {
  readonly policy?: object | null;
  readonly trafficType?: string | null;
  readonly deny?: boolean;
  /** Conditions ANDed to the deny's `StringNotEquals aws:SourceVpce`. */
  readonly denyExtra?: object[];
  readonly privateDns?: boolean;
}

/** The prod fixture plus the network resources of the issue 19 contract. */
function withNetwork(parts: NetworkParts = {}): Json {
  const tf: Json = structuredClone(fixture('prod'));
  const policy = parts.policy === undefined ? ENDPOINT_POLICY : parts.policy;
  tf.resource.aws_vpc_endpoint = {
    [ENDPOINT]: {
      vpc_id: VPC,
      service_name: 'com.amazonaws.us-east-1.bedrock-runtime',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: parts.privateDns ?? true,
      subnet_ids: ['subnet-0a1b2c3d4e5f60718'],
      ...(policy === null ? {} : { policy: JSON.stringify(policy) }),
    },
  };
  if (parts.trafficType !== null) {
    tf.resource.aws_cloudwatch_log_group[FLOW_GROUP] = {
      name: '/aws/vpc/acme-claude-flow-logs',
      retention_in_days: 90,
    };
    tf.resource.aws_flow_log = {
      [FLOW_LOG]: {
        vpc_id: VPC,
        traffic_type: parts.trafficType ?? 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: `\${aws_cloudwatch_log_group.${FLOW_GROUP}.arn}`,
      },
    };
  }
  if (parts.deny) {
    tf.data.aws_iam_policy_document[DEV_DOC].statement.push({
      sid: 'DenyInvokeOutsideVpcEndpoint',
      effect: 'Deny',
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: ['*'],
      condition: [
        {
          test: 'StringNotEquals',
          variable: 'aws:SourceVpce',
          values: [`\${aws_vpc_endpoint.${ENDPOINT}.id}`],
        },
        ...(parts.denyExtra ?? []),
      ],
    });
  }
  return tf;
}

function control(tf: Json, id: string, options = {}) {
  const found = evaluateCompliance(tf, options).controls.find((c) => c.id === id);
  if (!found) throw new Error(id);
  return found;
}

describe('network proof', () => {
  test('no network in the config (dev): NOT CONFIGURED, with the keys to set', () => {
    const network = control(fixture('dev'), 'network-proof');
    expect(network.status).toBe('NOT CONFIGURED');
    expect(network.configKeys).toEqual(NETWORK_KEYS);
    expect(network.configKeys).toEqual(
      expect.arrayContaining(['network.vpcId', 'network.flowLogs.enabled']),
    );
    expect(network.checks[0].notConfigured.join()).toContain('bedrock-runtime');
  });

  test('network in the config but no endpoint in the stack: MISSING', () => {
    const network = control(fixture('prod'), 'network-proof', { network: {} });
    expect(network.status).toBe('MISSING');
    expect(network.checks[0].gaps.join()).toContain('the config has a network section');
  });

  test('endpoint with a scoped policy, ALL flow logs and the endpoint-only deny: PASS, with the addresses that prove it', () => {
    const network = control(withNetwork({ deny: true }), 'network-proof');
    expect(network.status).toBe('PASS');
    expect(network.configKeys).toEqual([]);
    expect(network.addresses).toEqual(
      expect.arrayContaining([
        `aws_vpc_endpoint.${ENDPOINT}`,
        `aws_flow_log.${FLOW_LOG}`,
        `aws_cloudwatch_log_group.${FLOW_GROUP}`,
      ]),
    );
    expect(network.checks[0].evidence.join('\n')).toContain(`records ALL traffic of ${VPC}`);
  });

  test('endpoint and flow logs without the endpoint-only deny: NOT CONFIGURED with network.requireVpcEndpoint (another path is open)', () => {
    const network = control(withNetwork(), 'network-proof');
    expect(network.status).toBe('NOT CONFIGURED');
    expect(network.configKeys).toEqual([REQUIRE_VPC_ENDPOINT_KEY]);
    expect(REQUIRE_VPC_ENDPOINT_KEY).toBe('network.requireVpcEndpoint');
    const [check] = network.checks;
    expect(check.caveats).toEqual([]);
    expect(check.notConfigured.join('\n')).toMatch(
      /no endpoint-only deny on developer role aws_iam_role\.developer-role_79A28402.*may still go to Bedrock's public endpoint.*network\.requireVpcEndpoint/,
    );
  });

  test('a deny narrowed by another condition (IAM ANDs them) is not the endpoint-only deny: MISSING through CCB-IAM-3', () => {
    const region = { test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['eu-west-1'] };
    const network = control(withNetwork({ deny: true, denyExtra: [region] }), 'network-proof');
    expect(network.status).toBe('MISSING');
    expect(network.checks[0].evidence.join('\n')).not.toContain('denies invoke unless');
    expect(network.checks[0].gaps.join('\n')).toMatch(
      /\[CCB-IAM-3\].*only when also StringEquals aws:RequestedRegion eu-west-1/,
    );
  });

  test('with the deny in the developer policy: evidence, no caveat', () => {
    const network = control(withNetwork({ deny: true }), 'network-proof', {
      network: { requireVpcEndpoint: true },
    });
    expect(network.status).toBe('PASS');
    expect(network.checks[0].caveats).toEqual([]);
    expect(network.checks[0].evidence.join('\n')).toContain(
      'developer role aws_iam_role.developer-role_79A28402: denies invoke unless aws:SourceVpce',
    );
  });

  test('requireVpcEndpoint without the deny: MISSING through CCB-IAM-3', () => {
    const network = control(withNetwork(), 'network-proof', {
      network: { requireVpcEndpoint: true },
    });
    expect(network.status).toBe('MISSING');
    expect(network.checks[0].gaps.some((g) => g.startsWith('[CCB-IAM-3]'))).toBe(true);
  });

  test('no flow log: MISSING through CCB-VPC-2, with network.flowLogs.enabled', () => {
    const network = control(withNetwork({ trafficType: null, deny: true }), 'network-proof');
    expect(network.status).toBe('MISSING');
    expect(network.checks[0].gaps.some((g) => g.startsWith('[CCB-VPC-2]'))).toBe(true);
    expect(network.configKeys).toEqual(['network.flowLogs.enabled']);
  });

  test('an endpoint without a policy (AWS full-access default): MISSING through CCB-VPC-1', () => {
    const network = control(withNetwork({ policy: null }), 'network-proof');
    expect(network.status).toBe('MISSING');
    expect(network.checks[0].gaps.join('\n')).toMatch(/\[CCB-VPC-1\].*any principal, any action/);
  });

  test('private DNS off: a caveat naming network.privateDns', () => {
    const [check] = control(withNetwork({ privateDns: false, deny: true }), 'network-proof').checks;
    expect(check.status).toBe('PASS');
    expect(check.caveats.join('\n')).toContain('network.privateDns');
  });
});

describe('deletion and Object Lock', () => {
  function lockMode(tf: Json, mode: string): Json {
    for (const lock of Object.values(tf.resource.aws_s3_bucket_object_lock_configuration as Json)) {
      (lock as Json).rule.default_retention.mode = mode;
    }
    return tf;
  }

  test('COMPLIANCE mode: CONFLICT, naming the retention that blocks erasure and the way out', () => {
    const deletion = control(lockMode(withNetwork(), 'COMPLIANCE'), 'deletion');
    expect(deletion.status).toBe('CONFLICT');
    const [conflict] = deletion.checks[0].conflicts;
    expect(conflict).toContain(
      'aws_s3_bucket_object_lock_configuration.logging_InvocationLogBucket_ObjectLock_25516C1A (bucket aws_s3_bucket.logging_InvocationLogBucket_F63BA1C9)',
    );
    expect(conflict).toContain('default retention of 2555 days (logging.objectLock.days)');
    expect(conflict).toContain('erasure request');
    expect(conflict).toContain(
      'GOVERNANCE with s3:BypassGovernanceRetention granted to a break-glass role',
    );
    expect(deletion.checks[0].conflicts).toHaveLength(2); // invocation-log and trail buckets
    expect(deletion.configKeys).toEqual(['logging.objectLock.mode', 'logging.objectLock.days']);
  });

  test('a retention in years is reported in years', () => {
    const tf = lockMode(fixture('prod') as Json, 'COMPLIANCE');
    for (const lock of Object.values(tf.resource.aws_s3_bucket_object_lock_configuration as Json)) {
      (lock as Json).rule.default_retention = { mode: 'COMPLIANCE', years: 7 };
    }
    expect(control(tf, 'deletion').checks[0].conflicts[0]).toContain('7 years');
  });

  test('a CONFLICT is worse than NOT CONFIGURED and counted in the summary', () => {
    const report = evaluateCompliance(lockMode(structuredClone(fixture('prod')), 'COMPLIANCE'));
    expect(report.summary.CONFLICT).toBe(1);
    expect(report.summary.MISSING).toBe(0);
  });

  test('GOVERNANCE mode (prod): PASS, naming who may bypass (nobody in this stack)', () => {
    const deletion = control(fixture('prod'), 'deletion');
    expect(deletion.status).toBe('PASS');
    expect(deletion.checks[0].evidence.join('\n')).toContain(
      'Object Lock GOVERNANCE mode for 2555 days: a version can be erased earlier by a principal allowed s3:BypassGovernanceRetention',
    );
    expect(deletion.checks[0].evidence.join('\n')).toContain(
      'none (grant it to a break-glass role',
    );
  });

  test('GOVERNANCE mode with a role allowed s3:*: that role is named', () => {
    const tf: Json = structuredClone(fixture('prod'));
    tf.data.aws_iam_policy_document['admin-role_PolicyDocument_9272BDE8'].statement.push({
      sid: 'BreakGlass',
      effect: 'Allow',
      actions: ['s3:*'],
      resources: ['*'],
    });
    expect(control(tf, 'deletion').checks[0].evidence.join('\n')).toContain(
      'roles of this stack allowed it: aws_iam_role.admin-role_F78B7FDC',
    );
  });
});

describe('session purge', () => {
  test('prod: invocation bodies expire and local transcripts are cleaned up', () => {
    const purge = control(fixture('prod'), 'session-purge');
    expect(purge.status).toBe('PASS');
    expect(purge.checks.map((c) => c.id)).toEqual(['invocation-purge', 'session-cleanup']);
    expect(purge.checks[0].evidence.join('\n')).toContain(
      'prompts and completions expire 2557 days after they are written, replaced or deleted versions 30 days later',
    );
    expect(purge.checks[1].caveats.join('\n')).toContain('outside it');
  });

  test('invocation-log bucket without noncurrent expiry: MISSING', () => {
    const tf: Json = structuredClone(fixture('prod'));
    const lifecycle =
      tf.resource.aws_s3_bucket_lifecycle_configuration
        .logging_InvocationLogBucket_Lifecycle_BF5B8A39;
    lifecycle.rule = lifecycle.rule.filter((r: Json) => !r.noncurrent_version_expiration);
    const purge = control(tf, 'session-purge');
    expect(purge.status).toBe('MISSING');
    expect(purge.checks[0].gaps.join()).toContain(
      'no enabled lifecycle rule expires noncurrent versions',
    );
  });

  test('a finding on another bucket does not count against invocation purge', () => {
    const tf: Json = structuredClone(fixture('prod'));
    delete tf.resource.aws_s3_bucket_lifecycle_configuration
      .attribution_ResultsBucket_Lifecycle_BD940FFA;
    expect(control(tf, 'session-purge').checks[0].status).toBe('PASS');
    expect(control(tf, 'deletion').status).toBe('MISSING');
  });
});

describe('the Markdown report', () => {
  test('names the config and its hash, and shows keys and conflicts', () => {
    const tf = withNetwork({ trafficType: null, deny: true });
    for (const lock of Object.values(tf.resource.aws_s3_bucket_object_lock_configuration as Json)) {
      (lock as Json).rule.default_retention.mode = 'COMPLIANCE';
    }
    const md = renderComplianceMarkdown(evaluateCompliance(tf), {
      source: 'apps/prod',
      config: { file: 'apps/prod/config.yaml', sha256: 'ab'.repeat(32) },
    });
    expect(md).toContain(
      `Synthesized for this report from \`apps/prod/config.yaml\` (SHA-256 \`${'ab'.repeat(32)}\`).`,
    );
    expect(md).toContain(
      '| [Network proof](#network-proof) | Can we prove no data left our network? | **MISSING** | [Private network path](#private-network-path): MISSING | `network.flowLogs.enabled` |',
    );
    expect(md).toContain("| [Deletion](#deletion) | Can we delete a user's data? | **CONFLICT** |");
    expect(md).toContain('Conflict:');
  });
});
