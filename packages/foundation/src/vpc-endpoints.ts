import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  CIDR_BLOCK,
  checkEndpointAccess,
  ConfigError,
  DeploymentContext,
  DeploymentContextSchema,
  distinctList,
  OptionalVpcEndpoint,
  ResolvedTier,
  SECURITY_GROUP_ID,
  stableConstructId,
  SUBNET_ID,
  TIERS,
  tokenOr,
  validateWith,
  VPC_ENDPOINT_EXTRAS,
  VPC_ID,
  VpcEndpointService,
} from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { z } from 'zod';
import type { AdminRole } from './admin-role';
import { endpointPolicyStatements } from './endpoint-policy';
import { partitionFor } from './role-parts';
import { PolicyStatement, toDocumentStatements, toPolicyDocument } from './statements';

/** An interface endpoint policy may hold at most this many characters, whitespace included. */
export const ENDPOINT_POLICY_MAX_CHARS = 20480;

/**
 * Size of an endpoint policy as rendered by `aws_iam_policy_document` (indented JSON). An
 * unresolved account id is counted as 12 digits, its length once resolved.
 */
export function endpointPolicySize(statements: readonly PolicyStatement[], accountId: string) {
  const json = JSON.stringify(toPolicyDocument(statements), null, 2);
  return json.split(accountId).join('123456789012').length;
}

/**
 * `context`: the project names the security group `{project}-bedrock-endpoints` and scopes the
 * endpoint policies to its application inference profiles; the account id (may be a token) is
 * the only account whose principals may use the endpoints; the region gives the service names
 * (`com.amazonaws.{region}.{service}`). `context.tags` tags the endpoints and the security group.
 */
export interface BedrockVpcEndpointsProps {
  readonly context: DeploymentContext;
  /** The VPC the endpoints are created in. */
  readonly vpcId: string;
  /** Subnets that get an endpoint network interface (at least one, no repeats). */
  readonly subnetIds: readonly string[];
  /**
   * Existing security groups to attach. Exactly one of `securityGroupIds` and `allowedCidrs`.
   * @default - none: `allowedCidrs` is required
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * Create one security group (`SecurityGroup`) allowing only HTTPS (TCP 443) from these CIDR
   * blocks: literal IPv4/IPv6 network addresses (each keys its ingress rule), never `0.0.0.0/0`
   * or `::/0`. Exactly one of `securityGroupIds` and `allowedCidrs`.
   * @default - none: `securityGroupIds` is required
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Private DNS: inside the VPC the services' public names resolve to the endpoints.
   * @default true
   */
  readonly privateDns?: boolean;
  /**
   * Extra endpoints besides `bedrock-runtime`, which is always created.
   * @default - bedrock-runtime only
   */
  readonly endpoints?: readonly OptionalVpcEndpoint[];
  /** The model tiers: the runtime endpoint allows invoking their profiles and models only. */
  readonly tiers: readonly ResolvedTier[];
  /**
   * The platform administrator role. The `bedrock` and `logs` endpoints then also let this role
   * (`aws:PrincipalArn` pinned to its ARN, still of this account) through for the actions of that
   * service its policy allows: managing inference profiles and tags, the invocation logging
   * configuration, its log reads. With private DNS every caller in the VPC goes through them.
   * @default - no administrator statement: inside the VPC the `bedrock` endpoint allows only
   * Claude Code's start-up reads and `logs` only the log reads and writes, for every principal
   */
  readonly adminRole?: AdminRole;
}

const PropsSchema = z
  .object({
    context: DeploymentContextSchema,
    vpcId: tokenOr(VPC_ID),
    subnetIds: distinctList(tokenOr(SUBNET_ID), 'subnet'),
    securityGroupIds: distinctList(tokenOr(SECURITY_GROUP_ID), 'security group').optional(),
    allowedCidrs: distinctList(CIDR_BLOCK, 'CIDR block').optional(),
    privateDns: z.boolean().optional(),
    endpoints: VPC_ENDPOINT_EXTRAS.optional(),
    tiers: TIERS,
  })
  .superRefine(checkEndpointAccess, { when: () => true });

/**
 * Interface VPC endpoints (PrivateLink) for Bedrock: `bedrock-runtime` always, plus `bedrock`,
 * `sts` and `logs` on request, one `aws_vpc_endpoint` per service (`Endpoint-<service>`), each
 * with an endpoint policy (`EndpointPolicy-<service>`) that admits only this account's principals
 * and only named actions: on bedrock-runtime, invocation and token counting on this project's
 * application inference profiles and the models behind them; on `bedrock` and `logs`, also the
 * administrator role's own actions when `adminRole` is given. With `allowedCidrs`, a security
 * group allowing HTTPS from those ranges only (no egress rule: endpoints only answer).
 *
 * Pass it to {@link DeveloperRole} as `invokeOnlyThrough` to deny model calls that do not arrive
 * through the runtime endpoint.
 */
