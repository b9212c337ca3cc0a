import { NormalizedStatement, PolicyCondition, actionCovers, policyStatements } from '../iam';
import { StackModel, block, blocks, strings } from '../model';
import { PolicyRule, compliant, nonCompliant, notApplicable } from '../rule';
import { endpointPolicy, endpointType } from './vpc';

/** Condition keys that pin a `*` principal to an account, organization or principal. */
const PRINCIPAL_KEYS = ['aws:principalaccount', 'aws:principalorgid', 'aws:principalarn'];
/** Operators that pin to exactly the values named. */
const EXACT_TESTS = ['stringequals', 'stringequalsignorecase', 'arnequals'];
/** Operators that pin only when their values have no wildcard (`*`, `?`). */
const PATTERN_TESTS = ['stringlike', 'arnlike'];

const hasWildcard = (value: string) => /[*?]/.test(value);

/**
 * Whether an action pattern covers a whole service or every service: `*`, `*:*`, `bedrock:*`,
 * or a wildcard service prefix.
 */
function isServiceWideAction(pattern: string): boolean {
  if (actionCovers(pattern, 'ec2:DescribeInstances') && actionCovers(pattern, 's3:GetObject')) {
    return true;
  }
  const [service, name] = pattern.split(':');
  return name === undefined || hasWildcard(service) || /^[*?]*\*[*?]*$/.test(name);
}

/** Whether a condition pins principals: an exact operator, or a pattern one without wildcards. */
function isPin(c: PolicyCondition): boolean {
  const test = c.test.toLowerCase();
  return (
    PRINCIPAL_KEYS.includes(c.variable.toLowerCase()) &&
    c.values.length > 0 &&
    !c.values.includes('*') &&
    (EXACT_TESTS.includes(test) || (PATTERN_TESTS.includes(test) && !c.values.some(hasWildcard)))
  );
}

/** Whether a statement pins its principals with a condition on the principal's account/org/ARN. */
function pinsPrincipal(s: NormalizedStatement): boolean {
  return s.conditions.some(isPin);
}

/** The `aws:PrincipalAccount` values a statement pins to exactly. */
function pinnedAccounts(s: NormalizedStatement): string[] {
  return s.conditions
    .filter((c) => isPin(c) && c.variable.toLowerCase() === 'aws:principalaccount')
    .flatMap((c) => c.values);
}

/** The account of an AWS principal: a bare account id or an IAM/STS ARN's account field. */
function principalAccount(identifier: string): string | undefined {
  if (/^\d{12}$/.test(identifier)) return identifier;
  return /^arn:[^:]+:(?:iam|sts)::([^:]+):/.exec(identifier)?.[1];
}

/** A literal 12-digit account id (not a Terraform expression). */
const isAccountId = (value: string) => /^\d{12}$/.test(value);

/**
 * The stack's account ids, literal only: the AWS provider's `allowed_account_ids`, else the
 * `aws:PrincipalAccount` values the endpoint policy pins to (the policy's own word on whose
 * endpoint it is). Accounts written as `${data.aws_caller_identity...}` cannot be compared with
 * a literal id at synth, so they are not listed (a principal written with the same expression is
 * the stack's).
 */
export function stackAccounts(
  model: StackModel,
  statements: readonly NormalizedStatement[],
): string[] {
  const providers = blocks(block(model.json.provider)?.aws);
  const fromProvider = providers.flatMap((p) => strings(p.allowed_account_ids));
  const literal = fromProvider.filter(isAccountId);
  if (literal.length > 0) return [...new Set(literal)];
  return [...new Set(statements.flatMap(pinnedAccounts).filter(isAccountId))];
}

/**
 * Why an Allow statement of an endpoint policy is too wide (empty: it is not). `accounts` are the
 * stack's literal account ids ({@link stackAccounts}); principals of another account are flagged.
 */
export function endpointStatementProblems(
  s: NormalizedStatement,
  accounts: readonly string[] = [],
): string[] {
  if (s.effect !== 'Allow') return [];
  const name = s.sid ? `statement '${s.sid}'` : 'a statement';
  const problems: string[] = [];
  if (s.notActions) problems.push(`${name} allows every action but NotAction`);
  const wide = (s.actions ?? []).filter(isServiceWideAction);
  if (wide.length > 0) {
    problems.push(`${name} allows action ${wide.join(', ')} (every action of a service)`);
  }
  if (s.notPrincipals) problems.push(`${name} allows every principal but NotPrincipal`);
  const wildcard =
    s.principals === undefined || s.principals.some((p) => p.identifiers.includes('*'));
  if (wildcard && !s.notPrincipals && !pinsPrincipal(s)) {
    problems.push(
      `${name} allows principal * without a condition pinning aws:PrincipalAccount, aws:PrincipalOrgID or aws:PrincipalArn to values without wildcards`,
    );
  }
  if (accounts.length > 0) {
    const foreign = [
      ...(s.principals ?? [])
        .filter((p) => p.type === 'AWS')
        .flatMap((p) => p.identifiers)
        .filter((id) => {
          const account = principalAccount(id);
          return account !== undefined && isAccountId(account) && !accounts.includes(account);
        }),
      ...pinnedAccounts(s).filter((a) => isAccountId(a) && !accounts.includes(a)),
    ];
    if (foreign.length > 0) {
      problems.push(
        `${name} allows principals of another account than the stack's (${accounts.join(', ')}): ${[...new Set(foreign)].join(', ')}`,
      );
    }
  }
  return problems;
}

/** VPC endpoint policies limit who may call which actions through the endpoint. */
export const vpcEndpointPolicy: PolicyRule = {
  id: 'CCB-VPC-1',
  description:
    'VPC endpoints (Interface, Gateway) have a policy (their own or an aws_vpc_endpoint_policy) that allows neither principal * (unless a condition pins aws:PrincipalAccount/OrgID/Arn to values without wildcards), nor a principal of another account, nor every action of a service (*, bedrock:*) (no policy = AWS full-access default)',
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
      const accounts = stackAccounts(model, statements);
      const problems = statements.flatMap((s) => endpointStatementProblems(s, accounts));
      if (problems.length > 0) return nonCompliant(endpoint, problems.join('; '));
      const actions = [
        ...new Set(statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions ?? [])),
      ];
      return compliant(endpoint, `policy allows only ${actions.join(', ') || 'nothing'}`);
    });
  },
};
