import {
  DeploymentContext,
  EnvironmentConfig,
  ResolvedTier,
  VpcEndpointService,
} from '@claude-code-bedrock/core';
import { AdminRole, BedrockVpcEndpoints } from '@claude-code-bedrock/foundation';
import { VpcFlowLogs } from '@claude-code-bedrock/logging';
import { Token, propertyAccess } from 'cdktf';
import { Construct } from 'constructs';

/** What the `network` section builds. */
export interface NetworkResources {
  /** The interface endpoints (construct id `network`). */
  readonly endpoints: BedrockVpcEndpoints;
  /** The VPC flow logs (construct id `flow-logs`); absent when `flowLogs.enabled` is false. */
  readonly flowLogs?: VpcFlowLogs;
}

/**
 * The `network` section: interface endpoints, their security group and the VPC flow logs.
 * `undefined` when the config has no network (Bedrock over its public endpoints). `adminRole`
 * is let through the `bedrock` and `logs` endpoints for its own actions (docs/network.md).
 */
export function addNetwork(
  scope: Construct,
  config: EnvironmentConfig,
  context: DeploymentContext,
  tiers: readonly ResolvedTier[],
  adminRole: AdminRole,
): NetworkResources | undefined {
  const n = config.network;
  if (!n) return undefined;
  const endpoints = new BedrockVpcEndpoints(scope, 'network', {
    context,
    vpcId: n.vpcId,
    subnetIds: n.subnetIds,
    securityGroupIds: n.securityGroupIds,
    allowedCidrs: n.allowedCidrs,
    privateDns: n.privateDns,
    endpoints: n.endpoints,
    tiers,
    adminRole,
  });
  const flowLogs = n.flowLogs.enabled
    ? new VpcFlowLogs(scope, 'flow-logs', {
        context,
        vpcId: n.vpcId,
        destination: n.flowLogs.destination,
        retentionDays: n.flowLogs.retentionDays,
        bucketPrefix: config.bucketPrefix,
      })
    : undefined;
  return { endpoints, flowLogs };
}

/**
 * The `vpc_endpoints` output value: service → `{ id, dns_names }` (the endpoint's regional and
 * zonal DNS names, for `ANTHROPIC_BEDROCK_BASE_URL` without private DNS); null without a network.
 */
export function vpcEndpointsOutput(endpoints: BedrockVpcEndpoints | undefined): unknown {
  if (!endpoints) return Token.nullValue();
  return Object.fromEntries(
    Object.entries(endpoints.endpoints).map(([service, endpoint]) => [
      service as VpcEndpointService,
      { id: endpoint.id, dns_names: propertyAccess(endpoint.dnsEntry, ['*', 'dns_name']) },
    ]),
  );
}