export class BedrockVpcEndpoints extends Construct {
  /** The endpoints by service; `bedrock-runtime` is always present. */
  readonly endpoints: Readonly<Partial<Record<VpcEndpointService, VpcEndpoint>>>;
  /** The bedrock-runtime endpoint. */
  readonly runtimeEndpoint: VpcEndpoint;
  /** Id of the bedrock-runtime endpoint (`vpce-...`): the `aws:SourceVpce` of calls through it. */
  readonly runtimeEndpointId: string;
  /** The endpoint policies by service, typed (what each `EndpointPolicy-<service>` renders). */
  readonly policyStatements: Readonly<Partial<Record<VpcEndpointService, PolicyStatement[]>>>;
  /** The security group created for `allowedCidrs`; absent with `securityGroupIds`. */
  readonly securityGroup?: SecurityGroup;
  /** HTTPS ingress rules of {@link securityGroup}, keyed by CIDR block. */
  readonly ingressRules: Readonly<Record<string, VpcSecurityGroupIngressRule>>;
  /** The security groups attached to every endpoint. */
  readonly securityGroupIds: readonly string[];

  constructor(scope: Construct, id: string, props: BedrockVpcEndpointsProps) {
    super(scope, id);
    const p = validateWith(PropsSchema, props, `BedrockVpcEndpoints '${this.node.path}'`);
    const { project, accountId, region, tags } = p.context;
    const tagsOf = (name: string) => ({ ...(tags ?? {}), Name: name });

    const ingressRules: Record<string, VpcSecurityGroupIngressRule> = {};
    if (p.allowedCidrs) {
      const name = `${project}-bedrock-endpoints`;
      this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
        name,
        description: `HTTPS to the Bedrock interface endpoints of ${project}, from allowed ranges only`,
        vpcId: p.vpcId,
        tags: tagsOf(name),
      });
      for (const cidr of p.allowedCidrs) {
        ingressRules[cidr] = new VpcSecurityGroupIngressRule(
          this,
          `Ingress-${stableConstructId(cidr)}`,
          {
            securityGroupId: this.securityGroup.id,
            description: `HTTPS from ${cidr}`,
            ipProtocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          },
        );
      }
      this.securityGroupIds = [this.securityGroup.id];
    } else {
      this.securityGroupIds = [...(p.securityGroupIds ?? [])];
    }
    this.ingressRules = ingressRules;

    const admin = props.adminRole
      ? { roleArn: props.adminRole.roleArn, statements: props.adminRole.statements }
      : undefined;
    const input = {
      partition: partitionFor(region),
      region,
      accountId,
      project,
      tiers: p.tiers,
      admin,
    };
    const services: VpcEndpointService[] = ['bedrock-runtime', ...(p.endpoints ?? [])];
    const endpoints: Partial<Record<VpcEndpointService, VpcEndpoint>> = {};
    const policies: Partial<Record<VpcEndpointService, PolicyStatement[]>> = {};
    for (const service of services) {
      const statements = endpointPolicyStatements(service, input);
      const size = endpointPolicySize(statements, accountId);
      if (size > ENDPOINT_POLICY_MAX_CHARS) {
        throw new ConfigError(
          [
            {
              path: 'tiers',
              value: `${size} characters`,
              message: `make the ${service} endpoint policy longer than the ${ENDPOINT_POLICY_MAX_CHARS}-character limit of VPC endpoint policies; use fewer tiers or share models between tiers`,
            },
          ],
          `BedrockVpcEndpoints '${this.node.path}'`,
        );
      }
      const document = new DataAwsIamPolicyDocument(this, `EndpointPolicy-${service}`, {
        version: '2012-10-17',
        statement: toDocumentStatements(statements),
      });
      policies[service] = statements;
      endpoints[service] = new VpcEndpoint(this, `Endpoint-${service}`, {
        vpcId: p.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        subnetIds: [...p.subnetIds],
        securityGroupIds: [...this.securityGroupIds],
        privateDnsEnabled: p.privateDns ?? true,
        policy: document.json,
        tags: tagsOf(`${project}-${service}`),
      });
    }
    this.endpoints = endpoints;
    this.policyStatements = policies;
    this.runtimeEndpoint = endpoints['bedrock-runtime']!;
    this.runtimeEndpointId = this.runtimeEndpoint.id;
  }
}
