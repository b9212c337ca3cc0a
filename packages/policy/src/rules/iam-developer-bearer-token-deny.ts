import { NormalizedStatement, rolePermissionStatements, statementCovers, tagsOf } from '../iam';
import { StackModel, TfElement } from '../model';
import {
  DEVELOPER_ROLE_TAG,
  PolicyRule,
  TagMarker,
  compliant,
  nonCompliant,
  notApplicable,
} from '../rule';

export const BEARER_TOKEN_ACTION = 'bedrock:CallWithBearerToken';

/** An unconditional Deny of `bedrock:CallWithBearerToken` on every resource. */
export function isBearerTokenDeny(s: NormalizedStatement): boolean {
  return (
    s.effect === 'Deny' &&
    statementCovers(s, BEARER_TOKEN_ACTION) &&
    (s.resources ?? []).includes('*') &&
    s.conditions.length === 0
  );
}

/** Roles named `*-developer` or carrying the developer marker tag. */
export function developerRoles(
  model: StackModel,
  tag: TagMarker = DEVELOPER_ROLE_TAG,
): TfElement[] {
  return model.ofType('aws_iam_role').filter((role) => isDeveloperRole(role, tag));
}

function isDeveloperRole(role: TfElement, tag: TagMarker): boolean {
  const name = role.config.name;
  return (
    (typeof name === 'string' && name.endsWith('-developer')) || tagsOf(role)[tag.key] === tag.value
  );
}

/** Developer roles deny Bedrock API keys (bearer tokens break per-developer attribution). */
export const iamDeveloperBearerTokenDeny: PolicyRule = {
  id: 'CCB-IAM-2',
  description: `Developer roles (name ending in -developer, or tagged) deny ${BEARER_TOKEN_ACTION} on * without conditions`,
  severity: 'error',
  fix: `Add a statement { Effect: 'Deny', Action: '${BEARER_TOKEN_ACTION}', Resource: '*' } to a policy attached to the role (DeveloperRole from @claude-code-bedrock/foundation does this)`,
  checks: ['least-privilege'],
  evaluate({ model, options }) {
    const tag = options.developerRoleTag ?? DEVELOPER_ROLE_TAG;
    return model.ofType('aws_iam_role').map((role) => {
      if (!isDeveloperRole(role, tag)) {
        return notApplicable(
          role,
          `not a developer role (name does not end with -developer, no ${tag.key}=${tag.value} tag)`,
        );
      }
      const { statements, unresolved, policyAddresses } = rolePermissionStatements(role, model);
      const deny = statements.find(isBearerTokenDeny);
      if (deny) return compliant(role, `${deny.source} denies ${BEARER_TOKEN_ACTION}`);
      const read = policyAddresses.length > 0 ? policyAddresses.join(', ') : 'no attached policies';
      return nonCompliant(
        role,
        `no unconditional Deny of ${BEARER_TOKEN_ACTION} on * in the role's policies (read: ${read})` +
          (unresolved.length > 0
            ? '; some policies are Terraform expressions that cannot be read at synth'
            : ''),
      );
    });
  },
};
