import { NormalizedStatement, actionCovers, policyStatements } from '../iam';
import { PolicyRule, compliant, nonCompliant, notApplicable } from '../rule';
import { endpointPolicy, endpointType } from './vpc';

/** Condition keys that pin a `*` principal to an account, organization or principal. */
const PRINCIPAL_KEYS = ['aws:principalaccount', 'aws:principalorgid', 'aws:principalarn'];
const PINNING_TESTS = [
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
];

/** Whether an action pattern covers every service (`*`, `*:*`). */
function isAnyAction(pattern: string): boolean {
  return actionCovers(pattern, 'ec2:DescribeInstances') && actionCovers(pattern, 's3:GetObject');
}

/** Whether a statement pins its principals with a condition on the principal's account/org/ARN. */
function pinsPrincipal(s: NormalizedStatement): boolean {
  return s.conditions.some(
    (c) =>
      PINNING_TESTS.includes(c.test.toLowerCase()) &&
      PRINCIPAL_KEYS.includes(c.variable.toLowerCase()) &&
      c.values.length > 0 &&
      !c.values.includes('*'),
  );
}

/** Why an Allow statement of an endpoint policy is too wide (empty: it is not). */
export function endpointStatementProblems(s: NormalizedStatement): string[] {
  if (s.effect !== 'Allow') return [];
  const name = s.sid ? `statement '${s.sid}'` : 'a statement';
  const problems: string[] = [];
  if (s.notActions) problems.push(`${name} allows every action but NotAction`);
  const any = (s.actions ?? []).filter(isAnyAction);
  if (any.length > 0) problems.push(`${name} allows action ${any.join(', ')}`);
  if (s.notPrincipals) problems.push(`${name} allows every principal but NotPrincipal`);
  const wildcard =
    s.principals === undefined || s.principals.some((p) => p.identifiers.includes('*'));
  if (wildcard && !s.notPrincipals && !pinsPrincipal(s)) {
    problems.push(
      `${name} allows principal * without a condition pinning aws:PrincipalAccount, aws:PrincipalOrgID or aws:PrincipalArn`,
    );
  }
  return problems;
}

/** VPC endpoint policies limit who may call which actions through the endpoint. */
export const vpcEndpointPolicy: PolicyRule = {
  id: 'CCB-VPC-1',
  description:
    'VPC endpoints (Interface, Gateway) have a policy (their own or an aws_vpc_endpoint_policy) that allows neither principal * (unless a condition pins aws:PrincipalAccount/OrgID/Arn) nor action * (no policy = AWS full-access default)',
  severity: 'error',
  fix: "Set the aws_vpc_endpoint's policy: Allow only the actions the service needs (bedrock-runtime: the invoke actions on your inference profiles and models) to principals of this account (BedrockVpcEndpoints from @claude-code-bedrock/foundation does this)",
  checks: ['private-network-path'],
  evaluate({ model }) {
    return model.ofType('aws_vpc_endpoint').map((endpoint) => {
      const type = endpointType(endpoint);
      if (type !== 'Interface' && type !== 'Gateway') {
        return notApplicable(endpoint, `${type} endpoints have no endpoint policy`);
      }
      const policy = endpointPolicy(model, endpoint);
      if (policy.value === undefined) {
        return nonCompliant(
          endpoint,
          'has no policy, so AWS applies its default: any principal, any action, any resource',
        );
      }
      const { statements, unresolved } = policyStatements(policy.value, model, policy.source);
      if (statements.length === 0) {
        return nonCompliant(
          endpoint,
          unresolved.length > 0
            ? 'its policy is a Terraform expression that cannot be read at synth (write it as JSON or an aws_iam_policy_document)'
            : 'its policy has no statement',
        );
      }
      const problems = statements.flatMap(endpointStatementProblems);
      if (problems.length > 0) return nonCompliant(endpoint, problems.join('; '));
      const actions = [
        ...new Set(statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions ?? [])),
      ];
      return compliant(endpoint, `policy allows only ${actions.join(', ') || 'nothing'}`);
    });
  },
};
