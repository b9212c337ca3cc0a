import { PolicyRule, compliant, nonCompliant } from '../rule';
import { bedrockRuntimeEndpoints, flowLogsOnVpc, trafficType, vpcOf } from './vpc';

/** The VPC of a bedrock-runtime endpoint records its traffic: what proves where data went. */
export const vpcFlowLogs: PolicyRule = {
  id: 'CCB-VPC-2',
  description:
    'The VPC of every bedrock-runtime interface endpoint has an aws_flow_log with traffic_type ALL',
  severity: 'warning',
  fix: 'Add an aws_flow_log with vpc_id = the endpoint VPC and traffic_type = "ALL" (config: network.flowLogs.enabled: true; VpcFlowLogs from @claude-code-bedrock/logging does this)',
  checks: ['private-network-path'],
  evaluate({ model }) {
    return bedrockRuntimeEndpoints(model).map((endpoint) => {
      const vpc = vpcOf(endpoint);
      if (!vpc) return nonCompliant(endpoint, 'has no vpc_id to look for flow logs on');
      const logs = flowLogsOnVpc(model, vpc);
      const all = logs.find((f) => trafficType(f) === 'ALL');
      if (all) return compliant(endpoint, `${all.address} records ALL traffic of ${vpc}`);
      return nonCompliant(
        endpoint,
        logs.length === 0
          ? `no aws_flow_log on ${vpc}: nothing records where the VPC's traffic went`
          : `the flow logs on ${vpc} record only ${logs.map((f) => `${trafficType(f)} (${f.address})`).join(', ')} traffic, not ALL`,
      );
    });
  },
};
