// The network rules on the resources the kit really synthesizes: BedrockVpcEndpoints (endpoint
// policies as aws_iam_policy_document data sources naming the account root), VpcFlowLogs
// (cloud-watch-logs or s3) and DeveloperRole / DeveloperPermissionSet with the endpoint-only deny.
// The hand-built shapes are in vpc-rules.test.ts and network-compliance.test.ts.
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { resolveTiers } from '@claude-code-bedrock/core';
import {
  BedrockVpcEndpoints,
  DeveloperPermissionSet,
  DeveloperRole,
  PROMPT_ACTIONS as KIT_PROMPT_ACTIONS,
  toDocumentStatements,
} from '@claude-code-bedrock/foundation';
import { VpcFlowLogs } from '@claude-code-bedrock/logging';
import { TerraformStack, Testing } from 'cdktf';
import {
  ENDPOINT_DENY_SID,
  PROMPT_ACTIONS,
  PolicyOptions,
  StackModel,
  applyChecks,
  evaluateCompliance,
  iamDeveloperEndpointDeny,
  policyStatements,
  vpcEndpointPolicy,
  vpcFlowLogs,
} from '../src';
import { addr, evaluateRule, newStack, resultFor, tfJson } from './helpers';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const TIERS = resolveTiers({
  models: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
});
const REQUIRED: PolicyOptions = { network: { requireVpcEndpoint: true } };

interface Parts {
  /** `none`: no VpcFlowLogs. @default 'cloudwatch' */
  readonly flowLogs?: 'cloudwatch' | 's3' | 'none';
  /** Pass the endpoints to DeveloperRole as `invokeOnlyThrough`. @default true */
  readonly deny?: boolean;
}

/** The kit's network constructs in one stack, the account id a token as in the environments. */
function networkStack(parts: Parts = {}) {
  const { app, stack } = newStack('prod');
  const accountId = new DataAwsCallerIdentity(stack, 'caller').accountId;
  const context = { project: 'acme-claude', accountId, region: 'us-east-1' };
  const network = new BedrockVpcEndpoints(stack, 'network', {
    context,
    vpcId: VPC,
    subnetIds: ['subnet-0a1b2c3d4e5f60718'],
    allowedCidrs: ['10.0.0.0/8'],
    endpoints: ['bedrock', 'sts', 'logs'],
    tiers: TIERS,
  });
  const destination = parts.flowLogs ?? 'cloudwatch';
  const flowLogs =
    destination === 'none'
      ? undefined
      : new VpcFlowLogs(stack, 'flow-logs', {
          context,
          vpcId: VPC,
          destination,
          retentionDays: 365,
          bucketPrefix: 'acme-claude-prod',
        });
  const developer = new DeveloperRole(stack, 'developer-role', {
    context,
    trust: { principals: ['arn:aws:iam::123456789012:root'] },
    tiers: TIERS,
    invokeOnlyThrough: parts.deny === false ? undefined : network,
  });
  const permissionSet = new DeveloperPermissionSet(stack, 'sso', {
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    name: 'acme-claude-bedrock',
    developerRole: developer,
  });
  const runtime = addr(network.runtimeEndpoint);
  return { app, stack, network, flowLogs, developer, permissionSet, runtime };
}

const endpointDoc = (network: BedrockVpcEndpoints, service: string) =>
  network.node.findChild(`EndpointPolicy-${service}`) as DataAwsIamPolicyDocument;

const networkProof = (stack: TerraformStack, options: PolicyOptions = REQUIRED) => {
  const control = evaluateCompliance(tfJson(stack), options).controls.find(
    (c) => c.id === 'network-proof',
  );
  if (!control) throw new Error('no network-proof control');
  return control;
};

