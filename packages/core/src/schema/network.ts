import { z } from 'zod';
import { DAYS } from './fields';
import { LOG_RETENTION } from './logging';

/*
 * The `network` section: interface VPC endpoints (PrivateLink) for Bedrock, the security group in
 * front of them, VPC flow logs, and whether developers may invoke models only through the
 * endpoints. The field schemas are shared with the BedrockVpcEndpoints and VpcFlowLogs props.
 */

type Ctx = z.RefinementCtx;

/** Every interface endpoint the kit can create; `bedrock-runtime` always is. */
export const VPC_ENDPOINT_SERVICES = ['bedrock-runtime', 'bedrock', 'sts', 'logs'] as const;
export type VpcEndpointService = (typeof VPC_ENDPOINT_SERVICES)[number];
/** The endpoints a configuration may add to `bedrock-runtime`. */
export const OPTIONAL_VPC_ENDPOINTS = ['bedrock', 'sts', 'logs'] as const;
export type OptionalVpcEndpoint = (typeof OPTIONAL_VPC_ENDPOINTS)[number];

export const FLOW_LOG_DESTINATIONS = ['cloudwatch', 's3'] as const;
export type FlowLogDestination = (typeof FLOW_LOG_DESTINATIONS)[number];

/** EC2 ids: a prefix and 8 (older resources) or 17 lowercase hex digits. */
function ec2Id(prefix: string, what: string) {
  return z
    .string()
    .regex(
      new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`),
      `must be ${what} id: ${prefix}- and 8 or 17 lowercase hex digits (${prefix}-0a1b2c3d4e5f60718)`,
    );
}

export const VPC_ID = ec2Id('vpc', 'a VPC');
export const SUBNET_ID = ec2Id('subnet', 'a subnet');
export const SECURITY_GROUP_ID = ec2Id('sg', 'a security group');

/** Reports every repeated entry of a list, at its index (also when some entries are invalid). */
function noRepeats(values: unknown, ctx: Ctx): void {
  if (!Array.isArray(values)) return;
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], input: v, message: 'is repeated' });
    seen.add(v);
  });
}

/** A list of at least one `what`, without repeats. */
export function distinctList<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item)
    .min(1, `must list at least one ${what}`)
    .superRefine(noRepeats, { when: () => true });
}

// --- CIDR blocks -------------------------------------------------------------------------------

interface ParsedCidr {
  readonly v6: boolean;
  readonly address: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && +p <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (!groups.flat().every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const given = groups.flat().length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const all =
    halves.length === 1 ? groups[0] : [...groups[0], ...Array(8 - given).fill('0'), ...groups[1]];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parseCidr(text: string): ParsedCidr | undefined {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v6 = m[1].includes(':');
  const address = v6 ? parseIpv6(m[1]) : parseIpv4(m[1]);
  if (address === undefined || prefix > (v6 ? 128 : 32)) return undefined;
  return { v6, address, prefix };
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

/** RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(n: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => (n >> s) & 0xffffn);
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  const head = hex.slice(0, best.start).join(':');
  const tail = hex.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

/**
 * The canonical form of a CIDR block (its network address; RFC 5952 for IPv6) and whether the
 * address had host bits set; undefined when it is not a CIDR block.
 */
export function canonicalCidr(text: string): { canonical: string; hostBits: boolean } | undefined {
  const c = parseCidr(text);
  if (!c) return undefined;
  const bits = c.v6 ? 128n : 32n;
  const mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(c.prefix))) - 1n);
  const network = c.address & mask;
  const address = c.v6 ? formatIpv6(network) : formatIpv4(network);
  return { canonical: `${address}/${c.prefix}`, hostBits: network !== c.address };
}

/**
 * An IPv4 or IPv6 CIDR block written as its network address in canonical form (as EC2 stores it,
 * so a rule keyed by it stays stable), and never the whole internet.
 */
export const CIDR_BLOCK = z.string().superRefine((text, ctx) => {
  const c = canonicalCidr(text);
  const issue = (message: string) => ctx.addIssue({ code: 'custom', input: text, message });
  if (c === undefined) {
    issue('must be an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32');
  } else if (c.canonical.endsWith('/0')) {
    issue(
      'must not be 0.0.0.0/0 or ::/0: an endpoint open to the whole internet defeats the point of a private endpoint; list your corporate ranges',
    );
  } else if (c.hostBits) {
    issue(`has host bits set: did you mean ${c.canonical}?`);
  } else if (c.canonical !== text) {
    issue(`must be written in canonical form: ${c.canonical}`);
  }
});

// --- endpoints and access ----------------------------------------------------------------------

export const VPC_ENDPOINT_EXTRAS = z
  .array(
    z.enum(OPTIONAL_VPC_ENDPOINTS, {
      error: (issue) =>
        issue.input === 'bedrock-runtime'
          ? 'is always created: list only the extra endpoints (bedrock, sts, logs)'
          : `must be one of ${OPTIONAL_VPC_ENDPOINTS.join(', ')} (bedrock-runtime is always created)`,
    }),
  )
  .superRefine(noRepeats, { when: () => true });

/**
 * The endpoints need a security group: the caller's (`securityGroupIds`) or one the kit creates
 * allowing HTTPS from `allowedCidrs`; exactly one of the two. Reads its input defensively (it runs
 * when other fields failed, so every problem is reported at once).
 */
export function checkEndpointAccess(raw: unknown, ctx: Ctx): void {
  if (raw === null || typeof raw !== 'object') return;
  const p = raw as { securityGroupIds?: unknown; allowedCidrs?: unknown };
  if (p.securityGroupIds !== undefined && p.allowedCidrs !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['allowedCidrs'],
      input: p.allowedCidrs,
      message:
        'cannot be combined with securityGroupIds: give the security groups to attach, or the CIDR blocks a security group created by the kit allows, not both',
    });
  }
  if (p.securityGroupIds === undefined && p.allowedCidrs === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['securityGroupIds'],
      input: undefined,
      message:
        'is required unless allowedCidrs is set: the endpoints need a security group (yours, or one allowing HTTPS from allowedCidrs only)',
    });
  }
}

/**
 * Flow logs to CloudWatch Logs keep them for one of CloudWatch's retention periods; in S3 objects
 * expire after any number of days.
 */
export function checkFlowLogRetention(raw: unknown, ctx: Ctx): void {
  if (raw === null || typeof raw !== 'object') return;
  const f = raw as { destination?: unknown; retentionDays?: unknown };
  const days = f.retentionDays;
  if (f.destination !== undefined && f.destination !== 'cloudwatch') return;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) return; // DAYS reports it
  const result = LOG_RETENTION.safeParse(days);
  for (const issue of result.success ? [] : result.error.issues) {
    ctx.addIssue({
      code: 'custom',
      path: ['retentionDays'],
      input: days,
      message: `${issue.message} (destination cloudwatch; s3 takes any number of days)`,
    });
  }
}

/** The flow-log settings: the config's `network.flowLogs` and VpcFlowLogs' props. */
export const FLOW_LOGS_FIELDS = {
  enabled: z.boolean().default(true).meta({
    description:
      'Record the VPC flow logs (every accepted and rejected connection of the VPC): the evidence that Bedrock traffic stayed on the endpoints.',
  }),
  destination: z
    .enum(FLOW_LOG_DESTINATIONS, { message: 'must be cloudwatch or s3' })
    .default('cloudwatch')
    .meta({
      description:
        '`cloudwatch` (a log group `/aws/vpc/{project}-flow-logs` and a role scoped to it) or `s3` (a hardened bucket `{bucketPrefix}-vpc-flow-logs`).',
    }),
  retentionDays: DAYS.default(90).meta({
    description:
      "How long flow logs are kept: the log group's retention (one of CloudWatch Logs' periods) or the S3 objects' expiry (any number of days).",
  }),
};

export const FlowLogsSchema = z
  .strictObject(FLOW_LOGS_FIELDS)
  .superRefine(checkFlowLogRetention, { when: () => true });

export const NetworkSchema = z
  .strictObject({
    vpcId: VPC_ID.meta({ description: 'The VPC the endpoints are created in.' }),
    subnetIds: distinctList(SUBNET_ID, 'subnet').meta({
      description:
        'Subnets of the VPC that get an endpoint network interface (at least one; one per Availability Zone for resilience), without repeats.',
    }),
    securityGroupIds: distinctList(SECURITY_GROUP_ID, 'security group').optional().meta({
      description:
        'Existing security groups to attach to the endpoints. Exactly one of `securityGroupIds` and `allowedCidrs`.',
      defaultDescription: 'none (then `allowedCidrs` is required)',
    }),
    allowedCidrs: distinctList(CIDR_BLOCK, 'CIDR block').optional().meta({
      description:
        'Create one security group allowing only HTTPS (TCP 443) from these IPv4/IPv6 CIDR blocks, written as network addresses; never `0.0.0.0/0` or `::/0`. Exactly one of `securityGroupIds` and `allowedCidrs`.',
      defaultDescription: 'none (then `securityGroupIds` is required)',
    }),
    privateDns: z.boolean().default(true).meta({
      description:
        "Private DNS on the endpoints: inside the VPC the services' public names resolve to the endpoints, so Claude Code needs no setting. Off: point `ANTHROPIC_BEDROCK_BASE_URL` at the endpoint's DNS name (`vpc_endpoints` output).",
    }),
    requireVpcEndpoint: z.boolean().default(false).meta({
      description:
        'Deny model invocation (and token counting) in the developer policy, role and permission set alike, unless the call arrives through the bedrock-runtime endpoint (`aws:SourceVpce`). Developers off the VPC or VPN are refused (`AccessDeniedException`) until they connect; see docs/network.md.',
    }),
    endpoints: VPC_ENDPOINT_EXTRAS.default([]).meta({
      description:
        'Extra interface endpoints besides `bedrock-runtime` (always created): `bedrock` (the inference-profile reads Claude Code makes at start-up), `sts`, `logs`. No repeats.',
    }),
    flowLogs: FlowLogsSchema.default(() => FlowLogsSchema.parse({})).meta({
      description: 'VPC flow logs of `vpcId`.',
    }),
  })
  .superRefine(checkEndpointAccess, { when: () => true });

export type NetworkConfig = z.output<typeof NetworkSchema>;

/**
 * The sts endpoint admits only principals of this account, and a federated sign-in
 * (`AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity`) has none: with private DNS every such call
 * from the VPC would be refused. Reads its input defensively (see `crossCheck`).
 */
export function checkStsEndpointTrust(
  network: Record<string, unknown>,
  developers: Record<string, unknown>,
  ctx: Ctx,
): void {
  const endpoints = Array.isArray(network.endpoints) ? network.endpoints : [];
  const index = endpoints.indexOf('sts');
  if (index < 0) return;
  const federation = (['saml', 'oidc'] as const).filter((k) => developers[k] !== undefined);
  if (federation.length === 0) return;
  ctx.addIssue({
    code: 'custom',
    path: ['network', 'endpoints', index],
    input: 'sts',
    message: `cannot be combined with access.developers.${federation.join('/')}: the sts endpoint admits only principals of this account, and a federated sign-in has none, so it would be refused inside the VPC; leave sts out`,
  });
}
