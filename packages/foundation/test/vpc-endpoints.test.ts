import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { synthesized } from '@claude-code-bedrock/testing';
import { TerraformElement, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  AdminRole,
  BedrockVpcEndpoints,
  BedrockVpcEndpointsProps,
  DeveloperPermissionSet,
  DeveloperRole,
  ENDPOINT_POLICY_MAX_CHARS,
  endpointPolicySize,
  endpointPolicyStatements,
  PolicyStatement,
  PROMPT_ACTIONS,
  STARTUP_READ_ACTIONS,
  toPolicyDocument,
} from '../src';
import { ACCOUNT, CONTEXT, ROOT_TRUST, TIERS, US_REGIONS, bySid, synthDocuments } from './helpers';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-1a1b2c3d4e5f60718'];

const props = (extra: Partial<BedrockVpcEndpointsProps> = {}): BedrockVpcEndpointsProps => ({
  context: CONTEXT,
  vpcId: VPC,
  subnetIds: SUBNETS,
  allowedCidrs: ['10.0.0.0/8'],
  tiers: TIERS,
  ...extra,
});

const build =
  (extra: Partial<BedrockVpcEndpointsProps> = {}) =>
  (scope: Construct) =>
    new BedrockVpcEndpoints(scope, 'network', props(extra));

const logicalId = (c: TerraformElement) => TerraformStack.of(c).getLogicalId(c);

