/** The network-proof check: PrivateLink for bedrock-runtime, flow logs, and endpoint-only access. */
import { policyStatements } from './iam';
import { StackModel, bool, references, strings } from './model';
import { DEVELOPER_ROLE_TAG, PolicyOptions } from './rule';
import { CheckFindings } from './controls';
import {
  bedrockRuntimeEndpoints,
  endpointDenyTargets,
  endpointPolicy,
  flowLogsOnVpc,
  judgeEndpointDeny,
  trafficType,
  vpcOf,
} from './rules';

/** The config key that makes developers' invoke permissions endpoint-only. */
export const REQUIRE_VPC_ENDPOINT_KEY = 'network.requireVpcEndpoint';

/** The config keys that set up the network section, so that the control passes. */
export const NETWORK_KEYS = [
  'network.vpcId',
  'network.subnetIds',
  'network.securityGroupIds or network.allowedCidrs',
  'network.flowLogs.enabled',
  REQUIRE_VPC_ENDPOINT_KEY,
];

export function privateNetworkPath(model: StackModel, options: PolicyOptions): CheckFindings {
  const endpoints = bedrockRuntimeEndpoints(model);
  if (endpoints.length === 0) {
    const what =
      'no Interface aws_vpc_endpoint for bedrock-runtime: calls reach Bedrock over its public endpoint and no flow log records them';
    return options.network
      ? {
          addresses: [],
          evidence: [],
          gaps: [`the config has a network section but the stack has ${what}`],
          configKeys: NETWORK_KEYS,
        }
      : { addresses: [], evidence: [], gaps: [], notConfigured: [what], configKeys: NETWORK_KEYS };
  }
  const addresses: string[] = [];
  const evidence: string[] = [];
  const caveats: string[] = [];
  const configKeys: string[] = [];
  for (const endpoint of endpoints) {
    addresses.push(endpoint.address);
    const vpc = vpcOf(endpoint) ?? '(no vpc_id)';
    const policy = endpointPolicy(model, endpoint);
    const { statements } = policyStatements(policy.value, model, policy.source);
    const actions = [
      ...new Set(statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions ?? [])),
    ];
    const dns = bool(endpoint.config.private_dns_enabled) === true;
    evidence.push(
      `${endpoint.address}: Interface endpoint for ${String(endpoint.config.service_name)} in ${vpc}, private DNS ${dns ? 'on' : 'off'}, policy allows ${actions.join(', ') || 'nothing readable'}`,
    );
    if (!dns) {
      caveats.push(
        `${endpoint.address}: private DNS is off, so the default bedrock-runtime hostname still resolves to the public endpoint; only clients pointed at the endpoint's own DNS names use it (network.privateDns)`,
      );
    }
    const logs = flowLogsOnVpc(model, vpc).filter((f) => trafficType(f) === 'ALL');
    for (const log of logs) {
      const destinations = references(log.config.log_destination).map((r) => r.address);
      addresses.push(log.address, ...destinations.filter((d) => model.get(d)));
      evidence.push(
        `${log.address}: records ALL traffic of ${vpc} to ${strings(log.config.log_destination_type)[0] ?? 'cloud-watch-logs'}${destinations.length > 0 ? ` (${destinations.join(', ')})` : ''}`,
      );
    }
    if (logs.length === 0) configKeys.push('network.flowLogs.enabled');
  }
  const targets = endpointDenyTargets(model, options.developerRoleTag ?? DEVELOPER_ROLE_TAG);
  // CCB-IAM-3's judgement, so the evidence never claims a deny the rule rejects.
  const fenced = targets.filter((t) => judgeEndpointDeny(t, model, false).status === 'compliant');
  const open = targets.filter((t) => !fenced.includes(t));
  addresses.push(...fenced.map((t) => t.element.address));
  for (const t of fenced) {
    evidence.push(
      `${t.kind} ${t.element.address}: denies invoke unless aws:SourceVpce is one of the endpoints, so calls over the public endpoint are refused`,
    );
  }
  // "No data left the network" needs "there was no other path": without the endpoint-only deny
  // the endpoint and flow logs prove only what went through the VPC. Not configured while the
  // option is off; with it on, CCB-IAM-3's finding makes the check MISSING.
  const notConfigured: string[] = [];
  if (open.length > 0) {
    const reason = `no endpoint-only deny on ${open.map((t) => `${t.kind} ${t.element.address}`).join(', ')}: the endpoint and flow logs prove what went through the VPC, not that every call did; with these credentials a call from outside the VPC (e.g. a laptop off the VPN) may still go to Bedrock's public endpoint (network.requireVpcEndpoint: true closes this)`;
    if (options.network?.requireVpcEndpoint === true) {
      caveats.push(reason);
    } else {
      notConfigured.push(reason);
      configKeys.push(REQUIRE_VPC_ENDPOINT_KEY);
    }
  }
  return {
    addresses,
    evidence,
    gaps: [],
    notConfigured,
    caveats,
    configKeys: [...new Set(configKeys)],
  };
}
