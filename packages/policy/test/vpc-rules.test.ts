import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointPolicy } from '@cdktf/provider-aws/lib/vpc-endpoint-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { iamDeveloperEndpointDeny, vpcEndpointPolicy, vpcFlowLogs } from '../src';
import { addr, evaluateRule, newStack, resultFor } from './helpers';

const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const COUNT = 'bedrock:CountTokens';
const ACCOUNT = '123456789012';

function policyJson(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** This account's principals, invoke only: what BedrockVpcEndpoints writes. */
const SCOPED = policyJson({
  Effect: 'Allow',
  Principal: '*',
  Action: INVOKE,
  Resource: '*',
  Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
});

function endpoint(
  stack: TerraformStack,
  id: string,
  vpcId: string,
  opts: { service?: string; policy?: string; type?: string } = {},
): VpcEndpoint {
  return new VpcEndpoint(stack, id, {
    vpcId,
    serviceName: `com.amazonaws.us-east-1.${opts.service ?? 'bedrock-runtime'}`,
    vpcEndpointType: opts.type ?? 'Interface',
    policy: opts.policy,
  });
}

describe('CCB-VPC-1 endpoint policy not *', () => {
  test('compliant: principal * pinned to the account by aws:PrincipalAccount, invoke actions only', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    expect(resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep))).toMatchObject({
      status: 'compliant',
      reason: `policy allows only ${INVOKE.join(', ')}`,
    });
  });

  test('compliant: a policy document naming the account as principal', () => {
    const { stack } = newStack();
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [
        {
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
          actions: ['bedrock:ListInferenceProfiles'],
          resources: ['*'],
        },
      ],
    });
    const ep = endpoint(stack, 'ep', 'vpc-1', { service: 'bedrock', policy: doc.json });
    expect(resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep)).status).toBe('compliant');
  });

  test('non-compliant: no policy (AWS full-access default)', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1');
    const result = resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('has no policy');
  });

  test('non-compliant: principal * without a pinning condition', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', {
      policy: policyJson({
        Sid: 'Open',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: INVOKE,
        Resource: '*',
      }),
    });
    const result = resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain("statement 'Open' allows principal *");
  });

  test('non-compliant: action * (even for the account), and NotAction', () => {
    const { stack } = newStack();
    const star = endpoint(stack, 'star', 'vpc-1', {
      policy: policyJson({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: '*',
        Resource: '*',
      }),
    });
    const notAction = endpoint(stack, 'not', 'vpc-1', {
      policy: policyJson({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        NotAction: 'iam:*',
        Resource: '*',
      }),
    });
    const results = evaluateRule(vpcEndpointPolicy, stack);
    expect(resultFor(results, addr(star)).reason).toContain('allows action *');
    expect(resultFor(results, addr(notAction)).reason).toContain('every action but NotAction');
  });

  test('non-compliant: a pinning condition whose value is *', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', {
      policy: policyJson({
        Effect: 'Allow',
        Principal: '*',
        Action: INVOKE,
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalAccount': '*' } },
      }),
    });
    expect(resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep)).status).toBe(
      'non-compliant',
    );
  });

  test('non-compliant: a StringLike/ArnLike pin with a wildcard pins nothing', () => {
    const { stack } = newStack();
    const pinned = (test: string, key: string, value: string) =>
      policyJson({
        Sid: 'Pinned',
        Effect: 'Allow',
        Principal: '*',
        Action: INVOKE,
        Resource: '*',
        Condition: { [test]: { [key]: value } },
      });
    const arn = endpoint(stack, 'arn', 'vpc-1', {
      policy: pinned('StringLike', 'aws:PrincipalArn', 'arn:aws:iam::*:*'),
    });
    const arnLike = endpoint(stack, 'arnlike', 'vpc-1', {
      policy: pinned('ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/dev-?`),
    });
    const exact = endpoint(stack, 'exact', 'vpc-1', {
      policy: pinned('StringLike', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:role/dev`),
    });
    const results = evaluateRule(vpcEndpointPolicy, stack);
    for (const ep of [arn, arnLike]) {
      expect(resultFor(results, addr(ep))).toMatchObject({
        status: 'non-compliant',
        reason: expect.stringContaining("statement 'Pinned' allows principal * without"),
      });
    }
    expect(resultFor(results, addr(exact)).status).toBe('compliant');
  });

  test('non-compliant: service-wide wildcard actions (bedrock:*, logs:*, *:Invoke*)', () => {
    const { stack } = newStack();
    const results = (action: string) => {
      const ep = endpoint(stack, `ep-${action.replace(/[^a-z]/gi, '')}`, 'vpc-1', {
        policy: policyJson({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: action,
          Resource: '*',
        }),
      });
      return () => resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep));
    };
    const checks = ['bedrock:*', 'logs:*', '*:Invoke*'].map((a) => [a, results(a)] as const);
    const narrow = results('bedrock:Invoke*');
    for (const [action, result] of checks) {
      expect(result()).toMatchObject({
        status: 'non-compliant',
        reason: expect.stringContaining(`allows action ${action} (every action of a service)`),
      });
    }
    expect(narrow().status).toBe('compliant');
  });

  test("non-compliant: a principal of another account than the policy's aws:PrincipalAccount", () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', {
      policy: policyJson({
        Sid: 'Foreign',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::999999999999:root', '888888888888'] },
        Action: INVOKE,
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
      }),
    });
    const result = resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain(
      `statement 'Foreign' allows principals of another account than the stack's (${ACCOUNT}): arn:aws:iam::999999999999:root, 888888888888`,
    );
  });

  test("non-compliant: principals or a pin of another account than the provider's allowed_account_ids", () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'us-east-1', allowedAccountIds: [ACCOUNT] });
    const ours = endpoint(stack, 'ours', 'vpc-1', { policy: SCOPED });
    const pinnedElsewhere = endpoint(stack, 'pin', 'vpc-1', {
      policy: policyJson({
        Effect: 'Allow',
        Principal: '*',
        Action: INVOKE,
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } },
      }),
    });
    const results = evaluateRule(vpcEndpointPolicy, stack);
    expect(resultFor(results, addr(ours)).status).toBe('compliant');
    expect(resultFor(results, addr(pinnedElsewhere))).toMatchObject({
      status: 'non-compliant',
      reason: expect.stringContaining(
        `another account than the stack's (${ACCOUNT}): 999999999999`,
      ),
    });
  });

  test('compliant: the policy set by an aws_vpc_endpoint_policy', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1');
    new VpcEndpointPolicy(stack, 'policy', { vpcEndpointId: ep.id, policy: SCOPED });
    expect(resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep)).status).toBe('compliant');
  });

  test('non-compliant: an aws_vpc_endpoint_policy allowing action *', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1');
    const other = endpoint(stack, 'other', 'vpc-1');
    new VpcEndpointPolicy(stack, 'policy', {
      vpcEndpointId: ep.id,
      policy: policyJson({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: '*',
        Resource: '*',
      }),
    });
    const results = evaluateRule(vpcEndpointPolicy, stack);
    expect(resultFor(results, addr(ep)).reason).toContain('allows action *');
    // The policy of one endpoint is not another's.
    expect(resultFor(results, addr(other)).reason).toContain('has no policy');
  });

  test('not applicable: Gateway Load Balancer endpoints (no policy)', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { type: 'GatewayLoadBalancer' });
    expect(resultFor(evaluateRule(vpcEndpointPolicy, stack), addr(ep)).status).toBe(
      'not-applicable',
    );
  });
});

