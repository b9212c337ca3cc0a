import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import {
  canonicalCidr,
  ConfigError,
  EnvironmentConfigInput,
  NetworkSchema,
  validateConfig,
} from '../src';

const devYaml = readFileSync(join(__dirname, '../../../apps/dev/config.yaml'), 'utf8');

/** The dev config (IAM principals, no network) with a network section. */
function withNetwork(network: unknown): EnvironmentConfigInput {
  const c = parse(devYaml) as EnvironmentConfigInput & Record<string, unknown>;
  c.network = network as EnvironmentConfigInput['network'];
  return c;
}

const valid = () => ({
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-1a1b2c3d4e5f60718'],
  allowedCidrs: ['10.0.0.0/8'],
});

function problems(input: unknown): string[] {
  try {
    validateConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message} (got ${p.value})`);
  }
  throw new Error('expected the config to be rejected');
}

const networkProblems = (network: unknown) =>
  problems(withNetwork(network)).filter((p) => p.startsWith('network'));

describe('the network section', () => {
  it('is optional: without it there is no network', () => {
    expect(validateConfig(withNetwork(undefined)).network).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    const { network } = validateConfig(withNetwork(valid()));
    expect(network).toEqual({
      ...valid(),
      privateDns: true,
      requireVpcEndpoint: false,
      endpoints: [],
      flowLogs: { enabled: true, destination: 'cloudwatch', retentionDays: 90 },
    });
  });

  it('accepts the contract example: security groups, every extra endpoint, 8-digit ids', () => {
    const { network } = validateConfig(
      withNetwork({
        vpcId: 'vpc-0a1b2c3d',
        subnetIds: ['subnet-0a1b2c3d'],
        securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
        privateDns: false,
        requireVpcEndpoint: true,
        endpoints: ['bedrock', 'sts', 'logs'],
        flowLogs: { destination: 's3', retentionDays: 400 },
      }),
    );
    expect(network?.endpoints).toEqual(['bedrock', 'sts', 'logs']);
    expect(network?.flowLogs).toEqual({ enabled: true, destination: 's3', retentionDays: 400 });
  });

  it('reports every network problem at once, with the rest of the config', () => {
    const c = withNetwork({
      vpcId: 'vpc-XYZ',
      subnetIds: ['subnet-0a1b2c3d', 'subnet-0a1b2c3d', 'subnet-1'],
      securityGroupIds: ['sg-0a1b2c3d'],
      allowedCidrs: ['0.0.0.0/0', '10.1.2.3/8', '10.0.0.0/33', '::/0'],
      endpoints: ['bedrock-runtime', 'bedrock', 'bedrock', 's3'],
      flowLogs: { destination: 'kinesis', retentionDays: 0 },
      colour: 'blue',
    });
    c.region = 'mars-1';
    const found = problems(c);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^region: /)]));
    expect(found.filter((p) => p.startsWith('network'))).toEqual([
      'network.vpcId: must be a VPC id: vpc- and 8 or 17 lowercase hex digits (vpc-0a1b2c3d4e5f60718) (got "vpc-XYZ")',
      'network.subnetIds[2]: must be a subnet id: subnet- and 8 or 17 lowercase hex digits (subnet-0a1b2c3d4e5f60718) (got "subnet-1")',
      'network.subnetIds[1]: is repeated (got "subnet-0a1b2c3d")',
      'network.allowedCidrs[0]: must not be 0.0.0.0/0 or ::/0: an endpoint open to the whole internet defeats the point of a private endpoint; list your corporate ranges (got "0.0.0.0/0")',
      'network.allowedCidrs[1]: has host bits set: did you mean 10.0.0.0/8? (got "10.1.2.3/8")',
      'network.allowedCidrs[2]: must be an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32 (got "10.0.0.0/33")',
      'network.allowedCidrs[3]: must not be 0.0.0.0/0 or ::/0: an endpoint open to the whole internet defeats the point of a private endpoint; list your corporate ranges (got "::/0")',
      'network.endpoints[0]: is always created: list only the extra endpoints (bedrock, sts, logs) (got "bedrock-runtime")',
      'network.endpoints[3]: must be one of bedrock, sts, logs (bedrock-runtime is always created) (got "s3")',
      'network.endpoints[2]: is repeated (got "bedrock")',
      'network.flowLogs.destination: must be cloudwatch or s3 (got "kinesis")',
      'network.flowLogs.retentionDays: must be at least 1 day (got 0)',
      'network.colour: is not a known setting (check the spelling; see the configuration reference, docs/configuration.md) (got "blue")',
      'network.allowedCidrs: cannot be combined with securityGroupIds: give the security groups to attach, or the CIDR blocks a security group created by the kit allows, not both (got ["0.0.0.0/0","10.1.2.3/8","10.0.0.0/33","::/0"])',
    ]);
  });

  it('needs a security group: its own or one from allowedCidrs', () => {
    expect(networkProblems({ vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-0a1b2c3d'] })).toEqual([
      'network.securityGroupIds: is required unless allowedCidrs is set: the endpoints need a security group (yours, or one allowing HTTPS from allowedCidrs only) (got (missing))',
    ]);
  });

  it('needs at least one subnet and no empty lists', () => {
    expect(networkProblems({ ...valid(), subnetIds: [], allowedCidrs: [] })).toEqual([
      'network.subnetIds: must list at least one subnet (got [])',
      'network.allowedCidrs: must list at least one CIDR block (got [])',
    ]);
  });

  it('keeps CloudWatch flow logs to a CloudWatch retention period, S3 ones to any days', () => {
    expect(networkProblems({ ...valid(), flowLogs: { retentionDays: 45 } })).toEqual([
      expect.stringMatching(
        /^network\.flowLogs\.retentionDays: must be one of CloudWatch Logs' retention periods: 1, 3, .* \(destination cloudwatch; s3 takes any number of days\) \(got 45\)$/,
      ),
    ]);
    const s3 = withNetwork({ ...valid(), flowLogs: { destination: 's3', retentionDays: 45 } });
    expect(validateConfig(s3).network?.flowLogs.retentionDays).toBe(45);
  });

  it('refuses the sts endpoint with federated developers, who could not sign in through it', () => {
    const c = withNetwork({ ...valid(), endpoints: ['bedrock', 'sts'] });
    c.access.developers = { saml: { providerArn: 'arn:aws:iam::123456789012:saml-provider/idp' } };
    c.access.admins = { principals: ['arn:aws:iam::123456789012:root'] };
    expect(problems(c)).toEqual([
      'network.endpoints[1]: cannot be combined with access.developers.saml: the sts endpoint admits only principals of this account, and a federated sign-in has none, so it would be refused inside the VPC; leave sts out (got "sts")',
    ]);
    // IAM principals assume the role with credentials of this account: allowed.
    expect(
      validateConfig(withNetwork({ ...valid(), endpoints: ['sts'] })).network?.endpoints,
    ).toEqual(['sts']);
  });
});

describe('CIDR blocks', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['192.168.1.77/24', '192.168.1.0/24', true],
    ['2001:db8::/32', '2001:db8::/32', false],
    ['2001:DB8:0:0:0:0:0:0/32', '2001:db8::/32', false],
    ['2001:db8::1/32', '2001:db8::/32', true],
    ['fd00:0:0:1:0:0:0:0/64', 'fd00:0:0:1::/64', false],
    ['1:0:0:2:0:0:0:3/128', '1:0:0:2::3/128', false],
    ['1:0:0:2:0:0:3:4/128', '1::2:0:0:3:4/128', false],
  ])('%s is %s (host bits: %s)', (text, canonical, hostBits) => {
    expect(canonicalCidr(text)).toEqual({ canonical, hostBits });
  });

  it.each(['10.0.0.0', '256.0.0.0/8', '010.0.0.0/8', '1::2::3/64', '1:2:3:4:5:6:7:8:9/64', 'x/8'])(
    'rejects %s',
    (text) => expect(canonicalCidr(text)).toBeUndefined(),
  );

  it('must be written the way EC2 stores them, so rules keyed by them stay stable', () => {
    const r = NetworkSchema.safeParse({ ...valid(), allowedCidrs: ['2001:DB8::/32'] });
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      'must be written in canonical form: 2001:db8::/32',
    ]);
  });
});