describe('BedrockVpcEndpoints', () => {
  test('creates the bedrock-runtime interface endpoint with private DNS, always', () => {
    const synth = Testing.synthScope(build());
    expect(synth).toHaveResourceWithProperties(VpcEndpoint, {
      vpc_id: VPC,
      service_name: 'com.amazonaws.us-east-1.bedrock-runtime',
      vpc_endpoint_type: 'Interface',
      subnet_ids: SUBNETS,
      private_dns_enabled: true,
    });
    expect(Object.keys(synthesized(synth).resources('aws_vpc_endpoint'))).toHaveLength(1);
  });

  test('adds the requested endpoints, one per service, with construct ids keyed by service', () => {
    const { built, synth } = synthDocuments(
      build({ endpoints: ['bedrock', 'sts', 'logs'], privateDns: false }),
      () => ({}),
    );
    const endpoints = synthesized(synth).resources('aws_vpc_endpoint');
    expect(Object.values(endpoints).map((e) => e.service_name)).toEqual(
      expect.arrayContaining(
        ['bedrock-runtime', 'bedrock', 'sts', 'logs'].map((s) => `com.amazonaws.us-east-1.${s}`),
      ),
    );
    expect(Object.keys(endpoints)).toHaveLength(4);
    expect(Object.values(endpoints).every((e) => e.private_dns_enabled === false)).toBe(true);
    for (const service of ['bedrock-runtime', 'bedrock', 'sts', 'logs']) {
      expect(built.node.tryFindChild(`Endpoint-${service}`)).toBeInstanceOf(VpcEndpoint);
    }
    expect(built.runtimeEndpoint).toBe(built.endpoints['bedrock-runtime']);
  });

  test('gives each endpoint its own policy document', () => {
    const { built, synth } = synthDocuments(build({ endpoints: ['bedrock'] }), () => ({}));
    const endpoints = synthesized(synth).resources('aws_vpc_endpoint');
    const runtimeDoc = built.node.findChild('EndpointPolicy-bedrock-runtime') as TerraformElement;
    const bedrockDoc = built.node.findChild('EndpointPolicy-bedrock') as TerraformElement;
    expect(endpoints[logicalId(built.runtimeEndpoint)].policy).toBe(
      `\${data.aws_iam_policy_document.${logicalId(runtimeDoc)}.json}`,
    );
    expect(endpoints[logicalId(built.endpoints.bedrock!)].policy).toBe(
      `\${data.aws_iam_policy_document.${logicalId(bedrockDoc)}.json}`,
    );
  });

  describe('endpoint policies', () => {
    const all = () => {
      let endpoints: BedrockVpcEndpoints | undefined;
      Testing.synthScope((scope) => {
        endpoints = build({ endpoints: ['bedrock', 'sts', 'logs'] })(scope);
      });
      return endpoints!.policyStatements;
    };

    test('never use a * action or principal, and admit only principals of this account', () => {
      const statements = Object.values(all()).flat();
      expect(statements.length).toBeGreaterThan(8);
      for (const s of statements) {
        expect(s.effect).toBe('Allow');
        expect(s.actions?.length).toBeGreaterThan(0);
        expect(s.actions!.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
        expect(s.principals).toEqual([
          { type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] },
        ]);
        expect(s.conditions).toContainEqual({
          test: 'StringEquals',
          variable: 'aws:PrincipalAccount',
          values: [ACCOUNT],
        });
      }
    });

    test("allow on bedrock-runtime only invoking this project's profiles and the models behind them", () => {
      const doc = toPolicyDocument(all()['bedrock-runtime']!);
      const appProfiles = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/*`;
      const principal = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
      const hop = { 'bedrock:InferenceProfileArn': appProfiles };
      const system = [
        `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
        `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-opus-4-6-v1`,
        `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0`,
      ];
      const models = TIERS.flatMap((t) =>
        t.destinationRegions.map(
          (r) => `arn:aws:bedrock:${r}::foundation-model/${t.profileId.replace(/^us\./, '')}`,
        ),
      );
      expect(doc.Statement).toEqual([
        {
          Sid: 'InvokeProjectApplicationProfiles',
          Effect: 'Allow',
          Principal: principal,
          Action: [...PROMPT_ACTIONS],
          Resource: appProfiles,
          Condition: {
            StringEquals: {
              'aws:PrincipalAccount': ACCOUNT,
              'aws:ResourceTag/Project': 'acme-claude',
            },
          },
        },
        {
          Sid: 'InvokeSystemProfilesViaApplicationProfiles',
          Effect: 'Allow',
          Principal: principal,
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: system,
          Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT }, ArnLike: hop },
        },
        {
          Sid: 'InvokeModelsViaApplicationProfiles',
          Effect: 'Allow',
          Principal: principal,
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: models,
          Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT }, ArnLike: hop },
        },
        {
          Sid: 'CountTokensOnConfiguredModels',
          Effect: 'Allow',
          Principal: principal,
          Action: 'bedrock:CountTokens',
          Resource: [...system, ...models],
          Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
        },
      ]);
    });

    test('allow on bedrock only the inference-profile reads Claude Code makes at start-up', () => {
      const actions = all().bedrock!.flatMap((s) => s.actions ?? []);
      expect([...new Set(actions)].sort()).toEqual([...STARTUP_READ_ACTIONS].sort());
    });

    test('keep sts and logs to roles and log groups of this account', () => {
      const resources = [...all().sts!, ...all().logs!].flatMap((s) => s.resources ?? []);
      expect(resources.filter((r) => r !== '*')).toEqual([
        `arn:aws:iam::${ACCOUNT}:role/*`,
        `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*`,
      ]);
    });
  });

  describe('the administrator role through the bedrock and logs endpoints', () => {
    const withAdmin = (allowedRegions?: string[]) => {
      let endpoints: BedrockVpcEndpoints | undefined;
      let admin: AdminRole | undefined;
      const synth = Testing.synthScope((scope) => {
        admin = new AdminRole(scope, 'admin', {
          context: CONTEXT,
          bucketPrefix: 'acme-claude',
          trust: ROOT_TRUST,
          allowedRegions,
        });
        endpoints = build({ endpoints: ['bedrock', 'sts', 'logs'], adminRole: admin })(scope);
      });
      return { endpoints: endpoints!, policies: endpoints!.policyStatements, admin: admin!, synth };
    };
    const pinned = (statements: readonly PolicyStatement[]) =>
      statements.filter((s) => s.conditions?.some((c) => c.variable === 'aws:PrincipalArn'));
    const adminActions = (admin: AdminRole, prefix: string) =>
      admin.statements
        .filter((s) => s.effect === 'Allow')
        .flatMap((s) => s.actions ?? [])
        .filter((a) => a.startsWith(prefix));

    test("admit the role's own bedrock and logs actions, pinned to its ARN and this account", () => {
      const { policies, admin } = withAdmin();
      for (const [service, sid] of [
        ['bedrock', 'AdminRoleControlPlane'],
        ['logs', 'AdminRoleLogs'],
      ] as const) {
        const statements = pinned(policies[service]!);
        expect(statements).toEqual([
          {
            sid,
            effect: 'Allow',
            principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
            actions: [...new Set(adminActions(admin, `${service}:`))],
            resources: ['*'],
            conditions: [
              { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [ACCOUNT] },
              { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [admin.roleArn] },
            ],
          },
        ]);
      }
      // What `npm run caps -- unblock` and a Terraform apply as the admin role call.
      expect(pinned(policies.bedrock!)[0].actions).toEqual(
        expect.arrayContaining([
          'bedrock:UntagResource',
          'bedrock:TagResource',
          'bedrock:CreateInferenceProfile',
          'bedrock:PutModelInvocationLoggingConfiguration',
        ]),
      );
      // The start-up reads stay open to every principal of the account.
      expect(
        policies.bedrock!.filter((s) => !pinned([s]).length).flatMap((s) => s.actions),
      ).toEqual(expect.arrayContaining([...STARTUP_READ_ACTIONS]));
    });

    test('render the pin as a reference to the role, and add nothing to bedrock-runtime or sts', () => {
      const { endpoints, policies, admin, synth } = withAdmin();
      expect(pinned([...policies['bedrock-runtime']!, ...policies.sts!])).toEqual([]);
      const docs = synthesized(synth).data('aws_iam_policy_document');
      const roleRef = `\${aws_iam_role.${logicalId(admin.role)}.arn}`;
      const mentions = (service: string) => {
        const doc = endpoints.node.findChild(`EndpointPolicy-${service}`) as TerraformElement;
        return JSON.stringify(docs[logicalId(doc)]).includes(roleRef);
      };
      expect(['bedrock-runtime', 'bedrock', 'sts', 'logs'].map(mentions)).toEqual([
        false,
        true,
        false,
        true,
      ]);
    });

    test("never admit a wildcard action or one the role's policy only denies", () => {
      const { policies, admin } = withAdmin(US_REGIONS);
      const denied = admin.statements
        .filter((s) => s.effect === 'Deny')
        .flatMap((s) => s.actions ?? []);
      expect(denied).toEqual(expect.arrayContaining(['bedrock:*', 'bedrock:CallWithBearerToken']));
      const admitted = pinned([...policies.bedrock!, ...policies.logs!]).flatMap(
        (s) => s.actions ?? [],
      );
      expect(admitted.length).toBeGreaterThan(10);
      expect(admitted.filter((a) => a.includes('*'))).toEqual([]);
      expect(admitted).not.toContain('bedrock:CallWithBearerToken');
    });

    test('are absent without adminRole: no principal is pinned by ARN', () => {
      let endpoints: BedrockVpcEndpoints | undefined;
      Testing.synthScope((scope) => {
        endpoints = build({ endpoints: ['bedrock', 'sts', 'logs'] })(scope);
      });
      expect(pinned(Object.values(endpoints!.policyStatements).flat())).toEqual([]);
      expect(endpoints!.policyStatements.bedrock!.map((s) => s.sid)).not.toContain(
        'AdminRoleControlPlane',
      );
    });
  });

  describe('security group', () => {
    test('with allowedCidrs: one group allowing only HTTPS from each range, no egress', () => {
      const synth = Testing.synthScope(build({ allowedCidrs: ['10.0.0.0/8', 'fd00::/8'] }));
      expect(synth).toHaveResourceWithProperties(SecurityGroup, {
        name: 'acme-claude-bedrock-endpoints',
        vpc_id: VPC,
      });
      const sg = synthesized(synth).only('aws_security_group');
      expect(sg.egress).toBeUndefined();
      expect(sg.ingress).toBeUndefined();
      const rules = Object.values(
        synthesized(synth).resources('aws_vpc_security_group_ingress_rule'),
      );
      expect(
        rules.map((r) => [r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4, r.cidr_ipv6]),
      ).toEqual([
        ['tcp', 443, 443, '10.0.0.0/8', undefined],
        ['tcp', 443, 443, undefined, 'fd00::/8'],
      ]);
      const endpoint = synthesized(synth).only('aws_vpc_endpoint');
      expect(endpoint.security_group_ids).toEqual([
        `\${aws_security_group.${synthesized(synth).nameOf('aws_security_group')}.id}`,
      ]);
    });

    test('keys each ingress rule by its CIDR block, not its position', () => {
      const ids = (cidrs: string[]) => {
        let built: BedrockVpcEndpoints | undefined;
        Testing.synthScope((scope) => {
          built = build({ allowedCidrs: cidrs })(scope);
        });
        return Object.fromEntries(
          Object.entries(built!.ingressRules).map(([cidr, rule]) => [cidr, logicalId(rule)]),
        );
      };
      const before = ids(['10.0.0.0/8', '172.16.0.0/12']);
      const after = ids(['192.168.0.0/16', '172.16.0.0/12']);
      expect(after['172.16.0.0/12']).toBe(before['172.16.0.0/12']);
      expect(before['10.0.0.0/8']).toMatch(/Ingress-10000_8/);
    });

    test('with securityGroupIds: attaches them and creates none', () => {
      const synth = Testing.synthScope(
        build({ allowedCidrs: undefined, securityGroupIds: ['sg-0a1b2c3d'] }),
      );
      expect(synth).not.toHaveResource(SecurityGroup);
      expect(synth).not.toHaveResource(VpcSecurityGroupIngressRule);
      expect(synthesized(synth).only('aws_vpc_endpoint').security_group_ids).toEqual([
        'sg-0a1b2c3d',
      ]);
    });
  });

  test('accepts unresolved ids (a variable) and checks literal ones', () => {
    const synth = Testing.synthScope((scope) => {
      const vpc = new TerraformVariable(scope, 'vpc', { type: 'string' });
      build({ vpcId: vpc.stringValue })(scope);
    });
    expect(synthesized(synth).only('aws_vpc_endpoint').vpc_id).toBe('${var.vpc}');
  });

  test('reports every invalid prop at once', () => {
    expect(() =>
      Testing.synthScope(
        build({
          vpcId: 'vpc-1',
          subnetIds: [],
          securityGroupIds: ['sg-0a1b2c3d'],
          allowedCidrs: ['0.0.0.0/0'],
          endpoints: ['bedrock-runtime' as 'bedrock'],
        }),
      ),
    ).toThrow(
      new RegExp(
        [
          "BedrockVpcEndpoints 'stack/network' has 5 problems:",
          '  - vpcId: must be a VPC id.*\\(got "vpc-1"\\)',
          '  - subnetIds: must list at least one subnet \\(got \\[\\]\\)',
          '  - allowedCidrs\\[0\\]: must not be 0\\.0\\.0\\.0/0 or ::/0: an endpoint open to the whole internet defeats the point.*',
          '  - endpoints\\[0\\]: is always created: list only the extra endpoints.*',
          '  - allowedCidrs: cannot be combined with securityGroupIds.*',
        ].join('\n'),
      ),
    );
  });

  test('refuses more tiers than an endpoint policy can hold, saying how long it would be', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      TIERS.map((t) => ({
        ...t,
        name: `${t.name}${i}`,
        profileId: t.profileId.replace(/-v1(:0)?$/, `-r${i}-v1`),
      })),
    ).flat();
    expect(() => Testing.synthScope(build({ tiers: many }))).toThrow(
      /tiers: make the bedrock-runtime endpoint policy longer than the 20480-character limit of VPC endpoint policies; use fewer tiers.*\(got \d+ characters\)/,
    );
    expect(
      endpointPolicySize(
        endpointPolicyStatements('bedrock-runtime', {
          partition: 'aws',
          region: 'us-east-1',
          accountId: ACCOUNT,
          project: 'acme-claude',
          tiers: TIERS,
        }),
        ACCOUNT,
      ),
    ).toBeLessThan(ENDPOINT_POLICY_MAX_CHARS / 3);
  });

  test('refuses endpoints without a security group, with the fix', () => {
    expect(() => Testing.synthScope(build({ allowedCidrs: undefined }))).toThrow(
      /securityGroupIds: is required unless allowedCidrs is set/,
    );
  });
});

describe('endpoint-only access (DeveloperRole invokeOnlyThrough)', () => {
  const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
  const stack = (required: boolean) =>
    synthDocuments(
      (scope) => {
        const network = build()(scope);
        const role = new DeveloperRole(scope, 'developer', {
          context: CONTEXT,
          trust: ROOT_TRUST,
          tiers: TIERS,
          allowedRegions: US_REGIONS,
          invokeOnlyThrough: required ? network : undefined,
        });
        const set = new DeveloperPermissionSet(scope, 'sso', {
          instanceArn: INSTANCE,
          name: 'acme-claude-bedrock',
          developerRole: role,
        });
        return { network, role, set };
      },
      ({ role }) => ({ role: role.policyDocument }),
    );

  test('denies invoking and counting tokens unless the call comes through the runtime endpoint', () => {
    const { docs, built } = stack(true);
    expect(bySid(docs.role, 'DenyInvokeOutsideVpcEndpoint')).toEqual({
      sid: 'DenyInvokeOutsideVpcEndpoint',
      effect: 'Deny',
      actions: [...PROMPT_ACTIONS],
      resources: ['*'],
      condition: [
        {
          test: 'StringNotEquals',
          variable: 'aws:SourceVpce',
          values: [`\${aws_vpc_endpoint.${logicalId(built.network.runtimeEndpoint)}.id}`],
        },
      ],
    });
  });

  test('puts the statement in the role and the permission set alike', () => {
    const { synth, built } = stack(true);
    const inline = synthesized(synth).only('aws_ssoadmin_permission_set_inline_policy');
    const policy = synthesized(synth).only('aws_iam_policy');
    const doc = `\${data.aws_iam_policy_document.${logicalId(built.role.policyDocument)}.json}`;
    expect(inline.inline_policy).toBe(doc);
    expect(policy.policy).toBe(doc);
    expect(built.role.statements.map((s) => s.sid)).toContain('DenyInvokeOutsideVpcEndpoint');
  });

  test('is absent when not required', () => {
    const { docs, built } = stack(false);
    expect(docs.role.map((s) => s.sid)).not.toContain('DenyInvokeOutsideVpcEndpoint');
    expect(built.role.statements.map((s) => s.sid)).not.toContain('DenyInvokeOutsideVpcEndpoint');
  });
});