describe('CCB-VPC-2 flow logs on the endpoint VPC', () => {
  test('compliant: an ALL flow log on the same VPC (by reference)', () => {
    const { stack } = newStack();
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const ep = endpoint(stack, 'ep', vpc.id, { policy: SCOPED });
    const log = new FlowLog(stack, 'log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 's3',
      logDestination: 'arn:aws:s3:::flow-logs',
    });
    expect(resultFor(evaluateRule(vpcFlowLogs, stack), addr(ep))).toMatchObject({
      status: 'compliant',
      reason: expect.stringContaining(addr(log)),
    });
  });

  test('non-compliant: no flow log, or one on another VPC', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    new FlowLog(stack, 'other', {
      vpcId: 'vpc-2',
      trafficType: 'ALL',
      logDestination: 'arn:aws:s3:::x',
      logDestinationType: 's3',
    });
    const result = resultFor(evaluateRule(vpcFlowLogs, stack), addr(ep));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('no aws_flow_log on vpc-1');
  });

  test('non-compliant: a flow log recording only REJECT traffic', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    new FlowLog(stack, 'log', {
      vpcId: 'vpc-1',
      trafficType: 'REJECT',
      logDestination: 'arn:aws:s3:::x',
      logDestinationType: 's3',
    });
    expect(resultFor(evaluateRule(vpcFlowLogs, stack), addr(ep)).reason).toContain(
      'record only REJECT',
    );
  });

  test('only bedrock-runtime interface endpoints are judged', () => {
    const { stack } = newStack();
    endpoint(stack, 'sts', 'vpc-1', { service: 'sts', policy: SCOPED });
    expect(evaluateRule(vpcFlowLogs, stack)).toEqual([]);
  });
});