describe('the real constructs, compliant', () => {
  test('the kit and the rules agree on the deny Sid and the prompt actions', () => {
    expect([...KIT_PROMPT_ACTIONS]).toEqual([...PROMPT_ACTIONS]);
    const { developer } = networkStack();
    const deny = developer.statements.find((s) => s.sid === ENDPOINT_DENY_SID);
    expect(deny?.actions).toEqual([...PROMPT_ACTIONS]);
  });

  test('the normalizer reads principals, actions and conditions of the endpoint policy data source', () => {
    const { stack, network, runtime } = networkStack();
    const model = new StackModel(tfJson(stack));
    const endpoint = model.get(runtime)!;
    expect(endpoint.config.policy).toBe(
      `\${data.aws_iam_policy_document.${endpointDoc(network, 'bedrock-runtime').friendlyUniqueId}.json}`,
    );
    const { statements, unresolved } = policyStatements(
      endpoint.config.policy,
      model,
      endpoint.address,
    );
    expect(unresolved).toEqual([]);
    expect(statements.length).toBeGreaterThan(0);
    const account = '${data.aws_caller_identity.caller.account_id}';
    for (const s of statements) {
      expect(s.effect).toBe('Allow');
      expect(s.principals).toEqual([
        { type: 'AWS', identifiers: [`arn:aws:iam::${account}:root`] },
      ]);
      expect(s.conditions).toContainEqual({
        test: 'StringEquals',
        variable: 'aws:PrincipalAccount',
        values: [account],
      });
    }
    expect([...new Set(statements.flatMap((s) => s.actions ?? []))]).toEqual([...PROMPT_ACTIONS]);
  });

  test('CCB-VPC-1: every endpoint policy is compliant', () => {
    const { stack, network, runtime } = networkStack();
    const results = evaluateRule(vpcEndpointPolicy, stack);
    expect(results).toHaveLength(4);
    for (const endpoint of Object.values(network.endpoints)) {
      expect(resultFor(results, addr(endpoint!)).status).toBe('compliant');
    }
    expect(resultFor(results, runtime).reason).toBe(
      `policy allows only ${PROMPT_ACTIONS.join(', ')}`,
    );
  });

  test.each(['cloudwatch', 's3'] as const)(
    'CCB-VPC-2: flow logs to %s on the endpoint VPC are compliant',
    (destination) => {
      const { stack, flowLogs, runtime } = networkStack({ flowLogs: destination });
      expect(resultFor(evaluateRule(vpcFlowLogs, stack), runtime)).toMatchObject({
        status: 'compliant',
        reason: `${addr(flowLogs!.flowLog)} records ALL traffic of ${VPC}`,
      });
    },
  );

  test('CCB-IAM-3: the deny of the role and the permission set names the runtime endpoint', () => {
    const { stack, developer, permissionSet, runtime } = networkStack();
    const results = evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED);
    expect(results).toHaveLength(2);
    expect(resultFor(results, addr(developer.role))).toMatchObject({
      status: 'compliant',
      reason: expect.stringContaining(
        `('${ENDPOINT_DENY_SID}') denies invoke unless aws:SourceVpce is ${runtime} (${PROMPT_ACTIONS.join(', ')})`,
      ),
    });
    expect(resultFor(results, addr(permissionSet.inlinePolicy)).status).toBe('compliant');
  });

  test('network proof: PASS, proven by the endpoint, the flow log, its log group and the role', () => {
    const { stack, flowLogs, developer, permissionSet, runtime } = networkStack();
    const control = networkProof(stack);
    expect(control.status).toBe('PASS');
    expect(control.addresses).toEqual(
      expect.arrayContaining([
        runtime,
        addr(flowLogs!.flowLog),
        addr(flowLogs!.logGroup!),
        addr(developer.role),
        addr(permissionSet.inlinePolicy),
      ]),
    );
    const [check] = control.checks;
    expect(check.caveats).toEqual([]);
    expect(check.evidence.join('\n')).toContain(
      `${addr(flowLogs!.flowLog)}: records ALL traffic of ${VPC} to cloud-watch-logs (${addr(flowLogs!.logGroup!)})`,
    );
  });

  test('network proof with S3 flow logs names the bucket', () => {
    const { stack, flowLogs } = networkStack({ flowLogs: 's3' });
    const control = networkProof(stack);
    expect(control.status).toBe('PASS');
    expect(control.addresses).toContain(addr(flowLogs!.bucket!.bucket));
    expect(control.checks[0].evidence.join('\n')).toContain(`records ALL traffic of ${VPC} to s3`);
  });

  test('synth with the checks succeeds', () => {
    const { stack } = networkStack();
    applyChecks(stack, REQUIRED);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

describe('the real constructs, non-compliant', () => {
  test('CCB-VPC-1: action * added to the runtime endpoint policy through an escape hatch', () => {
    const { stack, network, runtime } = networkStack();
    // Array overrides append: the first statement now also allows '*'.
    endpointDoc(network, 'bedrock-runtime').addOverride('statement.0.actions', ['*']);
    const result = resultFor(evaluateRule(vpcEndpointPolicy, stack), runtime);
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain("statement 'InvokeProjectApplicationProfiles' allows action *");
    expect(networkProof(stack).status).toBe('MISSING');
  });

  test('CCB-VPC-1: a hand-built document for any principal, unpinned, replacing the policy', () => {
    const { stack, network } = networkStack();
    const open = new DataAwsIamPolicyDocument(stack, 'open', {
      statement: [
        {
          sid: 'Anyone',
          effect: 'Allow',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['bedrock:ListInferenceProfiles'],
          resources: ['*'],
        },
      ],
    });
    network.endpoints.bedrock!.policy = open.json;
    const result = resultFor(
      evaluateRule(vpcEndpointPolicy, stack),
      addr(network.endpoints.bedrock!),
    );
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain("statement 'Anyone' allows principal * without a condition");
  });

  test('CCB-VPC-2: endpoints without flow logs', () => {
    const { stack, runtime } = networkStack({ flowLogs: 'none' });
    const result = resultFor(evaluateRule(vpcFlowLogs, stack), runtime);
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain(`no aws_flow_log on ${VPC}`);
    const control = networkProof(stack);
    expect(control.status).toBe('MISSING');
    expect(control.configKeys).toEqual(['network.flowLogs.enabled']);
  });

  test('CCB-IAM-3: required but the role was built without invokeOnlyThrough', () => {
    const { stack, developer, permissionSet } = networkStack({ deny: false });
    const results = evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED);
    for (const target of [developer.role, permissionSet.inlinePolicy]) {
      const result = resultFor(results, addr(target));
      expect(result.status).toBe('non-compliant');
      expect(result.reason).toContain(
        `no Deny of ${PROMPT_ACTIONS.join(', ')} on * with StringNotEquals aws:SourceVpce, though network.requireVpcEndpoint is true`,
      );
    }
    expect(networkProof(stack).checks[0].gaps.some((g) => g.startsWith('[CCB-IAM-3]'))).toBe(true);
    // Not required: not applicable; NOT CONFIGURED, the public endpoint stays open.
    expect(evaluateRule(iamDeveloperEndpointDeny, stack).map((r) => r.status)).toEqual([
      'not-applicable',
      'not-applicable',
    ]);
    const open = networkProof(stack, {});
    expect(open.status).toBe('NOT CONFIGURED');
    expect(open.configKeys).toEqual(['network.requireVpcEndpoint']);
    expect(open.checks[0].notConfigured.join('\n')).toContain(
      `no endpoint-only deny on developer role ${addr(developer.role)}`,
    );
  });

  test('CCB-IAM-3: required and missing fails synth', () => {
    const { stack, developer } = networkStack({ deny: false });
    applyChecks(stack, REQUIRED);
    expect(() => Testing.synth(stack, true)).toThrow(
      new RegExp(`\\[CCB-IAM-3\\] ${addr(developer.role).replace(/\./g, '\\.')}`),
    );
  });

  test('CCB-IAM-3: a deny that leaves token counting open, while the policy allows it', () => {
    const { stack, developer, permissionSet } = networkStack();
    // An escape hatch: the role's policy replaced by one whose deny names the invoke actions only.
    const narrowed = new DataAwsIamPolicyDocument(stack, 'narrowed', {
      statement: toDocumentStatements(
        developer.statements.map((s) =>
          s.sid === ENDPOINT_DENY_SID
            ? { ...s, actions: s.actions?.filter((a) => a !== 'bedrock:CountTokens') }
            : s,
        ),
      ),
    });
    developer.policy.policy = narrowed.json;
    permissionSet.inlinePolicy.inlinePolicy = narrowed.json;
    const results = evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED);
    for (const target of [developer.role, permissionSet.inlinePolicy]) {
      const result = resultFor(results, addr(target));
      expect(result.status).toBe('non-compliant');
      expect(result.reason).toContain(
        'does not deny bedrock:CountTokens outside the endpoint, though the policy allows it',
      );
    }
    const control = networkProof(stack);
    expect(control.status).toBe('MISSING');
    expect(control.checks[0].caveats.join('\n')).toContain(
      `no endpoint-only deny on developer role ${addr(developer.role)}`,
    );
  });
});