describe('CCB-IAM-3 endpoint-only deny', () => {
  const TRUST = policyJson({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'sts:AssumeRole',
  });

  /** A developer role whose managed policy allows invoke, plus the deny on `vpce` values. */
  function developer(
    stack: TerraformStack,
    vpce?: string[],
    test = 'StringNotEquals',
    extra: { test: string; variable: string; values: string[] }[] = [],
    variable = 'aws:SourceVpce',
  ) {
    const role = new IamRole(stack, 'role', { name: 'acme-developer', assumeRolePolicy: TRUST });
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [
        { effect: 'Allow', actions: INVOKE, resources: ['*'] },
        ...(vpce
          ? [
              {
                sid: 'DenyInvokeOutsideVpcEndpoint',
                effect: 'Deny',
                actions: INVOKE,
                resources: ['*'],
                condition: [{ test, variable, values: vpce }, ...extra],
              },
            ]
          : []),
      ],
    });
    const policy = new IamPolicy(stack, 'policy', { name: 'acme-developer', policy: doc.json });
    new IamRolePolicyAttachment(stack, 'attach', { role: role.name, policyArn: policy.arn });
    return { role, doc };
  }

  const REQUIRED = { network: { requireVpcEndpoint: true } };

  test('compliant: the deny names the stack endpoint, on the role and the permission set', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role, doc } = developer(stack, [ep.id]);
    const set = new SsoadminPermissionSetInlinePolicy(stack, 'set', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      inlinePolicy: doc.json,
    });
    const results = evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED);
    expect(resultFor(results, addr(role))).toMatchObject({
      status: 'compliant',
      reason: expect.stringContaining(
        `('DenyInvokeOutsideVpcEndpoint') denies invoke unless aws:SourceVpce is ${addr(ep)}`,
      ),
    });
    expect(resultFor(results, addr(set)).status).toBe('compliant');
  });

  test('non-compliant: required but absent, on the role and the permission set', () => {
    const { stack } = newStack();
    endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role, doc } = developer(stack);
    const set = new SsoadminPermissionSetInlinePolicy(stack, 'set', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      inlinePolicy: doc.json,
    });
    const results = evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED);
    expect(resultFor(results, addr(role)).reason).toContain('network.requireVpcEndpoint is true');
    expect(resultFor(results, addr(set)).status).toBe('non-compliant');
  });

  test('non-compliant: the deny names another endpoint than the bedrock-runtime one', () => {
    const { stack } = newStack();
    const runtime = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const sts = endpoint(stack, 'sts', 'vpc-1', { service: 'sts', policy: SCOPED });
    const { role } = developer(stack, [sts.id]);
    const result = resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain(`does not name ${addr(runtime)}`);
  });

  test('non-compliant: StringNotEqualsIfExists lets calls without aws:SourceVpce through', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role } = developer(stack, [ep.id], 'StringNotEqualsIfExists');
    expect(
      resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role)).status,
    ).toBe('non-compliant');
  });

  test('non-compliant: a deny narrowed by another condition (IAM ANDs them), required or not', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const region = { test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['eu-west-1'] };
    const { role } = developer(stack, [ep.id], 'StringNotEquals', [region]);
    for (const options of [REQUIRED, {}]) {
      const result = resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, options), addr(role));
      expect(result.status).toBe('non-compliant');
      expect(result.reason).toContain(
        "('DenyInvokeOutsideVpcEndpoint') denies invoke outside aws:SourceVpce only when also StringEquals aws:RequestedRegion eu-west-1 (IAM ANDs conditions)",
      );
    }
  });

  test('non-compliant: every extra condition is named', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role } = developer(stack, [ep.id], 'StringNotEquals', [
      { test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['eu-west-1'] },
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['true'] },
    ]);
    const result = resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain(
      'StringEquals aws:RequestedRegion eu-west-1 and Bool aws:SecureTransport true',
    );
  });

  test('compliant: operator and key are compared case-insensitively', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role } = developer(stack, [ep.id], 'stringnotequals', [], 'AWS:SourceVPCE');
    expect(
      resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role)).status,
    ).toBe('compliant');
  });

  test('compliant: the deny split over two statements, token counting included', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const role = new IamRole(stack, 'role', { name: 'acme-developer', assumeRolePolicy: TRUST });
    const outside = [{ test: 'StringNotEquals', variable: 'aws:SourceVpce', values: [ep.id] }];
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [
        { effect: 'Allow', actions: [...INVOKE, COUNT], resources: ['*'] },
        { effect: 'Deny', actions: INVOKE, resources: ['*'], condition: outside },
        { effect: 'Deny', actions: [COUNT], resources: ['*'], condition: outside },
      ],
    });
    new IamRolePolicy(stack, 'policy', { role: role.name, policy: doc.json });
    expect(
      resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role)).status,
    ).toBe('compliant');
  });

  test('non-compliant: token counting allowed but left out of the deny', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role, doc } = developer(stack, [ep.id]);
    doc.addOverride('statement.0.actions', [COUNT]); // appended: the role may count tokens
    const result = resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain(`does not deny ${COUNT} outside the endpoint`);
  });

  test('compliant: a role that cannot count tokens needs only the invoke actions denied', () => {
    const { stack } = newStack();
    const ep = endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role } = developer(stack, [ep.id]);
    expect(
      resultFor(evaluateRule(iamDeveloperEndpointDeny, stack, REQUIRED), addr(role)).status,
    ).toBe('compliant');
  });

  test('non-compliant: a deny in a stack without any bedrock-runtime endpoint', () => {
    const { stack } = newStack();
    const { role } = developer(stack, ['vpce-0123456789abcdef0']);
    expect(resultFor(evaluateRule(iamDeveloperEndpointDeny, stack), addr(role)).reason).toContain(
      'no bedrock-runtime interface endpoint',
    );
  });

  test('not applicable: not required and absent; roles and permission sets that cannot invoke are skipped', () => {
    const { stack } = newStack();
    endpoint(stack, 'ep', 'vpc-1', { policy: SCOPED });
    const { role } = developer(stack);
    new IamRole(stack, 'admin', { name: 'acme-admin', assumeRolePolicy: TRUST });
    new SsoadminPermissionSetInlinePolicy(stack, 'readonly', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2',
      inlinePolicy: policyJson({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    });
    const results = evaluateRule(iamDeveloperEndpointDeny, stack);
    expect(results).toEqual([
      expect.objectContaining({ address: addr(role), status: 'not-applicable' }),
    ]);
  });
});
